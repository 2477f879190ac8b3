"""The county's household register spreadsheets: one row per resident, Chinese headers, .xlsx or .csv.

Pure functions: `read_sheet` turns an upload into row dicts (and the headers it does not know), `validate_rows`
lists every problem with its row, column and a Chinese reason (and a warning for each unknown column),
`group_households` turns clean rows into HouseholdIn-shaped dicts. `to_rows`,
`write_xlsx` and `write_csv` go the other way, for templates, exports and the demo data.

A problem never carries a full ID number or phone: values are masked before they are reported.
"""
import csv
import io
import re
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, computed_field

from shared import idnumber, pii
from shared.errors import ValidationFailed

from .api.codes import RELATION_LABELS, Relation
from .api.rpc import HouseholdIn, ResidentIn

COLUMNS = [
    ("户号", "household_number"),
    ("乡镇（街道）", "township"),
    ("村（社区）", "village"),
    ("网格", "grid"),
    ("微网格编码", "micro_grid_code"),
    ("住址", "address"),
    ("姓名", "name"),
    ("与户主关系", "relation"),
    ("身份证号", "id_number"),
    ("联系电话", "phone"),
    ("宗教信仰", "religion"),
    ("健康状况", "health"),
    ("特殊人群", "special_group"),
]
# Read when a sheet has it, never written: the register keeps the birth date the ID number carries.
READ_ONLY_COLUMNS = [("出生日期", "birth_date")]
FIELDS = [f for _, f in COLUMNS]
READ_FIELDS = FIELDS + [f for _, f in READ_ONLY_COLUMNS]
HEADERS = {f: h for h, f in COLUMNS + READ_ONLY_COLUMNS}
REQUIRED = ("household_number", "micro_grid_code", "address", "name", "relation", "id_number")
# Headers other counties' templates use for the same columns.
_ALIASES = {"身份证号码": "id_number", "公民身份号码": "id_number", "手机号": "phone", "手机号码": "phone",
            "电话": "phone", "与户主关系名称": "relation", "户主关系": "relation", "出生年月日": "birth_date",
            "出生年月": "birth_date", "生日": "birth_date", "村（居）": "village", "村（居委会）": "village",
            "乡镇": "township", "乡镇街道": "township", "村": "village", "社区": "village"}
_HEADER_FIELDS = dict(COLUMNS + READ_ONLY_COLUMNS) | _ALIASES
# Excel keeps 15 significant digits of a number, so an 18-digit code typed as a number has lost its tail.
_DIGIT_CODES = ("id_number", "micro_grid_code")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_MICRO_GRID_CODE = re.compile(r"^\d{18}$")
_TEXT_COLUMNS = ("household_number", "micro_grid_code", "id_number", "phone")
# Full-width digits and letters (１２３, Ｘ) typed with a Chinese input method are the same characters to a clerk.
_WIDTH_FOLDED = _TEXT_COLUMNS
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); a birth date is between these serials.
_EXCEL_DAY_ZERO = date(1899, 12, 30)
_SERIALS = (1, 80000)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_AREA_NAME_COLUMNS = (("township", 9), ("village", 12), ("grid", 15))  # name column, length of its code

_RELATION_BY_TEXT = {label: relation for relation, label in RELATION_LABELS.items()} | {r.value: r for r in Relation}
_RELATION_CHOICES = "、".join(RELATION_LABELS.values())


def _max_length(model, name: str) -> int | None:
    for meta in model.model_fields[name].metadata:
        if getattr(meta, "max_length", None) is not None:
            return meta.max_length
    return None


MAX_LENGTHS = {
    "household_number": _max_length(HouseholdIn, "household_number"),
    "address": _max_length(HouseholdIn, "address"),
    **{f: _max_length(ResidentIn, f) for f in ("name", "religion", "health", "special_group")},
}


class Problem(BaseModel):
    row: int
    column: str
    value_masked: str | None = None
    reason: str


class Report(BaseModel):
    total_rows: int
    households: int  # distinct 户号
    residents: int   # distinct valid ID numbers
    problems: list[Problem] = []
    warnings: list[Problem] = []  # worth a look, but the file imports

    @computed_field
    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return self.model_dump()


# --- reading -------------------------------------------------------------------------------------------------

def read_file(filename: str, content: bytes) -> list[dict]:
    return read_sheet(filename, content)[0]


