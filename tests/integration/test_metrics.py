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


def _listening(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp writes them) of the sockets listening on `port`."""
    found = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hexport = local.split(":")
        if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
            found.add(address)
    return found


def test_in_a_pod_the_metrics_socket_listens_on_every_interface(env, monkeypatch):
    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    monkeypatch.setenv("METRICS_BIND", "0.0.0.0")  # what deploy/k8s/base/config.yaml sets
    with running(GridService):
        assert _listening(port) == {"00000000"}
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert "xz_outbox_backlog" in text


def test_the_local_default_listens_on_loopback_only(env, monkeypatch):
    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    monkeypatch.delenv("METRICS_BIND", raising=False)
    with running(GridService):
        assert _listening(port) == {"0100007F"}  # 127.0.0.1


def test_the_kubernetes_base_binds_metrics_on_every_interface():
    import pathlib

    import yaml

    config = yaml.safe_load((pathlib.Path(__file__).resolve().parents[2] / "deploy/k8s/base/config.yaml").read_text())
    assert config["data"]["METRICS_BIND"] == "0.0.0.0" and config["data"]["METRICS_PORT"] == "9100"
