"""The State Council's holiday notice as it is published, pasted as text, read into a HolidayNotice.

The notice has one numbered item per holiday, each a holiday range and, where there is 调休, the weekend days that
become working days:

    国务院办公厅关于2027年部分节假日安排的通知
    一、元旦：1月1日（周五）至3日（周日）放假，共3天。
    二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。

Dates have no year: the notice's own year, except a December date in the 元旦 item, which is the December before.
Plain rules, no I/O; a text that cannot be read is a ValidationFailed naming the line.
"""
import re
from datetime import date

from shared.errors import ValidationFailed
from shared.holidays import HolidayNotice, HolidayRange

ITEM = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*([^：:]+)[：:](.+)$")
ASIDE = re.compile(r"（[^）]*）|\([^)]*\)")
DAY = re.compile(r"(?:(\d{1,2})\s*月)?\s*(\d{1,2})\s*日")
RANGE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*[至到—-]\s*(?:(\d{1,2})\s*月)?\s*(\d{1,2})\s*日)?")
YEAR = re.compile(r"(20\d{2}|21\d{2})\s*年")
DOCUMENT = re.compile(r"国办发(?:明电)?〔\d{4}〕\d+号")


def _date(year: int, month: int, day: int, new_year_item: bool, line: int) -> date:
    if new_year_item and month == 12:
        year -= 1
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationFailed(f"第{line}行的日期{month}月{day}日不存在", field="text",
                               code="holiday_notice.bad_date") from None


def parse(text: str, year: int | None = None) -> HolidayNotice:
    lines = [raw.strip() for raw in str(text or "").splitlines()]
    if year is None:
        found = YEAR.search(text or "")
        if not found:
            raise ValidationFailed("未能从通知中读出年份，请填写年份", field="year", code="holiday_notice.no_year")
        year = int(found.group(1))
    title = next((t for t in lines if "通知" in t), f"{year}年部分节假日安排")
    document = DOCUMENT.search(text or "")
    holidays, workdays = [], []
    for number, raw in enumerate(lines, start=1):
        item = ITEM.match(raw)
        if not item:
            continue
        name, body = item.group(1).strip(), ASIDE.sub("", item.group(2))
        new_year = "元旦" in name
        sentences = [s for s in re.split(r"[。；;]", body) if s.strip()]
        off = next((s for s in sentences if "放假" in s), None)
        span = RANGE.search(off or "")
        if span is None:
            raise ValidationFailed(f"第{number}行（{name}）未写明放假日期", field="text",
                                   code="holiday_notice.no_range")
        month, day, end_month, end_day = span.groups()
        start = _date(year, int(month), int(day), new_year, number)
        end = _date(year, int(end_month or month), int(end_day or day), new_year, number) if end_day else start
        holidays.append({"name": name[:20], "start": start, "end": end})
        for sentence in re.split(r"[。；;，,]", body):  # the clauses that name working days, and only those
            if "上班" not in sentence:
                continue
            month = None
            for m, d in DAY.findall(sentence):
                month = int(m) if m else month
                if month is None:
                    raise ValidationFailed(f"第{number}行的上班日期缺少月份", field="text", code="holiday_notice.bad_date")
                workdays.append(_date(year, month, int(d), new_year, number))
    if not holidays:
        raise ValidationFailed("未读到任何放假安排：每项应形如“一、元旦：1月1日至3日放假”", field="text",
                               code="holiday_notice.empty")
    try:
        return HolidayNotice(year=year, title=title[:100], document_number=document.group(0) if document else None,
                             holidays=[HolidayRange(**h) for h in holidays], workdays=workdays)
    except ValueError as exc:  # pydantic's errors carry the Chinese message of the rule that failed
        message = exc.errors()[0]["msg"].removeprefix("Value error, ") if hasattr(exc, "errors") else str(exc)
        raise ValidationFailed(message, field="text", code="holiday_notice.invalid") from None
