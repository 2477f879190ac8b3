"""Importing the registers of places through the grid service's RPC, on the real broker and store: a dry run
reports and writes nothing, a sheet with a bad row imports nothing, a clean sheet imports everything with its
events, and importing it again adds nothing and publishes nothing."""
import base64
import io
import uuid

import pytest

from services.grid import places_sheets
from services.grid.service import GridService
from shared import clock
from shared.errors import NotFound, ValidationFailed
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running

TOWN1, TOWN2 = "500229001", "500229002"
OTHER_ACCOUNT = {"scope": ["500229"], "actor": {"id": "someone-else", "role": "county_admin"}}


@pytest.fixture
def grid(env):
    with running(GridService):
        with rpc(COUNTY_SCOPE) as proxy:
            proxy.grid.upsert_areas(factories.chengkou_areas(townships=2, villages=2, grids=1, micro_grids=1))
            yield proxy.grid


def xlsx(kind: str, rows: list[dict]) -> str:
    buffer = io.BytesIO()
    places_sheets.write_xlsx(kind, rows, buffer)
    return base64.b64encode(buffer.getvalue()).decode()


def key_area_rows() -> list[dict]:
    checked = clock.now().astimezone(clock.LOCAL).replace(microsecond=0, tzinfo=None)
    rows = []
    for n, (area, name, kind) in enumerate([(TOWN1, "城口汽车客运站", "汽车客运站"), (TOWN1, "城口中学", "学校"),
                                            ("500229001001", "平岗广场", "广场"), (TOWN2, "复兴农贸市场", "集贸市场")]):
        for camera in range(1, 3):
            rows.append({"area_code": area, "name": name, "kind": kind, "point_code": factories.video_point_code(
                10 * n + camera), "point_name": f"{name}{camera}号", "online": "在线" if camera == 1 else "离线",
                "checked_at": checked})
    return rows


def test_dry_run_reports_what_would_be_imported_and_writes_nothing(grid):
    before = database("grid").outbox.count_documents({})
    report = grid.import_places_file(uuid.uuid4().hex, "key_area", "重点区域.xlsx", xlsx("key_area", key_area_rows()))
    assert report["ok"] is True, report["problems"]
    assert report["dry_run"] is True and report["imported"] is None
    assert (report["entries"], report["new"], report["video_points"], report["new_video_points"]) == (4, 4, 8, 8)
    assert grid.list_key_areas()["total"] == 0
    assert database("grid").outbox.count_documents({}) == before


def test_sheet_with_one_bad_row_imports_nothing_and_says_where(grid):
    rows = [{"area_code": TOWN1}, {"area_code": "500229001001"}, {"area_code": "500229777"}]
    job_id = uuid.uuid4().hex
    report = grid.import_places_file(job_id, "governance_centre", "综治中心.xlsx", xlsx("governance_centre", rows),
                                     False)
    assert report["ok"] is False and report["imported"] is None
    assert report["problems"] == [{"row": 4, "column": "区划代码", "value": "500229777",
                                   "reason": "区划不存在或不在辖区内"}]
    assert grid.list_places("governance_centre")["total"] == 0
    job = grid.get_places_import(job_id)
    assert job["state"] == "rejected" and job["report"]["problems"][0]["row"] == 4
    with rpc(OTHER_ACCOUNT) as other:
        with pytest.raises(NotFound):
            other.grid.get_places_import(job_id)


def test_clean_sheets_import_every_register_and_importing_them_again_adds_nothing(grid):
    centres = [{"area_code": code} for code in ("500229", TOWN1, TOWN2, "500229001001", "500229001002")]
    facilities = [{"village_code": "500229001001", "name": "平岗社区党群服务中心", "address": "平岗社区2号"},
                  {"village_code": "500229002001"}]
    sheets = [("governance_centre", centres), ("service_facility", facilities), ("key_area", key_area_rows())]
    for kind, rows in sheets:
        report = grid.import_places_file(uuid.uuid4().hex, kind, f"{kind}.xlsx", xlsx(kind, rows), False)
        assert report["ok"] and report["imported"] == len({r.get("name", r.get("area_code")) for r in rows} if
                                                          kind == "key_area" else rows)
    assert grid.list_places("governance_centre")["total"] == 5
    facility = grid.get_place("service_facility", "SF500229001001")
    assert (facility["name"], facility["address"]) == ("平岗社区党群服务中心", "平岗社区2号")
    station = grid.list_key_areas(area_code=TOWN1, kind="bus_station")["items"][0]
    assert (station["covered"], station["video_points_total"], station["video_points_online"]) == (True, 2, 1)
    outbox = database("grid").outbox
    counts = {t: outbox.count_documents({"event_type": f"grid.{t}"}) for t in (
        "governance_centre.upserted", "service_facility.upserted", "key_area.upserted", "video_point.state_changed")}
    assert counts["governance_centre.upserted"] == 5 and counts["service_facility.upserted"] == 2
    assert counts["video_point.state_changed"] == 8

    before = outbox.count_documents({})
    for kind, rows in sheets:
        again = grid.import_places_file(uuid.uuid4().hex, kind, f"{kind}.xlsx", xlsx(kind, rows), False)
        assert again["ok"] and again["new"] == 0
    assert outbox.count_documents({}) == before
    assert grid.list_video_points()["total"] == 8


def test_an_unknown_register_or_an_undecodable_file_is_refused(grid):
    with pytest.raises(ValidationFailed) as kind:
        grid.import_places_file(uuid.uuid4().hex, "households", "a.xlsx", xlsx("key_area", []))
    assert kind.value.field == "kind"
    with pytest.raises(ValidationFailed) as content:
        grid.import_places_file(uuid.uuid4().hex, "key_area", "a.xlsx", "not base64!")
    assert content.value.field == "file"
