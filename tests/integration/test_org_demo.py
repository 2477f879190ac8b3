"""The org demo loader against the running grid and org services: it reads the areas from the grid service, waits
for the org service to have heard of them, builds on them, and a second load adds nothing."""
from services.grid.service import GridService
from services.org import demo
from services.org.service import OrgService
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running

COLLECTIONS = ("party_orgs", "members", "cadre_assignments", "joint_buildings", "area_rosters", "outbox")


def test_the_demo_builds_on_the_grid_s_areas_and_loads_once(env):
    areas = factories.chengkou_areas(townships=2, villages=2, grids=3, micro_grids=1)
    with running(GridService, OrgService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(areas)
        grid_call = lambda method, *a: getattr(proxy.grid, method)(*a)  # noqa: E731
        org_call = lambda method, *a: getattr(proxy.org, method)(*a)  # noqa: E731
        demo.load(grid_call, org_call, progress=lambda _: None)
        db = database("org")
        counts = {name: db[name].count_documents({}) for name in COLLECTIONS}
        grids = sum(1 for a in areas if a["kind"] == "grid")
        assert counts["party_orgs"] >= 1 + 2 + 4 + grids - 3 and counts["members"] >= 4
        assert counts["cadre_assignments"] >= 1 and counts["area_rosters"] >= 1
        figures = proxy.org.figures("500229")
        assert figures["grids"] == grids and figures["members"] == counts["members"]
        assert figures["branch_coverage"] == round(figures["grids_covered"] / grids, 4)

        activities = sum(len(c["activities"]) for c in db.cadre_assignments.find())
        assert activities >= counts["cadre_assignments"]

        demo.load(grid_call, org_call, progress=lambda _: None)
        assert {name: db[name].count_documents({}) for name in COLLECTIONS} == counts
        assert sum(len(c["activities"]) for c in db.cadre_assignments.find()) == activities
