"""The grid registry through its RPC entrypoints, against real RabbitMQ and a real MongoDB-protocol server."""
import pytest

from services.grid.service import GridService
from shared.errors import Conflict, NotFound, ValidationFailed
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running


@pytest.fixture
def grid(env):
    with running(GridService):
        with rpc(COUNTY_SCOPE) as proxy:
            for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2):
                proxy.grid.upsert_area(area)
            yield proxy


def micro_grids(proxy):
    return [a["code"] for a in proxy.grid.list_areas(kind="micro_grid")["items"]]


def test_household_registered_with_residents_masked_and_events_in_outbox(grid):
    mg = micro_grids(grid)[0]
    household = grid.grid.register_household(factories.household(mg, n_residents=3))
    assert household["micro_grid_code"] == mg
    assert len(household["residents"]) == 3
    for resident in household["residents"]:
        assert "*" in resident["id_number"] and "*" in resident["name"]
    outbox = database("grid").outbox
    types = sorted(e["event_type"] for e in outbox.find({"envelope.data.household_id": household["household_id"]}))
    assert types == ["grid.household.registered"] + ["grid.resident.registered"] * 3


def test_personal_fields_are_stored_encrypted(grid):
    mg = micro_grids(grid)[0]
    payload = factories.household(mg, n_residents=1)
    grid.grid.register_household(payload)
    id_number = payload["residents"][0]["id_number"]
    stored = database("grid").residents.find_one({})
    assert id_number not in str(stored)
    assert set(stored["id_number"]) == {"k", "c"}
    found = grid.grid.find_resident(id_number)
    assert found["id_number"].endswith(id_number[-4:]) and found["id_number"] != id_number


