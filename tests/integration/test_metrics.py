"""Each service serves Prometheus metrics on its own port: latency by method, events, outbox backlog."""
import urllib.request

from services.grid.service import GridService
from tests import factories
from tests.conftest import free_port
from tests.harness import COUNTY_SCOPE, rpc, running


def test_grid_metrics_endpoint_reports_rpc_latency_events_and_backlog(env, monkeypatch):
    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            proxy.grid.upsert_area(area)
        proxy.grid.register_household(factories.household("500229001001001001", n_residents=2))
        proxy.grid.health()
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert 'xz_rpc_latency_seconds_count{method="register_household",service="grid"}' in text
    # The credit service subscribes to household.registered (its queue is declared by every service's start).
    assert 'xz_events_published_total{event_type="grid.household.registered",source="grid"}' in text
    assert 'xz_outbox_backlog{service="grid"} 0.0' in text
