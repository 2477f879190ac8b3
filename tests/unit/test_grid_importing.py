import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from services.grid import importing
from services.grid.api.rpc import HouseholdIn
from shared import pii
from shared.errors import ValidationFailed
from tests import factories

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEADER = "户号,乡镇（街道）,村（社区）,网格,微网格编码,住址,姓名,与户主关系,身份证号,联系电话,宗教信仰,健康状况,特殊人群"


@pytest.fixture(scope="module")
def areas():
    return factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2)


@pytest.fixture(scope="module")
def micro_grids(areas):
    return set(factories.codes(areas))


def xlsx_bytes(table: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for values in table:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in report.problems]


def assert_no_full_personal_numbers(report):
    dumped = json.dumps(report.model_dump(), ensure_ascii=False)
    assert not pii.ID_NUMBER_IN_TEXT.search(dumped)
    assert not pii.PHONE_IN_TEXT.search(dumped)


def a_row(micro_grid_code, **changes) -> dict:
    row = {
        "household_number": "500229-T90001", "township": None, "village": None, "grid": None,
        "micro_grid_code": micro_grid_code, "address": "城口县第1村民小组1号", "name": "谭明华", "relation": "户主",
        "id_number": factories.id_number(901, date(1968, 4, 12)), "phone": "17000009001",
        "religion": None, "health": None, "special_group": None,
    }
    return row | changes


# --- reading -------------------------------------------------------------------------------------------------

def test_import_xlsx_round_trip_gives_back_the_households(areas, micro_grids):
    households = factories.households(sorted(micro_grids), count=4, seed=1)
    names = {a["code"]: a["name"] for a in areas}
    buffer = io.BytesIO()
    importing.write_xlsx(importing.to_rows(households, names), buffer)

    rows = importing.read_file("户籍人口.xlsx", buffer.getvalue())

    assert [r["row"] for r in rows] == list(range(2, len(rows) + 2))
    assert rows[0]["township"] == "葛城街道"
    assert importing.validate_rows(rows, micro_grids).ok
    assert importing.group_households(rows) == households


def test_import_xlsx_writes_personal_numbers_as_text(micro_grids):
    buffer = io.BytesIO()
    importing.write_xlsx([a_row(sorted(micro_grids)[0])], buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in sheet[1]] == HEADER.split(",")
    id_cell = sheet.cell(row=2, column=9)
    assert isinstance(id_cell.value, str) and id_cell.number_format == "@"


def test_import_reads_gbk_csv_saved_by_excel(micro_grids):
    rows = factories.rows(sorted(micro_grids), count=3, seed=2)
    buffer = io.BytesIO()
    importing.write_csv(rows, buffer, encoding="gbk")
    content = buffer.getvalue()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    read = importing.read_file("住户.CSV", content)

    assert [r["name"] for r in read] == [r["name"] for r in rows]
    assert read[0]["relation"] == "户主"
    assert importing.validate_rows(read, micro_grids).ok


def test_import_reads_utf8_csv_with_bom(micro_grids):
    rows = factories.rows(sorted(micro_grids), count=2, seed=3)
    buffer = io.BytesIO()
    importing.write_csv(rows, buffer)
    assert buffer.getvalue().startswith(b"\xef\xbb\xbf")

    read = importing.read_file("住户.csv", buffer.getvalue())

    assert "\ufeff" not in json.dumps(read)
    assert [r["id_number"] for r in read] == [r["id_number"] for r in rows]


def test_import_accepts_spaced_and_half_width_headers(micro_grids):
    row = a_row(sorted(micro_grids)[0])
    header = " 户号 ,乡镇(街道),村(社区), 网格,微网格编码,住址,姓名,与户主关系,身份证号码,联系电话"
    values = [row[f] for f in ("household_number", "township", "village", "grid", "micro_grid_code", "address",
                               "name", "relation", "id_number", "phone")]
    content = (header + "\n" + ",".join(v or "" for v in values) + "\n").encode("utf-8")

    read = importing.read_file("a.csv", content)

    assert read == [{"row": 2, **row}]


def test_import_skips_empty_rows_but_keeps_row_numbers(micro_grids):
    row = a_row(sorted(micro_grids)[0])
    values = [row[f] for _, f in importing.COLUMNS]
    content = xlsx_bytes([HEADER.split(","), [None] * 13, ["", "  ", None], values])

    read = importing.read_file("a.xlsx", content)

    assert [r["row"] for r in read] == [4]
    assert read[0]["phone"] == "17000009001"