def test_wrong_check_digit_is_refused_and_nothing_is_written(grid):
    mg = micro_grids(grid)[0]
    payload = factories.household(mg, n_residents=1)
    good = payload["residents"][0]["id_number"]
    payload["residents"][0]["id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        grid.grid.register_household(payload)
    assert exc.value.field == "residents.0.id_number"
    assert "校验位" in exc.value.message
    assert database("grid").households.count_documents({}) == 0
    assert database("grid").outbox.count_documents({"event_type": {"$regex": "household"}}) == 0


def test_unknown_area_is_refused(grid):
    with pytest.raises(ValidationFailed) as exc:
        grid.grid.register_household(factories.household("500229999999999999", n_residents=1))
    assert exc.value.field == "micro_grid_code"
    with pytest.raises(ValidationFailed) as exc:
        grid.grid.upsert_area({"code": "500229999999", "name": "无此村", "kind": "village",
                               "parent_code": "500229999"})
    assert exc.value.field == "parent_code"


def test_duplicate_household_is_a_conflict_and_changes_nothing(grid):
    mg = micro_grids(grid)[0]
    payload = factories.household(mg, n_residents=2)
    grid.grid.register_household(payload)
    before = database("grid").outbox.count_documents({})
    with pytest.raises(Conflict) as exc:
        grid.grid.register_household(payload)
    assert exc.value.code == "household.duplicate"
    again = factories.household(mg, n_residents=1)
    again["residents"][0]["id_number"] = payload["residents"][1]["id_number"]
    again["residents"][0]["relation"] = "head"
    with pytest.raises(Conflict) as exc:
        grid.grid.register_household(again)
    assert exc.value.code == "resident.duplicate"
    assert database("grid").households.count_documents({}) == 1
    assert database("grid").outbox.count_documents({}) == before


def test_household_moves_between_micro_grids_with_an_event(grid):
    first, second = micro_grids(grid)[:2]
    household = grid.grid.register_household(factories.household(first, n_residents=1))
    moved = grid.grid.move_household(household["household_id"], second)
    assert moved["micro_grid_code"] == second
    event = database("grid").outbox.find_one({"event_type": "grid.household.moved"})
    assert event["envelope"]["data"] == {"household_id": household["household_id"], "from_micro_grid_code": first,
                                         "to_micro_grid_code": second, "to_grid_code": second[:15]}


def test_scope_hides_other_areas_records(grid):
    mg = micro_grids(grid)[0]
    household = grid.grid.register_household(factories.household(mg, n_residents=1))
    with rpc({"scope": ["500229999"]}) as outsider:
        with pytest.raises(NotFound):
            outsider.grid.get_household(household["household_id"])
        assert outsider.grid.list_households()["total"] == 0
    with rpc({"scope": [mg[:12]]}) as village:
        assert village.grid.get_household(household["household_id"])["household_id"] == household["household_id"]


def test_coverage_reports_grids_without_worker(grid):
    county = "500229"
    report = grid.grid.check_coverage(county)
    grid_code = micro_grids(grid)[0][:15]
    assert report["grids_without_worker"] == [grid_code]
    grid.grid.create_grid_worker({"name": "李网格", "employment": "full_time", "phone": "17000000001",
                                  "grid_codes": [grid_code]})
    assert grid.grid.check_coverage(county)["grids_without_worker"] == []
    assigned = database("grid").outbox.find_one({"event_type": "grid.grid_worker.assigned"})
    assert assigned["envelope"]["data"]["grid_code"] == grid_code
    assert "17000000001" not in str(assigned)


def test_unmasked_read_needs_a_reason_and_is_recorded(grid):
    mg = micro_grids(grid)[0]
    payload = factories.household(mg, n_residents=1)
    household = grid.grid.register_household(payload)
    resident_id = household["residents"][0]["resident_id"]
    with pytest.raises(ValidationFailed) as exc:
        grid.grid.get_resident(resident_id, True)
    assert exc.value.field == "reason"
    full = grid.grid.get_resident(resident_id, True, "核实低保申请")
    assert full["id_number"] == payload["residents"][0]["id_number"]
    read = database("grid").personal_data_reads.find_one({"resident_id": resident_id})
    assert read["reason"] == "核实低保申请" and read["actor"]["id"] == "tester"


def test_repeated_area_load_emits_nothing_new(grid):
    count = database("grid").outbox.count_documents({})
    for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2):
        grid.grid.upsert_area(area)
    assert database("grid").outbox.count_documents({}) == count


def test_an_imported_sheet_names_its_residents_in_one_event_per_village_and_a_second_run_changes_nothing(grid):
    codes = micro_grids(grid)
    rows = factories.rows(codes, count=600, seed=18)  # more households than one transaction takes
    first = grid.grid.import_rows(rows, False)
    assert first["imported"]["households_created"] == 600
    db = database("grid")
    residents = {r["_id"] for r in db.residents.find({}, {"_id": 1})}
    assert len(residents) == first["imported"]["residents_created"] == len(rows)
    assert db.outbox.count_documents({"event_type": "grid.household.registered"}) == 600
    assert db.outbox.count_documents({"event_type": "grid.resident.registered"}) == 0
    imported = list(db.outbox.find({"event_type": "grid.residents.imported"}))
    assert len(imported) == 2  # one village, two transactions
    named = [r["resident_id"] for e in imported for r in e["envelope"]["data"]["residents"]]
    assert sorted(named) == sorted(residents)

    before = {name: db[name].count_documents({}) for name in ("households", "residents", "outbox")}
    again = grid.grid.import_rows(rows, False)
    assert again["imported"] == {"households_created": 0, "households_updated": 0, "residents_created": 0,
                                 "residents_updated": 0, "households_moved": 0}
    assert {name: db[name].count_documents({}) for name in ("households", "residents", "outbox")} == before

    moved = [dict(r, address=r["address"] + "附1号") if r["household_number"] == rows[0]["household_number"] else r
             for r in rows]
    third = grid.grid.import_rows(moved, False)
    assert third["imported"]["households_updated"] == 1 and third["imported"]["households_created"] == 0
