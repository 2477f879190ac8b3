"""Each service serves Prometheus metrics on its own port: latency by method, events, outbox backlog."""
import urllib.request

from services.grid.service import GridService
from tests import factories
from tests.conftest import free_port
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, rpc, running


def test_grid_metrics_endpoint_reports_rpc_latency_events_and_backlog(env, monkeypatch):
    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            proxy.grid.upsert_area(area)
        proxy.grid.register_household(factories.household("500229001001001001", n_residents=2))
        proxy.grid.health()

        # The credit service subscribes to household.registered (its queue is declared by every service's start).
        published = 'xz_events_published_total{event_type="grid.household.registered",source="grid"}'
        drained = 'xz_outbox_backlog{service="grid"} 0.0'

        def scraped_once_sent() -> str | None:
            text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
            return text if published in text and drained in text else None

        # The relay sends the household's event a moment after the command answers; then the backlog is 0.
        text = wait_until(scraped_once_sent, timeout=60, what="the household's event published and the grid's outbox backlog at 0")
    assert 'xz_rpc_latency_seconds_count{method="register_household",service="grid"}' in text
