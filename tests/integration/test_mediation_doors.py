"""The doors to mediation that are other services' events, on the real broker and store: a resident's dispute from
the residents' channel and a petition converted to mediation each open exactly one dispute; the narrative and the
applicant are read from the grid once; staff complete the parties of a dispute that came without a respondent."""
import uuid
from datetime import datetime, timezone

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange
from prometheus_client import REGISTRY

from services.grid.service import GridService
from services.mediation.service import MediationService
from services.petitions.api.events import PetitionConvertedToMediation
from shared import config, outbox, topology
from shared.errors import Conflict, ValidationFailed
from shared.events import envelope_for
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

GRID = "500229001001001"
MICRO, VILLAGE, TOWNSHIP = GRID + "001", GRID[:12], GRID[:9]
DISPUTE = {"kind": "dispute", "area_code": VILLAGE, "content": "邻居在我家门口堆放柴火，多次协商不成",
           "contact_name": "向大姐", "phone": "17100005678"}
ORDER = {"kind": "service_order", "area_code": VILLAGE, "content": "家中老人需要代办医保报销手续",
         "contact_name": "李大爷", "phone": "17100004321"}
PETITIONERS = ["RS" + "a" * 16, "RS" + "b" * 16]  # resident ids as the grid issues them
RESPONDENT = {"role": "respondent", "name": "外地来客", "phone": "17100009012", "address": "重庆市万州区某街道"}
PETITION_HANDLER = "mediation.open_from_petition"
PETITION_EVENT = "petitions.petition.converted_to_mediation"


def chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def handled(kind: str) -> float:
    return REGISTRY.get_sample_value("xz_events_consumed_total", {
        "handler": PETITION_HANDLER, "event_type": PETITION_EVENT, "outcome": kind}) or 0.0


@pytest.fixture
def suite(env):
    with running(GridService, MediationService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        yield proxy


def published(grid_db, event_type: str, count: int):
    rows = list(grid_db.outbox.find({"event_type": event_type}))
    return len(rows) == count and all(r["state"] == outbox.PUBLISHED for r in rows)


def test_a_residents_dispute_opens_one_dispute_and_its_narrative_comes_from_the_grid_once(suite):
    suite.grid.submit_resident_request(ORDER)  # a service order stays with the grid
    suite.grid.submit_resident_request(DISPUTE)
    grid_db, mediation_db = database("grid"), database("mediation")
    wait_until(lambda: published(grid_db, "grid.resident_request.received", 2), what="both requests published")
    wait_until(lambda: mediation_db.inbox.count_documents(
        {"handler": "mediation.open_from_resident_request"}) == 2, what="both requests handled by mediation")
    assert mediation_db.disputes.count_documents({}) == 1
    request = grid_db.resident_requests.find_one({"kind": "dispute"})
    stored = mediation_db.disputes.find_one({})
    assert (stored["source"], stored["source_ref"], stored["area_code"], stored["status"]) == \
        ("resident_request", request["_id"], VILLAGE, "registered")
    assert stored["parties"] == [] and stored["narrative_pending"] is True
    assert "柴火" not in str(stored)

    listed = suite.mediation.list_disputes()
    assert listed["total"] == 1 and "柴火" not in str(listed)  # the list does not reach for the narrative
    seen = suite.mediation.get_dispute(stored["_id"])
    assert seen["summary"] == DISPUTE["content"] and seen["source_label"] == "群众网上反映"
    assert [(p["role"], p["name"], p["phone"]) for p in seen["parties"]] == [("applicant", "向**", "171****5678")]
    again = suite.mediation.get_dispute(stored["_id"])
    assert again["summary"] == DISPUTE["content"]
    # Read from the grid once (the grid records each read of a request's personal data), kept encrypted.
    assert grid_db.personal_data_reads.count_documents({"request_id": request["_id"]}) == 1
    kept = str(mediation_db.disputes.find_one({"_id": stored["_id"]}))
    assert "向大姐" not in kept and "17100005678" not in kept and "柴火" in kept
    events = [e["envelope"] for e in mediation_db.outbox.find({"event_type": "mediation.dispute.registered"})]
    assert len(events) == 1 and events[0]["data"]["source"] == "resident_request"
    assert "向大姐" not in str(events) and "17100005678" not in str(events)


def petition_envelope(petition_id: str, category: str = "land_forest") -> dict:
    data = PetitionConvertedToMediation(
        petition_id=petition_id, area_code=GRID, village_code=VILLAGE, township_code=TOWNSHIP,
        dispute_category=category, collective=False, petitioner_resident_ids=PETITIONERS,
        registered_at=datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc))
    return envelope_for(data, area_code=GRID, correlation_id=str(uuid.uuid4()),
                        actor={"id": "petition-officer-1", "role": "petition_officer"}).model_dump(mode="json")