def test_import_converts_phones_typed_as_numbers(micro_grids):
    row = a_row(sorted(micro_grids)[0])
    values = [int(row[f]) if f == "phone" else row[f] for _, f in importing.COLUMNS]
    read = importing.read_file("a.xlsx", xlsx_bytes([HEADER.split(","), values]))
    assert read[0]["phone"] == "17000009001"
    assert importing.validate_rows(read, micro_grids).ok


@pytest.mark.parametrize("typed", [int, float])
def test_import_reports_id_number_typed_as_number_in_xlsx(micro_grids, typed):
    row = a_row(sorted(micro_grids)[0])
    values = [typed(row[f]) if f == "id_number" else row[f] for _, f in importing.COLUMNS]

    read = importing.read_file("a.xlsx", xlsx_bytes([HEADER.split(","), values]))
    report = importing.validate_rows(read, micro_grids)

    [problem] = report.problems
    assert (problem.row, problem.column) == (2, "身份证号")
    assert "存成了数字" in problem.reason
    assert problem.value_masked.startswith("500229") and "*" in problem.value_masked
    assert_no_full_personal_numbers(report)


def test_import_reports_id_number_in_scientific_notation_from_csv(micro_grids):
    rows = [a_row(sorted(micro_grids)[0], id_number="5.00229E+17")]
    [problem] = importing.validate_rows(rows, micro_grids).problems
    assert (problem.row, problem.column) == (2, "身份证号")
    assert "存成了数字" in problem.reason


def test_import_rejects_a_file_missing_a_required_column():
    content = "户号,微网格编码,住址,姓名,与户主关系\n".encode("utf-8")
    with pytest.raises(ValidationFailed) as caught:
        importing.read_file("a.csv", content)
    assert caught.value.code == "import.missing_column"
    assert "身份证号" in caught.value.message


def test_import_rejects_an_unsupported_extension():
    with pytest.raises(ValidationFailed) as caught:
        importing.read_file("住户.xls", b"\xd0\xcf\x11\xe0")
    assert caught.value.code == "import.unsupported_file"
    assert caught.value.field == "file"
    assert caught.value.message == "只支持 .xlsx 和 .csv 文件"


def test_import_rejects_a_broken_xlsx():
    with pytest.raises(ValidationFailed) as caught:
        importing.read_file("a.xlsx", b"not a workbook")
    assert caught.value.code == "import.unreadable_file"


def test_import_rejects_an_empty_file():
    with pytest.raises(ValidationFailed) as caught:
        importing.read_file("a.csv", b"")
    assert caught.value.code == "import.empty_file"


# --- the sample files ----------------------------------------------------------------------------------------

def test_import_sample_ok_file_is_clean(micro_grids):
    rows = importing.read_file("households-ok.csv", (FIXTURES / "households-ok.csv").read_bytes())
    report = importing.validate_rows(rows, micro_grids)
    assert report.ok and report.model_dump()["ok"] is True
    assert (report.total_rows, report.households, report.residents) == (7, 3, 7)


def test_import_sample_bad_file_reports_every_problem(micro_grids):
    rows = importing.read_file("households-bad.csv", (FIXTURES / "households-bad.csv").read_bytes())
    report = importing.validate_rows(rows, micro_grids)

    assert not report.ok
    assert problems_of(report) == [
        (3, "身份证号", "身份证号校验位错误"),
        (4, "姓名", "不能为空"),
        (5, "身份证号", "文件中身份证号重复（与第7行）"),
        (6, "与户主关系", "与户主关系只能填：户主、配偶、子女、父母、孙子女、其他"),
        (7, "身份证号", "文件中身份证号重复（与第5行）"),
    ]
    assert_no_full_personal_numbers(report)


def test_import_reports_wrong_check_digit_with_row_and_column(micro_grids):
    rows = importing.read_file("households-bad.csv", (FIXTURES / "households-bad.csv").read_bytes())
    problem = importing.validate_rows(rows, micro_grids).problems[0]
    assert problem.row == 3 and problem.column == "身份证号"
    assert problem.reason == "身份证号校验位错误"
    assert problem.value_masked == "500229********0241"


def test_import_masks_duplicate_id_numbers(micro_grids):
    rows = importing.read_file("households-bad.csv", (FIXTURES / "households-bad.csv").read_bytes())
    duplicates = [p for p in importing.validate_rows(rows, micro_grids).problems if "重复" in p.reason]
    assert {p.value_masked for p in duplicates} == {"500229********0478"}


# --- checks one by one ---------------------------------------------------------------------------------------

def test_import_reports_unknown_micro_grid(micro_grids):
    report = importing.validate_rows([a_row("500229001001001009")], micro_grids)
    assert problems_of(report) == [(2, "微网格编码", "微网格编码不存在")]
    assert report.problems[0].value_masked == "500229001001001009"


