"""A department system on the published contracts alone: the subscriber kit (plain pika and jsonschema) binds its
own durable queue to every documented event before a scripted day of the suite starts, and consumes all that day's
events. Every message fits its JSON Schema, carries its story's correlation id as the AMQP property, and one
case's events, from its report to the mediation agreement its referral led to, are one story."""
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from services.credit.service import CreditService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.org.service import OrgService
from services.petitions.service import PetitionsService
from services.risk.service import RiskService
from shared import config, topology
from suite import contracts
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running
from tests.integration.test_mediation import SESSION, agreement, committees_and_mediators

sys.path.insert(0, str(contracts.ROOT / "subscriber"))
from examples.emergency_bureau import EVENTS as EMERGENCY_EVENTS  # noqa: E402
from examples.emergency_bureau import QUEUE as EMERGENCY_QUEUE  # noqa: E402
from examples.emergency_bureau import duty_entry  # noqa: E402
from xiangzhi_subscriber import Contracts, Subscriber  # noqa: E402

DEPARTMENT = {"kind": "department", "id": "县应急管理局", "name": "县应急管理局"}
RULE = {"code": "GRID_HELP", "name": "协助网格事件办理", "category": "grid_affairs", "points": 5,
        "trigger": "grid.case.verified", "conditions": []}


def scripted_day(proxy) -> dict:
    """A day of the suite in one village: registry, a case through the whole flow, a dispute case referred to
    mediation and settled, a service order, an online petition answered, an event-triggered award, a risk
    assessment meeting and a party organisation. Each step is its own RPC call, as each is its own HTTP request."""
    areas = factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2)
    proxy.grid.upsert_areas(areas)
    micro_grid = factories.codes(areas)[0]
    grid, village = micro_grid[:15], micro_grid[:12]
    proxy.grid.save_grid_workers([factories.grid_worker([grid])])
    proxy.credit.save_rule(RULE)
    household = proxy.grid.register_household(factories.household(micro_grid, n_residents=2))
    residents = [r["resident_id"] for r in proxy.grid.list_residents(household["household_id"])["items"]]
    wait_until(lambda: database("credit").passbooks.find_one({"_id": household["household_id"]}),
               what="the household's passbook")

    fire = proxy.grid.open_case({"grid_code": grid, "item_code": "safety.fire", "title": "楼道堆放杂物",
                                 "description": "三号楼楼道堆放大量纸箱，堵塞消防通道",
                                 "party_resident_ids": residents[:1]})
    for action, fields in [("report", {}), ("dispatch", {"assignee": DEPARTMENT}), ("handle", {"feedback": "已清理"}),
                           ("verify", {}), ("close", {})]:
        proxy.grid.act_on_case(fire["case_id"], {"action": action, **fields})

    quarrel = proxy.grid.open_case({"grid_code": grid, "item_code": "dispute.neighbour", "title": "邻里排水纠纷",
                                    "description": "两户因屋檐排水方向发生争执，多次口角",
                                    "party_resident_ids": residents})
    proxy.grid.act_on_case(quarrel["case_id"], {"action": "refer_to_mediation"})
    committees_and_mediators(proxy)
    disputes = database("mediation").disputes
    wait_until(lambda: disputes.find_one({"source_ref": quarrel["case_id"]}), what="the referred case's dispute")
    dispute_id = disputes.find_one({"source_ref": quarrel["case_id"]})["_id"]
    for action, fields in [("accept", {"committee_id": "MC-V1", "mediator_ids": ["M-001"]}),
                           ("hold_session", {"session": SESSION}), ("sign_agreement", {"agreement": agreement()}),
                           ("follow_up", {"follow_up": {"visited_on": "2026-12-31", "visitor": "李调解",
                                                        "performed": "fully", "record": "双方满意"}}),
                           ("close", {})]:
        proxy.mediation.act_on_dispute(dispute_id, {"action": action, **fields})

    order = proxy.grid.place_service_order({"area_code": micro_grid, "content": "申请维修村道路灯",
                                            "contact_name": "向大姐", "phone": "17100004321"})
    for action, fields in [("dispatch", {"assignee": DEPARTMENT}), ("deliver", {"feedback": "已更换灯泡"}),
                           ("rate", {"rating": 5})]:
        proxy.grid.act_on_service_order(order["order_id"], {"action": action, **fields})

    proxy.grid.submit_resident_request({"kind": "petition", "area_code": village, "contact_name": "冉大哥",
                                        "content": "反映村道硬化工程质量差，刚修好就开裂", "phone": "17100003579"})
    petitions = database("petitions").petitions
    wait_until(lambda: petitions.find_one({"channel": "online"}), what="the online petition taken over")
    petition_id = petitions.find_one({"channel": "online"})["_id"]
    for action, fields in [("forward", {"unit": "县交通局"}), ("accept", {"notice": "依法予以受理"}),
                           ("reply", {"reply": "经核实，已责成施工单位返工。"}), ("conclude", {})]:
        proxy.petitions.act_on_petition(petition_id, {"action": action, **fields})

    meeting = proxy.risk.convene_meeting({"title": "月度联合研判", "trigger": "schedule", "held_on": "2026-11-03",
                                          "area_code": village})
    proxy.risk.give_opinion(meeting["id"], {"unit": "县应急管理局", "opinion": "消防通道隐患已整治"})
    proxy.risk.conclude_meeting(meeting["id"], {"resolution": "总体平稳", "level": "blue", "tasks": [
        {"title": "复查消防通道", "owner_unit": "县应急管理局", "due_on": "2026-11-10"}]})

    wait_until(lambda: database("org").areas.count_documents({"_id": village}) == 1, what="the org read model")
    proxy.org.save_party_org({"org_id": "PO500229", "name": "中共城口县委员会", "kind": "committee",
                              "area_code": "500229"})
    return {"fire": fire["case_id"], "quarrel": quarrel["case_id"], "dispute": dispute_id,
            "order": order["order_id"], "petition": petition_id}


