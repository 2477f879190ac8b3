"""The mediation service on the real broker and store: a grid case referred to mediation opens exactly one
dispute (mediation down when it was published, the event delivered twice, a second event for the same case);
the dispute's table walked end to end; an agreement without terms or signatures refused; the case file PDF."""
import base64
import uuid

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from services.grid.service import GridService
from services.mediation.api.codes import WORKFLOW
from services.mediation.service import MediationService
from shared import config, outbox
from shared.errors import Conflict, NotFound, ValidationFailed
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

GRID = "500229001001001"
VILLAGE, TOWNSHIP = GRID[:12], GRID[:9]
OUTSIDER = {"role": "respondent", "name": "外地来客", "id_number": factories.id_number(901),
            "phone": "17100009012", "address": "重庆市万州区某街道"}


def committees_and_mediators(proxy):
    proxy.mediation.save_committee({"committee_id": "MC-V1", "name": "示范村人民调解委员会", "level": "village",
                                    "area_code": VILLAGE})
    proxy.mediation.save_committee({"committee_id": "MC-T1", "name": "葛城街道人民调解委员会", "level": "township",
                                    "area_code": TOWNSHIP})
    proxy.mediation.save_mediator({"mediator_id": "M-001", "name": "李调解", "employment": "part_time",
                                   "committee_ids": ["MC-V1"]})
    proxy.mediation.save_mediator({"mediator_id": "M-002", "name": "王调解", "employment": "full_time",
                                   "committee_ids": ["MC-T1"], "phone": "17100007777"})


def walk_in(proxy, **extra):
    return proxy.mediation.register_dispute({
        "area_code": VILLAGE, "category": "neighbour", "summary": "两户因屋檐排水方向发生争执",
        "parties": [{"role": "applicant", "name": "向大姐", "phone": "17100001234"}, OUTSIDER], **extra})


SESSION = {"held_on": "2026-11-20", "place": "村委会调解室", "attendees": ["申请人", "被申请人", "调解员李调解"],
           "record": "双方陈述事实，调解员释法说理", "agreed": "同意改建排水沟"}


def agreement(**changes):
    body = {"facts": "双方屋檐排水互相影响", "matters": "排水方向及改建费用", "responsibilities": "双方各负一半责任",
            "terms": [{"content": "共同出资改建排水沟", "manner": "各出资一半，现金支付", "deadline": "2026-12-31"}],
            "party_signatures": [{"party_index": 0, "signed_on": "2026-11-21"},
                                 {"party_index": 1, "signed_on": "2026-11-21"}],
            "mediator_id": "M-001", "mediator_signed_on": "2026-11-21"}
    return {**body, **changes}


@pytest.fixture
def mediation(env):
    with running(MediationService), rpc(COUNTY_SCOPE) as proxy:
        committees_and_mediators(proxy)
        yield proxy


def referral_entry(grid_db):
    found = grid_db.outbox.find_one({"event_type": "grid.case.referred_to_mediation"})
    return found if found and found["state"] == outbox.PUBLISHED else None


def test_a_referred_grid_case_opens_exactly_one_dispute(env):
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:  # mediation is down while grid publishes
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        case = proxy.grid.open_case({"grid_code": GRID, "item_code": "dispute.neighbour", "title": "张三李四排水纠纷",
                                     "description": "两户因屋檐排水方向多次争吵"})
        proxy.grid.act_on_case(case["case_id"], {"action": "refer_to_mediation"})
        entry = wait_until(lambda: referral_entry(database("grid")), what="referral published")
        with running(MediationService):
            disputes_db = database("mediation").disputes
            wait_until(lambda: disputes_db.count_documents({}) == 1, what="dispute opened")
            publish = Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish
            exchange = get_event_exchange("grid", {})
            publish(entry["envelope"], exchange=exchange, routing_key=entry["routing_key"])  # delivered twice
            again = {**entry["envelope"], "event_id": str(uuid.uuid4())}  # another event for the same case
            publish(again, exchange=exchange, routing_key=entry["routing_key"])
            inbox = database("mediation").inbox
            wait_until(lambda: inbox.count_documents({}) == 2, what="both events handled")
            assert disputes_db.count_documents({}) == 1
            dispute = disputes_db.find_one({})
            assert (dispute["source"], dispute["source_ref"], dispute["category"]) == \
                ("grid_case", case["case_id"], "neighbour")
            seen = proxy.mediation.get_dispute(dispute["_id"])  # the narrative comes from the grid, once
            assert "张三李四排水纠纷" in seen["summary"]
    events = list(database("mediation").outbox.find({"event_type": "mediation.dispute.registered"}))
    assert len(events) == 1 and "张三" not in str(events)