def test_import_reports_malformed_micro_grid_code(micro_grids):
    report = importing.validate_rows([a_row("5002290010")], micro_grids)
    assert problems_of(report) == [(2, "微网格编码", "微网格编码应为18位数字")]


def test_import_reports_bad_phone_masked(micro_grids):
    report = importing.validate_rows([a_row(sorted(micro_grids)[0], phone="0236888123")], micro_grids)
    [problem] = report.problems
    assert (problem.column, problem.reason) == ("联系电话", "手机号应为11位且以1开头")
    assert problem.value_masked == "023****8123"


def test_import_reports_every_missing_required_cell(micro_grids):
    row = a_row(sorted(micro_grids)[0], household_number=" ", address=None, id_number="")
    report = importing.validate_rows([row], micro_grids)
    assert problems_of(report) == [(2, "户号", "不能为空"), (2, "住址", "不能为空"), (2, "身份证号", "不能为空")]


def test_import_reports_cells_longer_than_the_model_allows(micro_grids):
    report = importing.validate_rows([a_row(sorted(micro_grids)[0], address="城" * 121, religion="佛" * 41)],
                                     micro_grids)
    assert problems_of(report) == [(2, "住址", "不能超过120个字"), (2, "宗教信仰", "不能超过40个字")]


def test_import_reports_household_under_two_micro_grids_and_addresses(micro_grids):
    first, second = sorted(micro_grids)
    rows = [
        a_row(first),
        a_row(second, name="冉秀英", relation="配偶", id_number=factories.id_number(902, date(1970, 9, 3))),
        a_row(first, name="谭俊", relation="子女", address="城口县第1村民小组2号",
              id_number=factories.id_number(903, date(1995, 6, 18))),
    ]
    assert problems_of(importing.validate_rows(rows, micro_grids)) == [
        (3, "微网格编码", "同一户号在第2行填的微网格编码与此不同"),
        (4, "住址", "同一户号在第2行填的住址与此不同"),
    ]


def test_import_reports_household_without_a_head(micro_grids):
    rows = [a_row(sorted(micro_grids)[0], relation="配偶")]
    assert problems_of(importing.validate_rows(rows, micro_grids)) == [(2, "与户主关系", "户号 500229-T90001 没有户主")]


def test_import_reports_household_with_two_heads(micro_grids):
    rows = [a_row(sorted(micro_grids)[0]),
            a_row(sorted(micro_grids)[0], name="冉秀英", id_number=factories.id_number(904, date(1970, 9, 3)))]
    assert problems_of(importing.validate_rows(rows, micro_grids)) == [(3, "与户主关系", "同一户有多名户主（另见第2行）")]


def test_import_masks_personal_numbers_in_free_text_columns(micro_grids):
    id_number = factories.id_number(905, date(1990, 1, 1))
    report = importing.validate_rows([a_row(sorted(micro_grids)[0], name=id_number + "x" * 60)], micro_grids)
    [problem] = report.problems
    assert problem.column == "姓名"
    assert_no_full_personal_numbers(report)


def test_import_numbers_rows_without_a_row_key_from_two(micro_grids):
    rows = [a_row(sorted(micro_grids)[0]), a_row(sorted(micro_grids)[0], household_number="500229-T90002",
                                                  id_number="500229")]
    [problem] = importing.validate_rows(rows, micro_grids).problems
    assert (problem.row, problem.value_masked, problem.reason) == (3, "******", "身份证号应为18位")


# --- households ----------------------------------------------------------------------------------------------

def test_import_groups_rows_into_households(micro_grids):
    rows = importing.read_file("households-ok.csv", (FIXTURES / "households-ok.csv").read_bytes())

    households = importing.group_households(rows)

    assert [h["household_number"] for h in households] == ["500229-F00001", "500229-F00002", "500229-F00003"]
    first = households[0]
    assert first["micro_grid_code"] == "500229001001001001"
    assert first["address"] == "葛城街道平岗社区1号楼1单元101室"
    assert [(r["name"], r["relation"]) for r in first["residents"]] == [
        ("谭明华", "head"), ("冉秀英", "spouse"), ("谭俊", "child")]
    assert first["residents"][0]["phone"] == "17000001001"
    alone = households[1]["residents"][0]
    assert (alone["religion"], alone["health"], alone["special_group"]) == ("佛教", "慢性病", "独居老人")
    assert alone["id_number"].endswith("X") and alone["phone"] is None
    assert [r["relation"] for r in households[2]["residents"]] == ["head", "child", "parent"]
    for household in households:
        HouseholdIn.model_validate(household)


