"""The county's registers of places as spreadsheets (.xlsx or .csv, Chinese headers), one sheet per register:
综治中心, 综合服务设施, and 重点区域 with their 视频点位 (one row per point; a key area without points is one row
with the point columns empty). Pure functions: `read_rows` turns an upload into row dicts, `validate` lists every
problem with its row, column and a Chinese reason and builds the request bodies of the rows that passed, and
`write_xlsx` goes the other way (templates, the demo).
"""
import csv
import io
import re
from datetime import date, datetime

from pydantic import ValidationError

from shared import clock
from shared.errors import ValidationFailed, from_pydantic

from .api.codes import AreaKind
from .api.places import (
    KEY_AREA_KIND_LABELS,
    PLACE_IMPORT_KINDS,
    CentreIn,
    FacilityIn,
    KeyAreaIn,
    KeyAreaKind,
    Subject,
    VideoPointIn,
)
from .places import AREA_LEVEL

KEY_AREA = "key_area"
KINDS = PLACE_IMPORT_KINDS
TITLES = {Subject.governance_centre.value: "综治中心", Subject.service_facility.value: "综合服务设施",
          KEY_AREA: "重点区域及视频点位"}
COLUMNS = {
    Subject.governance_centre.value: [("区划代码", "area_code"), ("区划名称", "area_name"), ("中心名称", "name"),
                                      ("地址", "address"), ("状态", "status")],
    Subject.service_facility.value: [("村（社区）代码", "village_code"), ("村（社区）名称", "area_name"),
                                     ("设施名称", "name"), ("地址", "address"), ("状态", "status")],
    KEY_AREA: [("区划代码", "area_code"), ("区划名称", "area_name"), ("重点区域名称", "name"), ("类别", "kind"),
               ("地址", "address"), ("点位编号", "point_code"), ("点位名称", "point_name"), ("在线状态", "online"),
               ("最近检查时间", "checked_at")],
}
REQUIRED = {Subject.governance_centre.value: ("area_code",), Subject.service_facility.value: ("village_code",),
            KEY_AREA: ("area_code", "name", "kind")}
_ALIASES = {"行政区划代码": "area_code", "村代码": "village_code", "社区代码": "village_code", "区划代码": "area_code",
            "区域名称": "name", "重点区域": "name", "点位编码": "point_code", "设备编码": "point_code",
            "检查时间": "checked_at", "状态": "status", "在线": "online"}
_STATUS = {"在用": True, "启用": True, "正常": True, "停用": False, "撤销": False}
_ONLINE = {"在线": True, "离线": False, "故障": False}
_KIND_WORDS = {label: kind for kind, label in KEY_AREA_KIND_LABELS.items()} | {k.value: k for k in KeyAreaKind} | {
    "中小学": KeyAreaKind.school, "学校": KeyAreaKind.school, "医院": KeyAreaKind.hospital, "卫生院": KeyAreaKind.hospital,
    "客运站": KeyAreaKind.bus_station, "汽车站": KeyAreaKind.bus_station, "车站": KeyAreaKind.bus_station,
    "市场": KeyAreaKind.market, "农贸市场": KeyAreaKind.market, "道路": KeyAreaKind.main_road,
    "主要道路": KeyAreaKind.main_road, "路口": KeyAreaKind.main_road, "景区": KeyAreaKind.scenic_spot,
    "河道": KeyAreaKind.river_bank, "其他": KeyAreaKind.other}
MAX_ROWS = 20000


def kind_of(value) -> str:
    if value not in KINDS:
        raise ValidationFailed("导入类型应为 governance_centre、service_facility 或 key_area", field="kind",
                               code="import.unknown_kind")
    return value


