"""The registers of places as spreadsheets: headers in Chinese (and the aliases other templates use), every
problem reported with its row, column and a Chinese reason, key areas grouped from their points' rows, and the
sheet written by write_xlsx read back the same."""
import io
from datetime import datetime

import pytest

from services.grid import places_sheets
from services.grid.domain import AreaKind
from shared import clock
from shared.errors import ValidationFailed
from tests import factories

AREAS = {"500229": AreaKind.county, "500229001": AreaKind.street, "500229001001": AreaKind.community,
         "500229101": AreaKind.town, "500229101201": AreaKind.village}


def csv_bytes(lines: list[str], encoding="utf-8-sig") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def test_centre_sheet_reports_each_bad_row_with_its_column_and_a_chinese_reason():
    rows = places_sheets.read_rows("governance_centre", "综治中心.csv", csv_bytes([
        "区划代码,区划名称,中心名称,地址,状态",
        "500229,城口县,城口县社会治理综合服务中心,葛城街道北大街1号,在用",
        "500229001,葛城街道,,,",
        "500229001,葛城街道,葛城街道综治中心,,",   # the same area twice
        "500229999,不存在街道,,,",                  # no such area in scope
        "5002291,错码,,,",
        "500229101201,某村,,,撤除",
        ",,,,",                                    # an empty row is skipped, not reported
        "500229101,高燕镇," + "长" * 61 + ",,",
    ]))
    checked = places_sheets.validate("governance_centre", rows, AREAS, set())
    found = [(p["row"], p["column"], p["reason"]) for p in checked["problems"]]
    assert found == [
        (4, "区划代码", "与第3行重复（每个区划只有一个）"),
        (5, "区划代码", "区划不存在或不在辖区内"),
        (6, "区划代码", "区划代码应为6位（县）、9位（乡镇）或12位（村、社区）数字，请设为文本格式"),
        (7, "状态", "只能填：在用、启用、正常、停用、撤销"),
        (9, "中心名称", "最多60个字"),
    ]
    assert checked["entries"] == []  # nothing is imported from a sheet with problems


def test_clean_centre_sheet_gives_one_entry_per_area():
    rows = [{"row": 2, "area_code": "500229001", "status": "停用"}, {"row": 3, "area_code": 500229001001}]
    checked = places_sheets.validate("governance_centre", rows, AREAS, set())
    assert checked["problems"] == []
    # A row without 状态 leaves the register's flag as it is (a new place starts in use).
    assert [(e.area_code, e.active) for e in checked["entries"]] == [("500229001", False), ("500229001001", None)]


def test_facility_sheet_takes_only_villages_and_communities():
    rows = [{"row": 2, "village_code": "500229001"}, {"row": 3, "village_code": "500229101201", "name": "坪上村便民服务中心"}]
    checked = places_sheets.validate("service_facility", rows, AREAS, set())
    assert [(p["row"], p["column"], p["reason"]) for p in checked["problems"]] == [
        (2, "村（社区）代码", "该区划不能设综合服务设施")]


def test_key_area_rows_are_grouped_and_must_agree_on_the_kind_and_carry_a_check_time_with_a_state():
    code1, code2, code3 = (factories.video_point_code(n) for n in (1, 2, 3))
    rows = places_sheets.read_rows("key_area", "重点区域.csv", csv_bytes([
        "区划代码,区划名称,重点区域名称,类别,地址,点位编号,点位名称,在线状态,最近检查时间",
        f"500229001,葛城街道,城口汽车客运站,汽车客运站,,{code1},进站口,在线,2026-03-01 08:30",
        f"500229001,葛城街道,城口汽车客运站,客运站,,{code2},候车厅,离线,2026/03/01 09:00",
        "500229001,葛城街道,城口中学,学校,,,,,",
        f"500229001,葛城街道,城口中学,医院,,{code3},校门,在线,",
        f"500229001001,平岗社区,平岗广场,广场,,{code1},,,",
        "500229001001,平岗社区,菜市场,菜场,,,,,",
    ], encoding="gb18030"))
    checked = places_sheets.validate("key_area", rows, AREAS, set())
    assert [(p["row"], p["column"], p["reason"]) for p in checked["problems"]] == [
        (5, "类别", "同一重点区域在第4行填的类别与此不同"),
        (5, "最近检查时间", "在线状态和最近检查时间须同时填写（或都不填，待巡检）"),
        (6, "点位编号", "点位编号与第2行重复"),
        (7, "类别", "类别只能填：学校、幼儿园、集贸市场、汽车客运站、主要道路及路口、医院（卫生院）、"
                    "旅游景区、广场、河道沿岸、其他重点区域"),
    ]
    clean = places_sheets.validate("key_area", rows[:3], AREAS, set())
    ((station, points), (school, none)) = clean["entries"]
    assert (station.name, station.kind, [p.code for p in points]) == ("城口汽车客运站", "bus_station", [code1, code2])
    assert points[0].online is True and points[0].checked_at == datetime(2026, 3, 1, 8, 30, tzinfo=clock.LOCAL)
    assert points[1].online is False and (school.kind, none) == ("school", [])


def test_a_point_registered_in_another_township_is_reported():
    rows = [{"row": 2, "area_code": "500229001", "name": "城口中学", "kind": "学校",
             "point_code": factories.video_point_code(5)}]
    checked = places_sheets.validate("key_area", rows, AREAS, {factories.video_point_code(5)})
    assert checked["problems"][0]["reason"] == "该点位编号已在其他辖区登记"


def test_a_sheet_without_its_required_columns_is_refused_as_a_whole():
    with pytest.raises(ValidationFailed) as refused:
        places_sheets.read_rows("key_area", "综治中心.csv", csv_bytes(["区划代码,中心名称", "500229001,葛城街道综治中心"]))
    assert refused.value.code == "import.missing_column" and "重点区域名称" in refused.value.message
    with pytest.raises(ValidationFailed) as wrong_type:
        places_sheets.read_rows("key_area", "重点区域.xls", b"\xd0\xcf\x11\xe0")
    assert wrong_type.value.code == "import.unsupported_file"


def test_written_sheet_reads_back_the_same_with_codes_as_text():
    code = factories.video_point_code(7)
    checked_at = datetime(2026, 3, 1, 8, 30, tzinfo=clock.LOCAL)
    buffer = io.BytesIO()
    places_sheets.write_xlsx("key_area", [{"area_code": "500229001", "area_name": "葛城街道", "name": "城口汽车客运站",
                                           "kind": "汽车客运站", "point_code": code, "point_name": "进站口",
                                           "online": "在线", "checked_at": checked_at}], buffer)
    (row,) = places_sheets.read_rows("key_area", "重点区域.xlsx", buffer.getvalue())
    assert (row["row"], row["area_code"], row["point_code"]) == (2, "500229001", code)
    ((area, (point,)),) = places_sheets.validate("key_area", [row], AREAS, set())["entries"]
    assert point.checked_at == checked_at and area.kind == "bus_station"