@pytest.fixture
def department(env):
    kit_contracts = Contracts.from_directory(contracts.CONTRACTS / "events")
    every_event = Subscriber(config.amqp_uri(), "dept.every-event", kit_contracts, kit_contracts.event_types)
    emergency = Subscriber(config.amqp_uri(), EMERGENCY_QUEUE, kit_contracts, EMERGENCY_EVENTS)
    topology.declare()  # the suite's exchanges exist before a department binds to them
    every_event.setup()
    emergency.setup()
    return every_event, emergency


def test_a_department_consumes_every_event_of_a_scripted_day_and_each_fits_its_schema(department):
    every_event, emergency = department
    with running(GridService, MediationService, PetitionsService, CreditService, RiskService, OrgService), \
            rpc(COUNTY_SCOPE) as proxy:
        day = scripted_day(proxy)
        wait_until(lambda: database("credit").ledger.count_documents({"kind": "event"}) == 1,
                   what="the award for the verified case")
        seen: list = []
        every_event.run(seen.append, idle_seconds=5)

    assert every_event.rejections == [] and every_event.counts["rejected"] == 0
    assert every_event.counts["handled"] == len(seen) == len({e.event_id for e in seen})
    types = Counter(e.event_type for e in seen)
    documented = set(Contracts.from_directory(contracts.CONTRACTS / "events").event_types)
    assert set(types) <= documented and len(types) >= 30, sorted(types)
    assert all(e.exchange == f"{e.envelope['source']}.events" and e.routing_key == e.event_type.split(".", 1)[1]
               for e in seen)
    assert all(e.correlation_id == e.envelope["correlation_id"] for e in seen), "the AMQP property is the story"

    stories = defaultdict(set)
    for e in seen:
        for key, name in (("case_id", "case"), ("dispute_id", "dispute"), ("order_id", "order"),
                          ("petition_id", "petition")):
            if key in e.data:
                stories[(name, e.data[key])].add(e.correlation_id)
    fire_events = [e.event_type for e in seen if e.data.get("case_id") == day["fire"]]
    assert fire_events == ["grid.case.reported", "grid.case.dispatched", "grid.case.handled", "grid.case.verified",
                           "grid.case.closed"]
    assert len(stories[("case", day["fire"])]) == 1, "five HTTP steps, one story"
    award = next(e for e in seen if e.event_type == "credit.points.awarded")
    assert {award.correlation_id} == stories[("case", day["fire"])], "the award continues the case's story"
    assert len(stories[("dispute", day["dispute"])]) == 1
    assert stories[("dispute", day["dispute"])] == stories[("case", day["quarrel"])], "referral keeps the story"
    assert len(stories[("order", day["order"])]) == 1 and len(stories[("petition", day["petition"])]) == 1
    dispute_events = [e for e in seen if e.data.get("dispute_id") == day["dispute"]]
    assert {e.envelope["source"] for e in dispute_events} == {"mediation"}
    assert {e.data["source"] for e in dispute_events} == {"grid_case"}

    # The 应急局's own queue got its events too; its duty log takes the fire case and nothing of the quarrel.
    duty: list = []
    emergency.run(lambda e: duty.append(duty_entry(e)), idle_seconds=3)
    assert emergency.rejections == []
    logged = [d for d in duty if d]
    assert [d["kind"] for d in logged if d.get("case_id") == day["fire"]] == ["网格事件上报"]
    assert not any(d.get("case_id") == day["quarrel"] for d in logged)


