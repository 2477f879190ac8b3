"""The org service's grids are a read model fed by the grid service's events, on the real broker and store: a grid
created while the org service is stopped is a coverage gap once it starts, with no call between the two; a branch
on the grid closes the gap; a redelivered or stale event changes nothing."""
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange
from prometheus_client import REGISTRY

from services.grid.service import GridService
from services.org.service import OrgService
from shared import config, outbox
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

AREAS = factories.chengkou_areas(townships=1, villages=1, grids=2, micro_grids=1)
TOWNSHIP, VILLAGE = "500229001", "500229001001"
GRID_1, GRID_2 = "500229001001001", "500229001001002"
TREE = [{"org_id": "PO500229", "name": "中共城口县委员会", "kind": "committee", "area_code": "500229"},
        {"org_id": "PO500229001", "name": "中共葛城街道工作委员会", "kind": "working_committee",
         "area_code": TOWNSHIP, "parent_org_id": "PO500229"},
        {"org_id": "PO500229001001", "name": "中共平岗社区委员会", "kind": "committee", "area_code": VILLAGE,
         "parent_org_id": "PO500229001"},
        {"org_id": "PO500229001001001", "name": "平岗社区第1网格党支部", "kind": "branch", "area_code": GRID_1,
         "parent_org_id": "PO500229001001"}]


def published(event_type: str, count: int) -> bool:
    rows = list(database("grid").outbox.find({"event_type": event_type}))
    return len(rows) >= count and all(r["state"] == outbox.PUBLISHED for r in rows)


def consumed(outcome: str) -> float:
    return REGISTRY.get_sample_value("xz_events_consumed_total", {
        "handler": "org.keep_grid", "event_type": "grid.grid.upserted", "outcome": outcome}) or 0.0


def deliver_until(envelope: dict, condition, what: str) -> None:
    """Publish an event as the grid would, again every few seconds until its effect is seen: each extra copy is
    one more redelivery, which the inbox must absorb as well."""
    publisher = Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json")
    for _ in range(6):
        publisher.publish(envelope, exchange=get_event_exchange("grid", {}),
                          routing_key=envelope["event_type"].split(".", 1)[1], message_id=envelope["event_id"],
                          type=envelope["event_type"])
        try:
            wait_until(condition, timeout=5, what=what)
            return
        except AssertionError:
            continue
    raise AssertionError(f"{what} did not hold after six deliveries")


def test_a_grid_created_while_the_org_service_was_down_is_a_gap_once_it_starts(env):
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(AREAS)
        wait_until(lambda: published("grid.grid.upserted", 2), what="grids published while org is down")
    org_db = database("org")
    assert org_db.areas.count_documents({}) == 0  # nothing reached the org service yet

    with running(GridService, OrgService), rpc(COUNTY_SCOPE) as proxy:
        wait_until(lambda: org_db.areas.count_documents({"kind": "grid"}) == 2, what="grids in the read model")
        wait_until(lambda: org_db.areas.count_documents({"_id": VILLAGE}) == 1, what="the village too")
        gaps = proxy.org.coverage_gaps(VILLAGE)
        assert (gaps["grids"], gaps["total"]) == (2, 2)
        assert [g["grid_code"] for g in gaps["items"]] == [GRID_1, GRID_2]
        assert gaps["items"][0]["village_name"] == "平岗社区" and gaps["items"][0]["grid_name"]

        for org in TREE:
            proxy.org.save_party_org(org)
        assert [g["grid_code"] for g in proxy.org.coverage_gaps(VILLAGE)["items"]] == [GRID_2]
        assert proxy.org.figures(VILLAGE)["branch_coverage"] == 0.5
        assert proxy.org.figures("500229")["branch_coverage"] == 0.5
        assert REGISTRY.get_sample_value("xz_org_county_figure", {"figure": "branch_coverage"}) == 0.5

        # A grid added while the org service runs is a gap too.
        proxy.grid.upsert_area({"code": "500229001001003", "name": "平岗社区第3网格", "kind": "grid",
                                "parent_code": VILLAGE})
        wait_until(lambda: proxy.org.coverage_gaps(VILLAGE)["total"] == 2, what="the new grid as a gap")

        # The same event delivered again, and an older state of a grid arriving late, change nothing.
        envelope = database("grid").outbox.find_one({"event_type": "grid.grid.upserted",
                                                     "envelope.data.grid_code": GRID_2})["envelope"]
        duplicates = consumed("duplicate")
        deliver_until(envelope, lambda: consumed("duplicate") > duplicates, "the redelivery consumed")
        stale = {**envelope, "event_id": "00000000-0000-4000-8000-000000000001",
                 "occurred_at": "2020-01-01T00:00:00+00:00",
                 "data": {**envelope["data"], "grid_name": "旧名称"}}
        deliver_until(stale, lambda: org_db.inbox.count_documents({"event_id": stale["event_id"]}) == 1,
                      "the stale event handled")
        assert org_db.areas.count_documents({"kind": "grid"}) == 3
        assert org_db.areas.find_one({"_id": GRID_2})["name"] != "旧名称"
        assert org_db.dead_letters.count_documents({}) == 0

        # The org service's own event for the grid branch carries codes only.
        created = [e["envelope"] for e in org_db.outbox.find({"event_type": "org.party_org.created"})]
        assert len(created) == len(TREE) and created[-1]["data"]["grid_code"] == GRID_1