def test_import_to_rows_uses_chinese_relation_labels_and_area_names(areas):
    code = factories.codes(areas)[0]
    household = factories.household(code, n_residents=2, seed=5)
    names = {a["code"]: a["name"] for a in areas}

    rows = importing.to_rows([household], names)

    assert [r["relation"] for r in rows] == ["户主", rows[1]["relation"]]
    assert rows[1]["relation"] in ("配偶", "子女", "父母", "孙子女", "其他")
    assert (rows[0]["township"], rows[0]["village"], rows[0]["grid"]) == (
        "葛城街道", names[code[:12]], names[code[:15]])
    assert importing.to_rows([household])[0]["township"] is None
    assert importing.group_households(rows) == [household]


def test_factories_give_unique_valid_households(micro_grids):
    code = sorted(micro_grids)[0]
    made = [factories.household(code, n_residents=5, seed=1) for _ in range(3)]
    ids = [r["id_number"] for h in made for r in h["residents"]]
    assert len(set(ids)) == len(ids) == 15
    assert len({h["household_number"] for h in made}) == 3
    for household in made:
        HouseholdIn.model_validate(household)


# --- what a township clerk's sheet gets wrong --------------------------------------------------------------------

def names_of(areas) -> dict[str, str]:
    return {a["code"]: a["name"] for a in areas}


def test_import_reports_a_village_name_that_is_not_the_village_of_the_micro_grid_code(areas, micro_grids):
    code = sorted(micro_grids)[0]
    right = a_row(code, township="葛城街道", village=names_of(areas)[code[:12]], grid=names_of(areas)[code[:15]])
    wrong = a_row(code, household_number="500229-T90002", township="葛城街道", village="青坪村",
                  grid=names_of(areas)[code[:15]], id_number=factories.id_number(902, date(1970, 3, 1)))
    report = importing.validate_rows([right, wrong], micro_grids, names_of(areas))
    assert problems_of(report) == [
        (3, "村（社区）", f"村（社区）名称与微网格编码不符：编码 {code} 属于「{names_of(areas)[code[:12]]}」")]
    assert report.problems[0].value_masked == "青坪村"


def test_import_reads_a_birth_date_typed_as_an_excel_date_serial_and_checks_it_against_the_id_number(micro_grids):
    code = sorted(micro_grids)[0]
    born = date(1968, 4, 12)
    serial = (born - date(1899, 12, 30)).days  # what Excel keeps for a cell typed 1968-04-12 in General format
    table = [HEADER.split(",") + ["出生日期"],
             [*a_row(code, id_number=factories.id_number(911, born)).values()][:13] + [serial],
             [*a_row(code, household_number="500229-T90003", id_number=factories.id_number(912, born)).values()][:13]
             + [serial + 1],
             [*a_row(code, household_number="500229-T90004", id_number=factories.id_number(913, born)).values()][:13]
             + [born],
             [*a_row(code, household_number="500229-T90005", id_number=factories.id_number(914, born)).values()][:13]
             + ["六八年四月"]]
    rows = importing.read_file("clerk.xlsx", xlsx_bytes(table))
    assert importing.birth_date_of(rows[0]["birth_date"]) == born
    report = importing.validate_rows(rows, micro_grids)
    assert problems_of(report) == [(3, "出生日期", "出生日期（1968-04-13）与身份证号中的出生日期不符"),
                                   (5, "出生日期", "出生日期无法识别，请填写如 1990-05-03 的日期")]


def test_import_warns_about_a_column_it_does_not_know_and_still_imports_the_rest(micro_grids):
    code = sorted(micro_grids)[0]
    table = [HEADER.split(",") + ["文化程度"], [*a_row(code).values()][:13] + ["初中"]]
    rows, unknown = importing.read_sheet("clerk.xlsx", xlsx_bytes(table))
    report = importing.validate_rows(rows, micro_grids, unknown_columns=unknown)
    assert report.ok
    assert [(w.row, w.column, w.reason) for w in report.warnings] == [
        (1, "文化程度", "未识别的列「文化程度」，该列内容不会导入")]


def test_import_reads_an_id_number_typed_in_full_width_digits(micro_grids):
    code = sorted(micro_grids)[0]
    id_number = factories.id_number(921, date(1975, 6, 30))
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in id_number)  # １２３… as a Chinese input method types them
    table = [HEADER.split(","), [*a_row(code, id_number=full_width).values()][:13]]
    rows = importing.read_file("clerk.xlsx", xlsx_bytes(table))
    report = importing.validate_rows(rows, micro_grids)
    assert report.ok, problems_of(report)
    assert importing.group_households(rows)[0]["residents"][0]["id_number"] == id_number
    # rows handed over as they are (the import_rows call) are read the same way
    assert importing.validate_rows([a_row(code, id_number=full_width)], micro_grids).ok
