"""The official calendar as data: the statutory holidays for a year nobody has published yet, a loaded notice over
the package, provisional periods, and the State Council's notice read from its text."""
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from services.grid import notice_text
from shared import clock, holidays
from shared.clock import DayKind
from shared.errors import ValidationFailed

NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
国办发明电〔2025〕7号
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。"""

# A 2027 notice as the State Council might word it (not published yet): it gives Monday 4 January as well.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至4日（周一）放假调休，共4天。1月9日（周六）上班。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。"""

OBJECTION_START = datetime.fromisoformat("2026-12-29T10:00:00+08:00")  # a Tuesday


def local_day(moment: datetime) -> date:
    return (moment.astimezone(clock.LOCAL) - timedelta(days=1)).date()  # the period ends at midnight after it


@pytest.fixture(autouse=True)
def no_notices():
    holidays.install([])
    yield
    holidays.install([])


def test_without_a_2027_notice_the_window_from_29_december_skips_new_years_day_and_is_provisional():
    window = clock.period(OBJECTION_START, 5, DayKind.working)
    assert local_day(window.end) == date(2027, 1, 6)  # 30, 31 Dec, (1 Jan off, 2-3 weekend), 4, 5, 6 Jan
    assert window.provisional


def test_a_loaded_2027_notice_that_adds_a_day_moves_the_window_and_makes_it_final():
    holidays.install([notice_text.parse(NOTICE_2027)])
    window = clock.period(OBJECTION_START, 5, DayKind.working)
    assert local_day(window.end) == date(2027, 1, 7)  # 4 January is off as well now
    assert not window.provisional


def test_a_period_inside_the_packages_years_or_in_calendar_days_is_never_provisional():
    assert not clock.period(datetime.fromisoformat("2026-09-28T09:00:00+08:00"), 10, DayKind.working).provisional
    assert not clock.period(OBJECTION_START, 60, DayKind.calendar).provisional


def test_the_statutory_holidays_are_the_packages_days_off_in_the_years_it_knows():
    for year in (2025, 2026):
        for day, name in holidays.statutory_holidays(year).items():
            if "补假" not in name:
                assert not chinese_calendar.is_workday(day), (day, name)


def test_the_statutory_holidays_of_2027_with_lunar_festivals_and_days_given_back_for_weekends():
    days = holidays.statutory_holidays(2027)
    assert days[date(2027, 1, 1)] == "元旦"
    assert [d for d, n in days.items() if n == "春节"] == [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7),
                                                          date(2027, 2, 8)]  # 除夕 to 初三
    assert days[date(2027, 4, 5)] == "清明节" and days[date(2027, 6, 9)] == "端午节"
    assert days[date(2027, 9, 15)] == "中秋节"
    # 劳动节 on a Saturday and Sunday: given back on the Monday and Tuesday after (办法 第六条).
    assert days[date(2027, 5, 3)] == days[date(2027, 5, 4)] == "劳动节（补假）"
    assert not holidays.current().is_working_day(date(2027, 10, 4))


def test_the_2026_notice_read_from_its_text_is_the_packages_2026_day_for_day():
    notice = notice_text.parse(NOTICE_2026)
    assert (notice.year, notice.document_number, len(notice.holidays)) == (2026, "国办发明电〔2025〕7号", 7)
    assert notice.workdays[:2] == [date(2026, 1, 4), date(2026, 2, 14)]
    loaded = holidays.Calendar([notice])
    year = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    assert [d for d in year if loaded.is_working_day(d) != chinese_calendar.is_workday(d)] == []
    assert loaded.day(date(2026, 2, 16)) == (False, holidays.NOTICE, "春节")


def test_a_notice_overrides_the_package_and_may_name_the_december_before_its_year():
    # A 2024 notice read differently from the package's, to show which one counts.
    notice = notice_text.parse("国务院办公厅关于2024年部分节假日安排的通知\n"
                               "一、元旦：12月29日（周五）至1月1日（周一）放假调休，共4天。12月24日（周日）上班。")
    assert notice.holidays[0].start == date(2023, 12, 29) and notice.workdays == [date(2023, 12, 24)]
    assert chinese_calendar.is_workday(date(2023, 12, 29)) and not chinese_calendar.is_workday(date(2023, 12, 24))
    calendar = holidays.Calendar([notice])
    assert calendar.day(date(2023, 12, 29)) == (False, holidays.NOTICE, "元旦")
    assert calendar.is_working_day(date(2023, 12, 24))
    assert calendar.day(date(2023, 12, 28)) == (True, holidays.PACKAGE, None)  # not named: the package decides
    assert calendar.day(date(2024, 5, 1)) == (True, holidays.NOTICE, None)  # the notice's own year: it alone


@pytest.mark.parametrize("text, field", [
    ("2027年\n一、元旦：放假一天。", "text"),                            # no dates
    ("国务院办公厅关于部分节假日安排的通知\n一、元旦：1月1日放假。", "year"),  # no year anywhere
    ("2027年\n一、元旦：1月1日至3日放假。1月5日（周二）上班。", "text"),      # a make-up day that is a weekday
    ("2027年\n一、春节：2月30日放假。", "text"),                          # no such day
    (NOTICE_2027.replace("六、中秋节：9月15日（周三）放假，共1天。", ""), "text"),  # 中秋 left out by a slip
])
def test_a_notice_that_cannot_be_read_is_refused_naming_the_field(text, field):
    with pytest.raises(ValidationFailed) as refused:
        notice_text.parse(text)
    assert refused.value.field == field and any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