def publish(envelope: dict) -> None:
    Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish(
        envelope, exchange=get_event_exchange("petitions", {}), routing_key="petition.converted_to_mediation",
        message_id=envelope["event_id"], type=envelope["event_type"])


@pytest.fixture
def petition_dispute(env):
    """A petition converted to mediation: one dispute, its petitioners applicants, no respondent yet."""
    topology.declare()
    with running(MediationService), rpc(COUNTY_SCOPE) as proxy:
        disputes_db = database("mediation").disputes
        envelope = petition_envelope("P" + "1" * 16)
        applied = handled("applied")
        publish(envelope)
        wait_until(lambda: handled("applied") == applied + 1, what="conversion applied")
        yield proxy, envelope, disputes_db.find_one({"source": "petition"})


def test_a_petition_converted_to_mediation_opens_one_dispute_however_often_it_arrives(petition_dispute):
    proxy, envelope, dispute = petition_dispute
    disputes_db = database("mediation").disputes
    assert (dispute["source_ref"], dispute["area_code"], dispute["category"], dispute["township_code"],
            dispute["village_code"]) == ("P" + "1" * 16, GRID, "land_forest", TOWNSHIP, VILLAGE)
    assert [(p["role"], p["resident_id"]) for p in dispute["parties"]] == [("applicant", r) for r in PETITIONERS]

    duplicates = handled("duplicate")
    publish(envelope)  # the same event delivered again
    wait_until(lambda: handled("duplicate") == duplicates + 1, what="second delivery consumed")
    applied = handled("applied")
    publish({**envelope, "event_id": str(uuid.uuid4())})  # another event for the same petition
    publish(petition_envelope("P" + "2" * 16, category="no_such_category"))  # and one for another petition
    wait_until(lambda: handled("applied") == applied + 2, what="both events applied")
    assert disputes_db.count_documents({"source_ref": "P" + "1" * 16}) == 1
    other = disputes_db.find_one({"source_ref": "P" + "2" * 16})
    assert other["category"] == "other"  # a category the mediation service does not know
    assert disputes_db.count_documents({}) == 2
    assert database("mediation").outbox.count_documents({"event_type": "mediation.dispute.registered"}) == 2

    seen = proxy.mediation.get_dispute(dispute["_id"])  # no narrative source for a petition: the placeholder stays
    assert seen["source_label"] == "信访转调解" and seen["status"] == "registered" and seen["actions"] == \
        ["accept", "decline"]


@pytest.mark.parametrize("change, field, words", [
    ({"parties": [RESPONDENT, {**RESPONDENT, "name": "另一来客"}]}, "parties", "申请人和一名被申请人"),
    ({"parties": [RESPONDENT]}, "parties", "至少2项"),
    ({"parties": [{"role": "applicant", "resident_id": PETITIONERS[0]}, {"role": "respondent"}]}, "parties.1",
     "登记居民"),
    ({"parties": [{"role": "applicant", "resident_id": PETITIONERS[0]}, {**RESPONDENT, "phone": "12345"}]},
     "parties.1.phone", None),
    ({"parties": [{"role": "applicant", "resident_id": "R123"}, RESPONDENT]}, "parties.0.resident_id", None),
    ({"category": "quarrel"}, "category", "纠纷类别"),
    ({"parties": [{"role": "applicant", "resident_id": PETITIONERS[0]}, RESPONDENT], "major_reasons": ["loud"]},
     "major_reasons", "重大纠纷认定依据"),
    ({"summary": "吵"}, "summary", None),
    ({"status": "closed"}, "status", None),
    ({}, "parties", "申请人和一名被申请人"),  # nothing given: the dispute as it stands still lacks a respondent
])
def test_a_bad_completion_names_the_field_and_changes_nothing(petition_dispute, change, field, words):
    proxy, _, dispute = petition_dispute
    with pytest.raises(ValidationFailed) as refused:
        proxy.mediation.update_dispute(dispute["_id"], change)
    assert refused.value.field == field and chinese(refused.value.message)
    assert words is None or words in refused.value.message
    after = database("mediation").disputes.find_one({"_id": dispute["_id"]})
    assert after["revision"] == 0 and after["parties"] == dispute["parties"] and after["history"] == dispute["history"]


