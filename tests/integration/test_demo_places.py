"""The demo places load through the real grid service with their inspectors, give every target a value, and a
second load adds nothing and publishes nothing."""
import contextlib

from services.grid import demo_places
from services.grid.service import GridService
from tests import factories
from tests.harness import database, rpc, running


def test_demo_places_load_with_their_inspectors_and_a_second_load_adds_nothing(env):
    areas = factories.chengkou_areas(townships=3, villages=3, grids=1, micro_grids=1)
    with running(GridService), contextlib.ExitStack() as stack:
        proxies = {}

        def rpc_for(inspector):
            if inspector not in proxies:
                context = {"actor": {"id": inspector[0], "role": "township_staff"},
                           "actor_name": inspector[1]} if inspector else None
                proxies[inspector] = stack.enter_context(rpc(context))
            proxy = proxies[inspector]
            return lambda method, *args: getattr(proxy.grid, method)(*args)

        call = rpc_for(None)
        call("upsert_areas", areas)
        demo_places.load(rpc_for, areas, progress=lambda _: None)
        db = database("grid")
        counts = {c: db[c].count_documents({}) for c in ("governance_centres", "service_facilities", "inspections",
                                                         "key_areas", "video_points")}
        outbox = db.outbox.count_documents({})
        demo_places.load(rpc_for, areas, progress=lambda _: None)
        assert {c: db[c].count_documents({}) for c in counts} == counts
        assert db.outbox.count_documents({}) == outbox
        figures = call("places_figures", "500229")

    assert counts["governance_centres"] == 1 + 3 + 9 and counts["service_facilities"] == 9
    assert counts["inspections"] >= 13 and counts["video_points"] >= counts["key_areas"] > 15
    assert all(t["value"] is not None for t in figures["targets"])
    village = db.inspections.find_one({"subject_id": "SF500229001001"})
    county = db.inspections.find_one({"subject_id": "GC500229"})
    assert village["inspector"] == {"id": "demo.500229001", "name": "葛城街道综治办"}
    assert county is None or county["inspector"]["name"] == "县委政法委检查组"
