"""The demo's grid affairs load through the real grid service, spread over the flow, and only once."""
from services.grid import demo_affairs
from services.grid.service import GridService
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running


def test_demo_cases_and_orders_load_once_across_the_flow(env):
    areas = factories.chengkou_areas(townships=1, villages=2, grids=2, micro_grids=1)
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(areas)
        call = lambda method, *args: getattr(proxy.grid, method)(*args)  # noqa: E731
        demo_affairs.load(call, areas, cases=25, orders=8, progress=lambda _: None)
        demo_affairs.load(call, areas, cases=25, orders=8, progress=lambda _: None)
    cases = database("grid").cases
    assert cases.count_documents({}) == 25 and database("grid").service_orders.count_documents({}) == 8
    statuses = set(cases.distinct("status"))
    assert {"collected", "reported", "closed"} <= statuses and len(statuses) >= 5