def read_sheet(filename: str, content: bytes) -> tuple[list[dict], list[str]]:
    """Rows of the first sheet (or the CSV) as dicts of field names, each with its spreadsheet `row` number, and
    the headers of the columns no field is read from.

    Cells are stripped text or None. An ID number or micro-grid code stored as a number is kept as the number,
    so that `validate_rows` can say what happened to it instead of reporting a wrong check digit; a date stays a
    date or a number (an Excel serial) for the same reason.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        records = _xlsx_records(content)
    elif extension == "csv":
        records = _csv_records(content)
    else:
        raise ValidationFailed("只支持 .xlsx 和 .csv 文件", field="file", code="import.unsupported_file")

    header = next(records, None)
    if header is None:
        raise ValidationFailed("文件是空的", field="file", code="import.empty_file")
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for position, title in enumerate(header[1]):
        name = _HEADER_FIELDS.get(_normalise_header(title))
        if name and name not in positions:
            positions[name] = position
        elif name is None and _normalise_header(title):
            unknown.append(str(title).strip())
    missing = [HEADERS[f] for f in REQUIRED if f not in positions]
    if missing:
        raise ValidationFailed(f"缺少必填列：{'、'.join(missing)}", field=missing[0], code="import.missing_column")

    fields = FIELDS + [f for _, f in READ_ONLY_COLUMNS if f in positions]  # a column the sheet has
    rows = []
    for number, values in records:
        row = {"row": number}
        for name in fields:
            position = positions.get(name)
            row[name] = _cell(name, values[position] if position is not None and position < len(values) else None)
        if any(row[name] is not None for name in fields):
            rows.append(row)
    return rows, unknown


def _normalise_header(title) -> str:
    if title is None:
        return ""
    text = re.sub(r"\s+", "", str(title)).replace("\u3000", "")
    return text.replace("(", "（").replace(")", "）")


def _cell(name: str, value):
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value if name == "birth_date" else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        return value if name in _DIGIT_CODES + ("birth_date",) else str(value)
    text = str(value).strip()
    if name in _WIDTH_FOLDED:
        text = unicodedata.normalize("NFKC", text).strip()
    return text or None


def _xlsx_records(content: bytes):
    # calamine (Rust) reads a county's sheet of a quarter of a million rows in seconds; openpyxl took minutes.
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        values = sheet.to_python(skip_empty_area=False)
    except Exception:  # any failure to parse an upload means the same thing to the user
        raise ValidationFailed("无法读取该 Excel 文件，请确认是 .xlsx 格式", field="file",
                               code="import.unreadable_file") from None
    first = (sheet.start or (0, 0))[0] + 1  # the sheet's rows as Excel numbers them
    return ((number, [None if v == "" else v for v in row]) for number, row in enumerate(values, first))


def _csv_records(content: bytes):
    # Excel on Chinese Windows saves CSV as GBK; GB18030 is its superset.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件", field="file",
                               code="import.bad_encoding")
    return enumerate(csv.reader(io.StringIO(text, newline="")), 1)


# --- validating ----------------------------------------------------------------------------------------------

def validate_rows(rows: list[dict], known_micro_grids: set[str], area_names: dict[str, str] | None = None,
                  unknown_columns: list[str] = ()) -> Report:
    """Every problem of the rows. With `area_names` (code → name), the township, village and grid names must be
    those of the micro-grid code's areas."""
    problems: list[tuple[int, int, Problem]] = []

    def report(row_number: int, name: str, value, reason: str) -> None:
        problem = Problem(row=row_number, column=HEADERS[name], value_masked=_mask(name, value), reason=reason)
        problems.append((row_number, READ_FIELDS.index(name), problem))

    rows_by_id: dict[str, list[int]] = {}
    households: dict[str, list[tuple[int, dict]]] = {}
    for index, row in enumerate(rows):
        number = row.get("row") or index + 2
        for name in REQUIRED:
            if _text(row.get(name)) is None:
                report(number, name, None, "不能为空")
        for name, limit in MAX_LENGTHS.items():
            text = _text(row.get(name))
            if text is not None and limit is not None and len(text) > limit:
                report(number, name, text, f"不能超过{limit}个字")

        raw_id = row.get("id_number")
        raw_id = _folded(raw_id) if isinstance(raw_id, str) else raw_id
        if _stored_as_number(raw_id):
            report(number, "id_number", raw_id, "身份证号被存成了数字，后几位已丢失；请把该列设为文本格式后重新填写")
        elif _text(raw_id) is not None:
            try:
                rows_by_id.setdefault(idnumber.validate(_text(raw_id)), []).append(number)
            except idnumber.InvalidIdNumber as exc:
                report(number, "id_number", raw_id, str(exc))

        phone = _phone(row.get("phone"))
        if phone is not None and not pii.is_phone(phone):
            report(number, "phone", phone, "手机号应为11位且以1开头")

        relation = _text(row.get("relation"))
        if relation is not None and relation not in _RELATION_BY_TEXT:
            report(number, "relation", relation, f"与户主关系只能填：{_RELATION_CHOICES}")

        code = row.get("micro_grid_code")
        code = _folded(code) if isinstance(code, str) else code
        if _stored_as_number(code):
            report(number, "micro_grid_code", code, "微网格编码被存成了数字，后几位已丢失；请把该列设为文本格式后重新填写")
        elif _text(code) is not None:
            if not _MICRO_GRID_CODE.match(_text(code)):
                report(number, "micro_grid_code", code, "微网格编码应为18位数字")
            elif _text(code) not in known_micro_grids:
                report(number, "micro_grid_code", code, "微网格编码不存在")
            elif area_names:
                for name, length in _AREA_NAME_COLUMNS:
                    typed, expected = _name(row.get(name)), area_names.get(_text(code)[:length])
                    if typed is not None and expected is not None and typed != _name(expected):
                        report(number, name, row.get(name),
                               f"{HEADERS[name]}名称与微网格编码不符：编码 {_text(code)} 属于「{expected}」")

        _check_birth_date(number, row.get("birth_date"), _text(raw_id), report)

        household_number = _folded(row.get("household_number"))
        if household_number is not None:
            households.setdefault(household_number, []).append((number, row))

    for id_value, numbers in rows_by_id.items():
        if len(numbers) > 1:
            for number in numbers:
                other = numbers[1] if number == numbers[0] else numbers[0]
                report(number, "id_number", id_value, f"文件中身份证号重复（与第{other}行）")

    for household_number, members in households.items():
        _check_household(household_number, members, report)

    problems.sort(key=lambda p: (p[0], p[1]))
    warnings = [Problem(row=1, column=title, reason=f"未识别的列「{title}」，该列内容不会导入") for title in unknown_columns]
    return Report(total_rows=len(rows), households=len(households), residents=len(rows_by_id),
                  problems=[p for _, _, p in problems], warnings=warnings)


