"""The emergency demo loader against the running grid and emergency services: a plan for every township, one drill
held and one response ended with its closing report, built on the grid's households; a second load adds nothing."""
from services.emergency import demo
from services.emergency.service import EmergencyService
from services.grid.importing import to_rows
from services.grid.service import GridService
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running

COLLECTIONS = ("plans", "activations", "household_tasks", "tasks", "reports", "hourly_reports", "closing_reports",
               "outbox")


def test_the_demo_plans_every_township_holds_a_drill_and_closes_a_response_once(env):
    areas = factories.chengkou_areas(villages=2, grids=2, micro_grids=1, names=["蓼子乡", "左岚乡", "鸡鸣乡"])
    with running(GridService, EmergencyService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(areas)
        proxy.grid.save_grid_workers([factories.grid_worker([g]) for g in factories.codes(areas, "grid")])
        rows = to_rows(factories.households(factories.codes(areas), 60, seed=3), {a["code"]: a["name"] for a in areas})
        proxy.grid.import_rows(rows, False)
        grid_call = lambda method, *a: getattr(proxy.grid, method)(*a)  # noqa: E731
        emergency_call = lambda method, *a: getattr(proxy.emergency, method)(*a)  # noqa: E731
        demo.load(grid_call, emergency_call, progress=lambda _: None)

        db = database("emergency")
        plans = proxy.emergency.list_plans(None, None, False)["items"]
        assert sorted(p["area_code"] for p in plans) == ["500229201", "500229202", "500229213"]
        assert all(p["status"] == "published" and not p["outdated"] for p in plans)
        (drill,) = db.activations.find({"drill": True})
        (real,) = db.activations.find({"drill": False})
        assert drill["status"] == real["status"] == "deactivated"
        assert [e["envelope"]["data"]["activation_id"] for e in db.outbox.find({"event_type": "emergency.drill.held"})] \
            == [drill["_id"]]
        report = proxy.emergency.closing_report(real["_id"])
        assert report["counts"]["households"] == db.household_tasks.count_documents({"activation_id": real["_id"]}) > 0
        assert report["counts"]["pending"] == 0 and report["follow_ups"] and report["went_wrong"]
        assert report["counts"]["evacuated"] >= 1 and report["drill"] is False
        assert [r["activation_id"] for r in proxy.emergency.get_plan(real["plan_id"])["closing_reports"]] == [real["_id"]]
        counts = {name: db[name].count_documents({}) for name in COLLECTIONS}

        demo.load(grid_call, emergency_call, progress=lambda _: None)
        assert {name: db[name].count_documents({}) for name in COLLECTIONS} == counts
