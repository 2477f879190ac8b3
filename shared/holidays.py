"""China's official calendar as data the county keeps: which days are working days, and how sure that is.

Three sources, the first that knows a day decides:
1. **A loaded notice** (国务院办公厅关于某年部分节假日安排的通知): its holiday ranges and make-up working days (调休上班),
   loaded by the county in the grid service and kept by every service that counts working days. A notice may
   name days of the December before its year (a 元旦 that starts on 30 December); those entries count too.
2. **The `chinese-calendar` package** for the years it covers (2004 to 2026 in 1.11.0).
3. **The statutory fixed-date holidays** of 《全国年节及纪念日放假办法》(2024年修订) for any other year: 元旦 1月1日,
   春节 农历除夕至正月初三, 清明节 清明当日, 劳动节 5月1日至2日, 端午节 农历五月初五, 中秋节 农历八月十五, 国庆节
   10月1日至3日 (lunar dates and the solar term by `lunar-python`), and, as its article 6 says, a holiday that
   falls on a Saturday or Sunday is given back on the next working day. What the State Council adds (make-up
   working days, bridges) is not known yet: a day counted this way is **provisional**.
"""
from datetime import date, timedelta
from functools import lru_cache
from typing import Annotated, Iterable, NamedTuple

import chinese_calendar
from chinese_calendar.constants import Holiday
from lunar_python import Lunar, Solar
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FIRST_YEAR, LAST_YEAR = 2004, 2100
STATUTORY_SINCE = 2025  # the 2024 amendment (春节 from 除夕, 劳动节 two days) applies from 1 January 2025

NOTICE = "notice"          # 国务院放假安排通知（已导入）
PACKAGE = "package"        # 内置日历
STATUTORY = "statutory"    # 法定节日推算（暂定）
FESTIVAL_NAMES = {h.value: h.chinese for h in Holiday}
BASIS_LABELS = {NOTICE: "国务院放假安排通知", PACKAGE: "内置官方日历", STATUTORY: "按法定节日推算（暂定）"}


# the statutory holidays ---------------------------------------------------------------------------------------
def _lunar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    solar = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _festival_days(year: int) -> list[tuple[str, list[date]]]:
    spring = _lunar(year, 1, 1)
    return [("元旦", [date(year, 1, 1)]),
            ("春节", [spring - timedelta(days=1)] + [spring + timedelta(days=n) for n in range(3)]),
            ("清明节", [_qingming(year)]),
            ("劳动节", [date(year, 5, 1), date(year, 5, 2)]),
            ("端午节", [_lunar(year, 5, 5)]),
            ("中秋节", [_lunar(year, 8, 15)]),
            ("国庆节", [date(year, 10, 1) + timedelta(days=n) for n in range(3)])]


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[date, str]:
    """The days off the law itself fixes for `year`, with the festival's name; a holiday on a weekend is given
    back on the next weekday after its festival that is not a holiday itself (补假)."""
    days: dict[date, str] = {}
    festivals = _festival_days(year)
    for name, festival in festivals:
        days.update(dict.fromkeys(festival, name))
    for name, festival in festivals:
        owed = sum(d.weekday() >= 5 for d in festival)
        day = max(festival)
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in days:
                days[day] = f"{name}（补假）"
                owed -= 1
    return days


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# the notice ---------------------------------------------------------------------------------------------------
class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HolidayRange(Model):
    name: Annotated[str, Field(min_length=2, max_length=20, description="节日，如 春节、国庆节、中秋节")]
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError("放假结束日期不能早于开始日期")
        if (self.end - self.start).days >= 12:
            raise ValueError("一次放假不超过12天")
        return self

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