# reading ---------------------------------------------------------------------------------------------------------
def read_rows(kind: str, filename: str, content: bytes) -> list[dict]:
    """Rows of the first sheet (or the CSV) as dicts of field names, each with its spreadsheet `row` number."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension == "xlsx":
        records = _xlsx_records(content)
    elif extension == "csv":
        records = _csv_records(content)
    else:
        raise ValidationFailed("只支持 .xlsx 和 .csv 文件", field="file", code="import.unsupported_file")
    if not records:
        raise ValidationFailed("文件是空的", field="file", code="import.empty_file")
    headers = dict(COLUMNS[kind])
    positions: dict[str, int] = {}
    for position, title in enumerate(records[0][1]):
        text = re.sub(r"\s+", "", str(title or "")).replace("(", "（").replace(")", "）")
        name = headers.get(text) or _ALIASES.get(text)
        if name in headers.values() and name not in positions:
            positions[name] = position
    titles = {f: h for h, f in COLUMNS[kind]}
    missing = [titles[f] for f in REQUIRED[kind] if f not in positions]
    if missing:
        raise ValidationFailed(f"缺少必填列：{'、'.join(missing)}（这是{TITLES[kind]}表吗？）", field="file",
                               code="import.missing_column")
    rows = []
    for number, values in records[1:MAX_ROWS + 1]:
        row = {"row": number, **{name: _cell(values[p] if p < len(values) else None) for name, p in positions.items()}}
        if any(row[name] is not None for name in positions):
            rows.append(row)
    return rows


def _cell(value):
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    return text or None


def _xlsx_records(content: bytes) -> list:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to parse an upload means the same thing to the user
        raise ValidationFailed("无法读取该 Excel 文件，请确认是 .xlsx 格式", field="file",
                               code="import.unreadable_file") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        return [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        workbook.close()


def _csv_records(content: bytes) -> list:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件", field="file",
                               code="import.bad_encoding")
    return list(enumerate(csv.reader(io.StringIO(text, newline="")), 1))


# validating ------------------------------------------------------------------------------------------------------
class Rows:
    """The problems of one sheet, each with its row, column (the Chinese header) and reason, in sheet order."""

    def __init__(self, kind: str):
        self.kind = kind
        self.titles = {f: h for h, f in COLUMNS[kind]}
        self.problems: list[dict] = []

    def report(self, row: int, field: str, value, reason: str) -> None:
        text = None if value is None else str(value)[:40]
        self.problems.append({"row": row, "column": self.titles.get(field, field), "value": text, "reason": reason})

    def model(self, model, row: int, payload: dict, columns: dict[str, str]):
        """The row as a request body, or None with its first problem reported under the right column."""
        try:
            return model.model_validate(payload)
        except ValidationError as exc:
            problem = from_pydantic(exc)
            field = columns.get((problem.field or "").split(".")[0], "")
            self.report(row, field, payload.get((problem.field or "").split(".")[0]), problem.message)
            return None


def validate(kind: str, rows: list[dict], area_kinds: dict[str, AreaKind], foreign_points: set[str]) -> dict:
    """Every problem of the sheet, and the request bodies of its rows. `area_kinds` are the areas in the caller's
    scope (by code) that rows may name; `foreign_points` are point codes registered outside that scope."""
    sheet = Rows(kind)
    if kind == KEY_AREA:
        entries = _key_areas(sheet, rows, area_kinds, foreign_points)
    else:
        entries = _places(sheet, Subject(kind), rows, area_kinds)
    sheet.problems.sort(key=lambda p: p["row"])
    return {"problems": sheet.problems, "entries": entries if not sheet.problems else []}


def _required(sheet: Rows, row: dict) -> bool:
    missing = [f for f in REQUIRED[sheet.kind] if row.get(f) is None]
    for field in missing:
        sheet.report(row["row"], field, None, "不能为空")
    return not missing


def _area(sheet: Rows, row: dict, field: str, area_kinds, allowed, what: str) -> bool:
    code = str(row[field])
    if not re.fullmatch(r"500229(\d{3}){0,2}", code):
        sheet.report(row["row"], field, code, "区划代码应为6位（县）、9位（乡镇）或12位（村、社区）数字，请设为文本格式")
    elif code not in area_kinds:
        sheet.report(row["row"], field, code, "区划不存在或不在辖区内")
    elif area_kinds[code] not in allowed:
        sheet.report(row["row"], field, code, f"该区划不能设{what}")
    else:
        return True
    return False


def _places(sheet: Rows, subject: Subject, rows: list[dict], area_kinds) -> list:
    field = "area_code" if subject == Subject.governance_centre else "village_code"
    allowed = set(AREA_LEVEL) if subject == Subject.governance_centre else {AreaKind.village, AreaKind.community}
    model = CentreIn if subject == Subject.governance_centre else FacilityIn
    seen: dict[str, int] = {}
    entries = []
    for row in rows:
        if not _required(sheet, row) or not _area(sheet, row, field, area_kinds, allowed, TITLES[subject.value]):
            continue
        code = str(row[field])
        if code in seen:
            sheet.report(row["row"], field, code, f"与第{seen[code]}行重复（每个区划只有一个）")
            continue
        seen[code] = row["row"]
        active = _choice(sheet, row, "status", _STATUS, None)
        if active is None and row.get("status") is not None:
            continue
        entry = sheet.model(model, row["row"], {field: code, "name": row.get("name"), "address": row.get("address"),
                                                "active": active}, {"name": "name", "address": "address"})
        if entry is not None:
            entries.append(entry)
    return entries


def _choice(sheet: Rows, row: dict, field: str, words: dict, default):
    value = row.get(field)
    if value is None:
        return default
    if str(value) not in words:
        sheet.report(row["row"], field, value, f"只能填：{'、'.join(words)}")
        return None
    return words[str(value)]


def _key_areas(sheet: Rows, rows: list[dict], area_kinds, foreign_points: set[str]) -> list:
    """(KeyAreaIn, [VideoPointIn]) per key area, in the order they first appear; rows of one key area (same area
    code and name) must agree on its kind and address."""
    allowed = {AreaKind.town, AreaKind.township, AreaKind.street, AreaKind.village, AreaKind.community}
    groups: dict[tuple[str, str], tuple[int, KeyAreaIn, list]] = {}
    points_seen: dict[str, int] = {}
    for row in rows:
        if not _required(sheet, row) or not _area(sheet, row, "area_code", area_kinds, allowed, "重点区域"):
            continue
        kind = _KIND_WORDS.get(str(row["kind"]))
        if kind is None:
            sheet.report(row["row"], "kind", row["kind"], f"类别只能填：{'、'.join(KEY_AREA_KIND_LABELS.values())}")
            continue
        entry = sheet.model(KeyAreaIn, row["row"], {"area_code": str(row["area_code"]), "kind": kind.value,
                                                    "name": row["name"], "address": row.get("address")},
                            {"name": "name", "address": "address"})
        if entry is None:
            continue
        key = (entry.area_code, entry.name)
        if key in groups:
            first, known, _ = groups[key]
            for field in ("kind", "address"):
                if getattr(known, field) != getattr(entry, field):
                    sheet.report(row["row"], field, row.get(field), f"同一重点区域在第{first}行填的{sheet.titles[field]}与此不同")
        else:
            groups[key] = (row["row"], entry, [])
        point = _point(sheet, row, points_seen, foreign_points)
        if point is not None:
            groups[key][2].append(point)
    return [(entry, points) for _, entry, points in groups.values()]


def _point(sheet: Rows, row: dict, seen: dict[str, int], foreign: set[str]):
    code = row.get("point_code")
    if code is None:
        for field in ("point_name", "online", "checked_at"):
            if row.get(field) is not None:
                sheet.report(row["row"], "point_code", None, "填写了点位信息但缺少点位编号")
                break
        return None
    code = str(code)
    if code in seen:
        sheet.report(row["row"], "point_code", code, f"点位编号与第{seen[code]}行重复")
        return None
    seen[code] = row["row"]
    if code in foreign:
        sheet.report(row["row"], "point_code", code, "该点位编号已在其他辖区登记")
        return None
    online = _choice(sheet, row, "online", _ONLINE, None) if row.get("online") is not None else None
    if row.get("online") is not None and online is None:
        return None
    checked_at = _moment(sheet, row)
    if row.get("checked_at") is not None and checked_at is None:
        return None
    if (online is None) != (checked_at is None):
        sheet.report(row["row"], "checked_at" if online is not None else "online", None,
                     "在线状态和最近检查时间须同时填写（或都不填，待巡检）")
        return None
    return sheet.model(VideoPointIn, row["row"], {"code": code, "name": row.get("point_name") or
                                                  f"{row['name']}{code[-4:]}号点位", "online": online,
                                                  "checked_at": checked_at},
                       {"code": "point_code", "name": "point_name", "checked_at": "checked_at"})


def _moment(sheet: Rows, row: dict):
    value = row.get("checked_at")
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or clock.LOCAL) if value else None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=clock.LOCAL)
    try:
        moment = datetime.fromisoformat(str(value).replace("/", "-"))
    except ValueError:
        sheet.report(row["row"], "checked_at", value, "时间格式应为 2026-03-01 08:30")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL)


# writing ---------------------------------------------------------------------------------------------------------
def write_xlsx(kind: str, rows: list[dict], path_or_buffer) -> None:
    """A sheet of this register (header only for a template); code columns are text so Excel keeps every digit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(TITLES[kind])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for header, _ in COLUMNS[kind]:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        cells = []
        for _, field in COLUMNS[kind]:
            value = row.get(field)
            cell = WriteOnlyCell(sheet, value=value if isinstance(value, datetime) or value is None else str(value))
            if isinstance(value, datetime):
                # Excel has no time zones: the sheet shows Chengkou's time (a naive time is taken as already so).
                cell.value = value.astimezone(clock.LOCAL).replace(tzinfo=None) if value.tzinfo else value
                cell.number_format = "yyyy-mm-dd hh:mm"
            else:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(path_or_buffer)