def test_a_dispute_walks_from_walk_in_to_closing(mediation):
    dispute = walk_in(mediation)
    assert dispute["parties"][1]["phone"] == "171****9012" and dispute["status"] == "registered"
    steps = [("accept", {"committee_id": "MC-V1", "mediator_ids": ["M-001"]}), ("hold_session", {"session": SESSION}),
             ("sign_agreement", {"agreement": agreement()}), ("confirm_performance", {"reason": "已按期改建"}),
             ("follow_up", {"follow_up": {"visited_on": "2026-12-31", "visitor": "李调解", "performed": "fully",
                                          "record": "双方满意"}}),
             ("close", {})]
    for action, fields in steps:
        dispute = mediation.mediation.act_on_dispute(dispute["dispute_id"], {"action": action, **fields})
    assert dispute["status"] == "closed" and dispute["level"] == "village"
    assert dispute["agreement"]["judicial_confirmation_until"] == "2026-12-21"
    assert [h["action"] for h in dispute["history"]] == ["register"] + [a for a, _ in steps]
    stored = str(database("mediation").disputes.find_one({"_id": dispute["dispute_id"]}))
    assert [s for s in (OUTSIDER["id_number"], OUTSIDER["phone"], OUTSIDER["name"], "17100001234") if s in stored] == []
    types = [e["event_type"] for e in database("mediation").outbox.find().sort("created_at", 1)]
    assert types == ["mediation.dispute.registered", "mediation.dispute.accepted", "mediation.dispute.resolved",
                     "mediation.dispute.followed_up", "mediation.dispute.closed"]
    pdf = base64.b64decode(mediation.mediation.case_file(dispute["dispute_id"])["content_base64"])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 5


@pytest.mark.parametrize("change, field", [
    ({"terms": []}, "agreement.terms"),
    ({"party_signatures": []}, "agreement.party_signatures"),
    ({"party_signatures": [{"party_index": 0, "signed_on": "2026-11-21"}]}, "agreement.party_signatures"),
    ({"terms": [{"content": "共同出资改建排水沟", "deadline": "2026-12-31"}]}, "agreement.terms.0.manner"),
])
def test_an_agreement_without_terms_or_signatures_is_refused(mediation, change, field):
    dispute = walk_in(mediation)
    for action, fields in (("accept", {"committee_id": "MC-V1"}), ("hold_session", {"session": SESSION})):
        mediation.mediation.act_on_dispute(dispute["dispute_id"], {"action": action, **fields})
    with pytest.raises(ValidationFailed) as refused:
        mediation.mediation.act_on_dispute(dispute["dispute_id"], {"action": "sign_agreement",
                                                                   "agreement": agreement(**change)})
    assert refused.value.field == field and refused.value.message
    assert mediation.mediation.get_dispute(dispute["dispute_id"])["status"] == "in_mediation"


def test_every_illegal_transition_is_refused(mediation):
    dispute = walk_in(mediation)
    for action in set(WORKFLOW.transitions) - {"accept", "decline"}:
        with pytest.raises(Conflict) as refused:
            mediation.mediation.act_on_dispute(dispute["dispute_id"], {"action": action})
        assert refused.value.code == "dispute.illegal_transition"