class HolidayNotice(Model):
    """A year's holiday arrangements as the State Council publishes them: each holiday range (including the
    weekend days inside it) and each weekend day made a working day."""
    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
    title: Annotated[str, Field(min_length=4, max_length=100, description="通知名称")]
    document_number: Annotated[str | None, Field(max_length=40, description="文号，如 国办发明电〔2026〕7号")] = None
    holidays: Annotated[list[HolidayRange], Field(min_length=1, max_length=12)]
    workdays: Annotated[list[date], Field(max_length=15, description="调休上班的周六、周日")] = []

    @field_validator("workdays")
    @classmethod
    def _weekend(cls, value):
        for day in value:
            if day.weekday() < 5:
                raise ValueError(f"调休上班日应为周六或周日：{day.isoformat()}")
        return sorted(set(value))

    @model_validator(mode="after")
    def _within_year(self):
        first, last = date(self.year - 1, 12, 1), date(self.year, 12, 31)
        seen: set[date] = set()
        for holiday in self.holidays:
            for day in holiday.days():
                if not first <= day <= last:
                    raise ValueError(f"{holiday.name}的日期{day.isoformat()}不在{self.year}年（或其前一年12月）内")
                if day in seen:
                    raise ValueError(f"{day.isoformat()}在两个放假安排中重复")
                seen.add(day)
        for day in self.workdays:
            if not first <= day <= last:
                raise ValueError(f"调休上班日{day.isoformat()}不在{self.year}年（或其前一年12月）内")
            if day in seen:
                raise ValueError(f"{day.isoformat()}既是放假日又是上班日")
        if self.year >= STATUTORY_SINCE:  # a notice always grants the statutory days; one that does not is a slip
            for day, name in sorted(statutory_holidays(self.year).items()):
                if day not in seen and "补假" not in name:
                    raise ValueError(f"通知未包含法定节假日：{name}（{day.month}月{day.day}日）")
        return self

    def entries(self) -> dict[date, tuple[bool, str | None]]:
        """Every day the notice names: (working, festival)."""
        out: dict[date, tuple[bool, str | None]] = dict.fromkeys(self.workdays, (True, None))
        for holiday in self.holidays:
            out.update(dict.fromkeys(holiday.days(), (False, holiday.name)))
        return out


# the calendar -------------------------------------------------------------------------------------------------
class Day(NamedTuple):
    working: bool
    basis: str            # notice, package or statutory
    name: str | None      # the festival of a day off, when known


class Calendar:
    """The working days as far as the loaded notices, the package and the law know them."""

    def __init__(self, notices: Iterable[HolidayNotice] = ()):
        self.notices = {n.year: n for n in notices}
        self._entries: dict[date, tuple[bool, str | None]] = {}
        for year in sorted(self.notices):  # a later year's notice names its own December days last
            self._entries.update(self.notices[year].entries())

    def replaced(self, year: int, notice: HolidayNotice | None) -> "Calendar":
        """The same calendar with `year`'s notice replaced (or removed): what it said before a load."""
        others = [n for y, n in self.notices.items() if y != year]
        return Calendar(others + ([notice] if notice else []))

    def day(self, day: date) -> Day:
        if day in self._entries:
            working, name = self._entries[day]
            return Day(working, NOTICE, name)
        if day.year in self.notices:
            return Day(day.weekday() < 5, NOTICE, None)
        if package_covers(day.year):
            working = chinese_calendar.is_workday(day)
            name = None if working else chinese_calendar.get_holiday_detail(day)[1]
            return Day(working, PACKAGE, FESTIVAL_NAMES.get(name, name) if name else None)
        name = statutory_holidays(day.year).get(day)
        return Day(name is None and day.weekday() < 5, STATUTORY, name)

    def is_working_day(self, day: date) -> bool:
        return self.day(day).working

    def basis_of_year(self, year: int) -> str:
        return NOTICE if year in self.notices else PACKAGE if package_covers(year) else STATUTORY


_current = Calendar()


def current() -> Calendar:
    """The calendar this process counts with; a service that keeps the notices installs them at start and after
    each load."""
    return _current


def install(notices: Iterable[HolidayNotice]) -> Calendar:
    global _current
    _current = Calendar(notices)
    return _current