def test_a_redelivered_or_republished_event_reaches_the_handler_once(department):
    every_event, _ = department
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        handled: list = []
        every_event.run(handled.append, idle_seconds=3)
        first = len(handled)
        assert first >= 4
        # The grid sends the same events again (an operator's resend): the kit acknowledges them unhandled.
        database("grid").outbox.update_many({}, {"$set": {"state": "pending"}})
        wait_until(lambda: database("grid").outbox.count_documents({"state": "pending"}) == 0,
                   what="the outbox sent again by its timer")
        every_event.run(handled.append, idle_seconds=3)
    assert len(handled) == first and every_event.counts["duplicate"] >= first


def test_a_message_that_fails_its_schema_goes_to_the_rejected_queue_and_the_queue_moves_on(department):
    every_event, _ = department
    import pika

    parameters = pika.URLParameters(config.amqp_uri())
    with pika.BlockingConnection(parameters) as connection:
        channel = connection.channel()
        channel.basic_publish("grid.events", "household.registered", b'{"event_id": "x", "event_type": '
                              b'"grid.household.registered", "version": 1, "data": {"name": "\xe5\xbc\xa0"}}')
    handled: list = []
    every_event.run(handled.append, idle_seconds=2)
    assert handled == [] and every_event.counts["rejected"] == 1
    assert "grid.household.registered v1" in every_event.rejections[0][1]
    with pika.BlockingConnection(parameters) as connection:
        method, properties, body = connection.channel().basic_get(every_event.rejected_queue, auto_ack=True)
    assert method is not None and properties.headers["x-original-routing-key"] == "household.registered"


def test_the_kit_uses_nothing_of_the_suite_s_code():
    sources = [p.read_text(encoding="utf-8") for p in (contracts.ROOT / "subscriber").rglob("*.py")]
    assert sources and not any(word in text for text in sources for word in ("import shared", "from shared",
                                                                                   "import services", "from services"))


def test_a_binding_to_an_undocumented_event_fails_at_start():
    kit_contracts = Contracts.from_directory(Path(contracts.CONTRACTS) / "events")
    with pytest.raises(ValueError, match="grid.case.teleported"):
        Subscriber("amqp://guest:guest@127.0.0.1:5672/", "dept.typo", kit_contracts, ["grid.case.teleported"])