def test_staff_complete_the_parties_of_a_dispute_that_came_without_a_respondent(petition_dispute):
    proxy, _, dispute = petition_dispute
    seen = proxy.mediation.get_dispute(dispute["_id"])
    parties = [{"role": p["role"], "resident_id": p["resident_id"]} for p in seen["parties"]] + [RESPONDENT]
    done = proxy.mediation.update_dispute(dispute["_id"], {
        "parties": parties, "summary": "两户因承包地边界发生争议，信访转来调解", "major_reasons": ["violence_risk"]})
    assert [(p["role"], p["resident_id"], p["name"], p["phone"]) for p in done["parties"]] == [
        ("applicant", PETITIONERS[0], None, None), ("applicant", PETITIONERS[1], None, None),
        ("respondent", None, "外***", "171****9012")]
    assert done["major"] is True and done["summary"] == "两户因承包地边界发生争议，信访转来调解"
    assert done["status"] == "registered" and done["history"][-1]["action"] == "update"
    stored = database("mediation").disputes.find_one({"_id": dispute["_id"]})
    assert "外地来客" not in str(stored) and "17100009012" not in str(stored) and stored["revision"] == 1
    # Once concluded, it can no longer be changed.
    proxy.mediation.act_on_dispute(dispute["_id"], {"action": "decline", "reason": "已进入诉讼程序",
                                                    "referral": {"to": "litigation", "note": "当事人已起诉"}})
    with pytest.raises(Conflict) as refused:
        proxy.mediation.update_dispute(dispute["_id"], {"major_reasons": []})
    assert refused.value.code == "dispute.concluded"


def test_a_dispute_corrected_before_anyone_read_it_still_gets_its_narrative(suite):
    """Staff complete the parties of a referred grid case before anyone opened it: the case's narrative is still
    read from the grid, and reading it does not undo the parties entered."""
    case = suite.grid.open_case({"grid_code": GRID, "item_code": "dispute.neighbour", "title": "两户排水纠纷",
                                 "description": "两户因屋檐排水方向多次争吵"})
    suite.grid.act_on_case(case["case_id"], {"action": "refer_to_mediation"})
    disputes_db = database("mediation").disputes
    dispute = wait_until(lambda: disputes_db.find_one({"source": "grid_case"}), what="dispute opened")
    assert dispute["parties"] == [] and dispute["narrative_pending"] is True
    parties = [{"role": "applicant", "name": "张三", "phone": "17100001111"}, RESPONDENT]
    changed = suite.mediation.update_dispute(dispute["_id"], {"parties": parties, "major_reasons": ["violence_risk"]})
    assert changed["major"] is True and "两户排水纠纷" in changed["summary"]
    seen = suite.mediation.get_dispute(dispute["_id"])
    assert "两户排水纠纷" in seen["summary"] and "两户因屋檐排水方向多次争吵" in seen["summary"]
    assert [(p["role"], p["name"]) for p in seen["parties"]] == [("applicant", "张*"), ("respondent", "外***")]


def test_a_resident_id_as_the_grid_issues_it_is_a_party(suite):
    household = suite.grid.register_household(factories.household(MICRO, n_residents=1))
    resident_id = household["residents"][0]["resident_id"]
    dispute = suite.mediation.register_dispute({
        "area_code": VILLAGE, "category": "neighbour", "summary": "两户因屋檐排水方向发生争执",
        "parties": [{"role": "applicant", "resident_id": resident_id}, RESPONDENT]})
    assert dispute["parties"][0]["resident_id"] == resident_id


def test_a_respondent_is_added_without_typing_the_masked_applicant_again(suite):
    suite.grid.submit_resident_request(DISPUTE)
    disputes_db = database("mediation").disputes
    dispute = wait_until(lambda: disputes_db.find_one({"source": "resident_request"}), what="dispute opened")
    assert suite.mediation.get_dispute(dispute["_id"])["parties"][0]["phone"] == "171****5678"
    done = suite.mediation.update_dispute(dispute["_id"], {"add_parties": [RESPONDENT]})
    assert [(p["role"], p["name"], p["phone"]) for p in done["parties"]] == [
        ("applicant", "向**", "171****5678"), ("respondent", "外***", "171****9012")]
    assert done["summary"] == DISPUTE["content"]