def _name(value) -> str | None:
    text = _text(value)
    return re.sub(r"\s+", "", text) if text is not None else None


def birth_date_of(value) -> date | None:
    """A birth-date cell as a date: a date, an Excel serial number, or text like 1990-05-03, 1990/5/3, 1990年5月3日,
    19900503; None when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIALS[0] <= value < _SERIALS[1]:
            return _EXCEL_DAY_ZERO + timedelta(days=int(value))
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    found = _DATE_TEXT.match(text) or (re.match(r"^(\d{4})(\d{2})(\d{2})$", text))
    if not found:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _check_birth_date(number: int, value, id_number: str | None, report) -> None:
    if value is None:
        return
    born = birth_date_of(value)
    if born is None:
        report(number, "birth_date", None, "出生日期无法识别，请填写如 1990-05-03 的日期")
    elif id_number is not None and idnumber.is_valid(id_number) and idnumber.birth_date(id_number) != born:
        report(number, "birth_date", None, f"出生日期（{born.isoformat()}）与身份证号中的出生日期不符")


def _check_household(household_number: str, members: list[tuple[int, dict]], report) -> None:
    first_number, first = members[0]
    for name, label in (("micro_grid_code", "微网格编码"), ("address", "住址")):
        expected = _text(first.get(name))
        for number, row in members[1:]:
            value = _text(row.get(name))
            if expected is not None and value is not None and value != expected:
                report(number, name, row.get(name), f"同一户号在第{first_number}行填的{label}与此不同")
    relations = [(number, _text(row.get("relation"))) for number, row in members]
    heads = [number for number, relation in relations if _RELATION_BY_TEXT.get(relation) == Relation.head]
    if not heads and all(relation in _RELATION_BY_TEXT for _, relation in relations):
        report(first_number, "relation", relations[0][1], f"户号 {household_number} 没有户主")
    for number in heads[1:]:
        report(number, "relation", RELATION_LABELS[Relation.head], f"同一户有多名户主（另见第{heads[0]}行）")


def _stored_as_number(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and bool(_SCIENTIFIC.match(value.strip())))


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _folded(value) -> str | None:
    """A code typed with full-width digits or letters as the plain ones (１２３Ｘ → 123X)."""
    text = _text(value)
    return unicodedata.normalize("NFKC", text).strip() or None if text is not None else None


def _phone(value) -> str | None:
    text = _folded(value)
    return re.sub(r"[\s\-]", "", text) if text is not None else None


def _mask(name: str, value) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if name in ("township", "village", "grid"):
        return text  # the names of places, not of people
    if name == "id_number":
        if _stored_as_number(value) and "e" in text.lower():
            text = str(int(float(text)))
        # Too short to keep the county and the last four without showing nearly everything.
        return pii.mask_id_number(text) if len(text) >= 14 else "*" * len(text)
    if name == "phone":
        return pii.mask_phone(text)
    if name == "micro_grid_code":
        # A code is not personal, but an ID number pasted into the wrong column is.
        return pii.mask_id_number(text) if idnumber.is_valid(text) else text
    return pii.mask_text(text)


# --- households ----------------------------------------------------------------------------------------------

def group_households(rows: list[dict]) -> list[dict]:
    """Rows that passed `validate_rows`, as HouseholdIn-shaped dicts in the order their 户号 first appears."""
    households: dict[str, dict] = {}
    for row in rows:
        number = _folded(row["household_number"])
        household = households.get(number)
        if household is None:
            household = households[number] = {
                "household_number": number,
                "micro_grid_code": _folded(row["micro_grid_code"]),
                "address": _text(row["address"]),
                "residents": [],
            }
        household["residents"].append({
            "name": _text(row["name"]),
            "id_number": idnumber.normalise(_folded(row["id_number"])),
            "relation": _RELATION_BY_TEXT[_text(row["relation"])].value,
            "phone": _phone(row.get("phone")),
            "religion": _text(row.get("religion")),
            "health": _text(row.get("health")),
            "special_group": _text(row.get("special_group")),
        })
    return list(households.values())


def to_rows(households: list[dict], area_names: dict[str, str] | None = None) -> list[dict]:
    """Household dicts back into one row per resident; `area_names` (code → name) fills the name columns."""
    names = area_names or {}
    rows = []
    for household in households:
        code = household["micro_grid_code"]
        for resident in household.get("residents", []):
            rows.append({
                "household_number": household["household_number"],
                "township": names.get(code[:9]),
                "village": names.get(code[:12]),
                "grid": names.get(code[:15]),
                "micro_grid_code": code,
                "address": household["address"],
                "name": resident["name"],
                "relation": RELATION_LABELS[Relation(resident.get("relation") or Relation.head)],
                "id_number": resident["id_number"],
                "phone": resident.get("phone"),
                "religion": resident.get("religion"),
                "health": resident.get("health"),
                "special_group": resident.get("special_group"),
            })
    return rows


# --- writing -------------------------------------------------------------------------------------------------

def _row_values(row: dict) -> list:
    values = []
    for name in FIELDS:
        value = row.get(name)
        if name == "relation" and value in _RELATION_BY_TEXT:
            value = RELATION_LABELS[_RELATION_BY_TEXT[value]]
        values.append(value)
    return values


def write_xlsx(rows: list[dict], path_or_buffer) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("户籍人口")
    sheet.freeze_panes = "A2"
    for position, (_, name) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(position)].width = 22 if name in _TEXT_COLUMNS + ("address",) else 12
    bold = Font(bold=True)
    heading = []
    for header, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    text_positions = {FIELDS.index(name) for name in _TEXT_COLUMNS}
    for row in rows:
        cells = []
        for position, value in enumerate(_row_values(row)):
            if position in text_positions:
                # Text format, so that staff editing the sheet cannot turn an ID number into a number.
                cell = WriteOnlyCell(sheet, value=None if value is None else str(value))
                cell.number_format = "@"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(path_or_buffer)


def write_csv(rows: list[dict], path_or_buffer, encoding: str = "utf-8-sig") -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow([header for header, _ in COLUMNS])
    for row in rows:
        writer.writerow(["" if value is None else value for value in _row_values(row)])
    if isinstance(path_or_buffer, io.TextIOBase):
        path_or_buffer.write(text.getvalue())
    elif hasattr(path_or_buffer, "write"):
        path_or_buffer.write(text.getvalue().encode(encoding))
    else:
        Path(path_or_buffer).write_bytes(text.getvalue().encode(encoding))
