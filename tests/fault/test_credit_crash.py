"""A fault in the points ledger's own process: the credit service killed right after it committed an award from a
verified grid case, before it could publish the award or acknowledge the case's event. After the restart the case's
event comes again and awards nothing more, and the award's event reaches a department's queue once, from the
outbox."""
import signal

import pytest
from kombu import Connection, Exchange, Queue

from services.grid.service import GridService
from shared import config, outbox, topology
from shared.subscriber import queue_name
from tests import factories
from tests.fault import broker
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

pytestmark = pytest.mark.fault

AWARDED = "credit.points.awarded"
HANDLER = "credit.award_for_verified_case"
CASE_QUEUE = queue_name("grid", "case.verified", "credit", "award_for_verified_case")
DEPARTMENT_QUEUE = "department-points-awarded"  # a department system's own durable queue on the award events
RULE = {"code": "GRID_HELP", "name": "协助网格事件办理", "category": "grid_affairs", "points": 5,
        "trigger": "grid.case.verified", "conditions": []}
DEPARTMENT = {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}


def bind_department_queue() -> None:
    with Connection(config.amqp_uri()) as connection:
        exchange = Exchange("credit.events", type="topic", durable=True)
        Queue(DEPARTMENT_QUEUE, exchange, routing_key="points.awarded", durable=True)(connection).declare()


def test_credit_killed_after_an_award_commits_awards_once_and_publishes_it_after_restart(processes, vhost):
    topology.declare()
    bind_department_queue()
    credit_db = database("credit")
    credit = processes.service("credit", XZ_FAULT_KILL_AFTER_COMMIT=AWARDED)
    credit.wait_healthy()
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        areas = factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1)
        for area in areas:
            proxy.grid.upsert_area(area)
        micro_grid = factories.codes(areas)[-1]
        proxy.credit.save_rule(RULE)
        household = proxy.grid.register_household(factories.household(micro_grid, n_residents=1))
        household_id = household["household_id"]
        wait_until(lambda: credit_db.passbooks.find_one({"_id": household_id}), what="the passbook opened")
        resident_id = proxy.grid.list_residents(household_id)["items"][0]["resident_id"]
        case = proxy.grid.open_case({"grid_code": micro_grid[:15], "item_code": "safety.fire",
                                     "title": "楼道堆放杂物", "description": "三号楼楼道堆放大量纸箱，堵塞消防通道",
                                     "party_resident_ids": [resident_id]})
        for action, fields in [("report", {}), ("dispatch", {"assignee": DEPARTMENT}),
                               ("handle", {"feedback": "已清理"}), ("verify", {})]:
            case = proxy.grid.act_on_case(case["case_id"], {"action": action, **fields})

        assert credit.wait_exit(60) == -signal.SIGKILL
        entry = credit_db.outbox.find_one({"event_type": AWARDED, "envelope.data.household_id": household_id})
        assert entry["state"] == outbox.PENDING  # committed with the award, never sent
        assert credit_db.ledger.count_documents({"passbook_id": household_id}) == 1
        assert broker.queue_depth(vhost, CASE_QUEUE) == 1  # the case's event, never acknowledged, waits
        assert broker.queue_depth(vhost, DEPARTMENT_QUEUE) == 0

        processes.service("credit").wait_healthy()
        wait_until(lambda: credit_db.outbox.find_one({"_id": entry["_id"]})["state"] == outbox.PUBLISHED,
                   what="the award's event published by the restarted service")
        # The case's event reaches the new process, which finds it in its inbox and changes nothing.
        wait_until(lambda: broker.queue_depth(vhost, CASE_QUEUE) == 0, what="the case's event taken again")
        assert credit_db.inbox.count_documents({"handler": HANDLER}) == 1
        assert proxy.credit.get_passbook(household_id)["balance"] == 5

    assert credit_db.ledger.count_documents({"passbook_id": household_id}) == 1
    assert credit_db.outbox.count_documents({"event_type": AWARDED}) == 1
    assert broker.queue_depth(vhost, DEPARTMENT_QUEUE) == 1  # the department got the award once
    assert credit_db.dead_letters.count_documents({}) == 0