def test_escalation_goes_up_and_keeps_the_history(mediation):
    dispute = walk_in(mediation)
    dispute_id = dispute["dispute_id"]
    mediation.mediation.act_on_dispute(dispute_id, {"action": "accept", "committee_id": "MC-V1"})
    mediation.mediation.act_on_dispute(dispute_id, {"action": "hold_session", "session": SESSION})
    mediation.mediation.act_on_dispute(dispute_id, {"action": "fail", "reason": "双方分歧较大"})
    with pytest.raises(Conflict) as sideways:
        mediation.mediation.act_on_dispute(dispute_id, {"action": "escalate", "committee_id": "MC-V1",
                                                        "reason": "再试"})
    assert sideways.value.code == "dispute.not_higher"
    up = mediation.mediation.act_on_dispute(dispute_id, {"action": "escalate", "committee_id": "MC-T1",
                                                         "reason": "村级调解未果"})
    assert up["status"] == "accepted" and up["level"] == "township" and len(up["sessions"]) == 1
    assert [h["action"] for h in up["history"]] == ["register", "accept", "hold_session", "fail", "escalate"]


def test_a_mediator_outside_the_area_sees_nothing(mediation):
    dispute = walk_in(mediation)
    with rpc({"scope": ["500229002"], "actor": {"id": "other", "role": "mediator"}}) as other:
        with pytest.raises(NotFound):
            other.mediation.get_dispute(dispute["dispute_id"])
        assert other.mediation.list_disputes()["total"] == 0


FOLLOW_UP = {"visited_on": "2026-12-31", "visitor": "李调解", "performed": "partly", "record": "已部分履行"}
FIELDS = {"accept": {"committee_id": "MC-V1", "mediator_ids": ["M-001"]}, "hold_session": {"session": SESSION},
          "sign_agreement": {"agreement": agreement()}, "fail": {"reason": "双方分歧较大"},
          "escalate": {"committee_id": "MC-T1", "reason": "村级调解未果"},
          "refer": {"referral": {"to": "litigation", "note": "引导当事人起诉"}},
          "decline": {"reason": "已进入诉讼程序", "referral": {"to": "litigation", "note": "法院已立案"}},
          "confirm_performance": {"reason": "已按期付款"}, "follow_up": {"follow_up": FOLLOW_UP}, "close": {}}
PATHS = {"registered": [], "accepted": ["accept"], "in_mediation": ["accept", "hold_session"],
         "resolved": ["accept", "hold_session", "sign_agreement"], "failed": ["accept", "hold_session", "fail"],
         "referred": ["accept", "hold_session", "fail", "refer"],
         "performed": ["accept", "hold_session", "sign_agreement", "confirm_performance"],
         "followed_up": ["accept", "hold_session", "sign_agreement", "follow_up"],
         "closed": ["accept", "hold_session", "sign_agreement", "follow_up", "close"], "declined": ["decline"]}


def test_every_legal_transition_of_the_table_works_on_the_real_service(mediation):
    for transition in WORKFLOW.transitions.values():
        for source in sorted(transition.sources):
            dispute = walk_in(mediation)
            for action in PATHS[source]:
                dispute = mediation.mediation.act_on_dispute(dispute["dispute_id"],
                                                             {"action": action, **FIELDS[action]})
            assert dispute["status"] == source
            moved = mediation.mediation.act_on_dispute(dispute["dispute_id"], {"action": transition.action,
                                                                               **FIELDS[transition.action]})
            assert moved["status"] == transition.target, (transition.action, source)
            assert moved["history"][-1]["action"] == transition.action


def test_every_illegal_transition_from_every_status_is_refused(mediation):
    for status, path in PATHS.items():
        dispute = walk_in(mediation)
        for action in path:
            dispute = mediation.mediation.act_on_dispute(dispute["dispute_id"], {"action": action, **FIELDS[action]})
        for action in set(WORKFLOW.transitions) - set(WORKFLOW.allowed(status)):
            with pytest.raises(Conflict):
                mediation.mediation.act_on_dispute(dispute["dispute_id"], {"action": action, **FIELDS[action]})
        assert mediation.mediation.get_dispute(dispute["dispute_id"])["status"] == status
