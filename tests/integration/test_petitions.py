"""Petitions on the real broker and store, with the service's test clock (`as_of`): every statutory clock warns,
goes overdue and is escalated by supervision; an extension beyond 30 days or without a reason is refused; a review
outside its window and a third review are refused; the objection window counts official working days; a repeat by
the same person is found by the blind index alone; a conversion opens one dispute in mediation."""
import pytest

from services.mediation.service import MediationService
from services.petitions.service import PetitionsService
from shared import outbox
from shared.errors import Conflict, ValidationFailed
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

VILLAGE = "500229001001"
ID_NUMBER = "50022919800101039X"
PERSON = {"name": "冉光明", "id_number": ID_NUMBER, "phone": "17100002468", "address": "葛城街道某村三组"}


def letter(received_on: str, category: str = "labour_social_security", petitioner: dict | None = None, **more):
    return {"channel": "letter", "area_code": VILLAGE, "category": category,
            "matter": "反映在工地务工被拖欠工资四个月", "petitioners": [petitioner or PERSON],
            "received_on": received_on, **more}


def at(day: str, hour: str = "10:00") -> str:
    return f"{day}T{hour}:00+08:00"


@pytest.fixture
def suite(env):
    with running(PetitionsService), rpc(COUNTY_SCOPE) as proxy:
        yield proxy


def clock_of(petition: dict, name: str) -> dict:
    return next(c for c in petition["clocks"] if c["clock"] == name)


def overdue_events(db) -> list[dict]:
    return [r["envelope"]["data"] for r in db.outbox.find({"event_type": "petitions.petition.overdue"})
            .sort("created_at", 1)]


def test_the_registration_clock_warns_goes_overdue_and_rises_through_the_supervision_levels(suite):
    p = suite.petitions.register_petition(letter("2025-03-03"))  # received 09:00 on Monday 3 March 2025
    pid, db = p["petition_id"], database("petitions")
    register = clock_of(p, "register")
    assert register["due_at"] == "2025-03-18T16:00:00+00:00"  # 15 calendar days: midnight ending 18 March, local
    # Green until its last three days, amber in them, red after: only red ones are supervised.
    assert suite.petitions.sweep_deadlines(at("2025-03-14"))["warned"] == 0
    assert suite.petitions.sweep_deadlines(at("2025-03-16"))["warned"] == 1
    assert overdue_events(db) == []
    swept = suite.petitions.sweep_deadlines(at("2025-03-19"))
    assert (swept["overdue"], swept["raised"]) == (1, 1)
    assert [(e["clock"], e["supervision_level"]) for e in overdue_events(db)] == [("register", "general")]
    assert suite.petitions.sweep_deadlines(at("2025-03-20"))["raised"] == 0  # a level is raised once
    suite.petitions.sweep_deadlines(at("2025-03-29"))  # ten days after the due time: 重点督办
    suite.petitions.sweep_deadlines(at("2025-04-18"))  # thirty days after: 挂牌督办
    assert [e["supervision_level"] for e in overdue_events(db)] == ["general", "key", "listed"]
    assert all(e["petition_id"] == pid and "冉" not in str(e) for e in overdue_events(db))
    seen = suite.petitions.get_petition(pid)
    assert seen["supervision_level"] == "listed" and len(seen["supervision"]) == 1
    # Assigning it at last ends the clock (late) and the supervision raised for it.
    moved = suite.petitions.act_on_petition(pid, {"action": "forward", "unit": "县人力社保局"}, at("2025-04-20"))
    assert clock_of(moved, "register")["state"] == "late"
    assert moved["supervision"][0]["closed_at"] and moved["supervision_level"] is None
    assert moved["first_handler"] == "县人力社保局"


def test_handling_extension_at_most_thirty_days_with_reason_and_approval(suite):
    p = suite.petitions.register_petition(letter("2025-05-05"))
    pid = p["petition_id"]
    suite.petitions.act_on_petition(pid, {"action": "forward", "unit": "县人力社保局"}, at("2025-05-06"))
    accepted = suite.petitions.act_on_petition(pid, {"action": "accept", "notice": "依法予以受理"}, at("2025-05-08"))
    assert clock_of(accepted, "handle")["due_at"] == "2025-07-07T16:00:00+00:00"  # 60 days from 8 May
    with pytest.raises(ValidationFailed) as too_long:
        suite.petitions.act_on_petition(pid, {"action": "extend", "days": 31, "reason": "情况复杂",
                                              "approved_by": "分管副县长"}, at("2025-06-20"))
    assert too_long.value.field == "days"
    with pytest.raises(ValidationFailed) as no_reason:
        suite.petitions.act_on_petition(pid, {"action": "extend", "days": 20, "approved_by": "分管副县长"},
                                        at("2025-06-20"))
    assert no_reason.value.field == "reason"
    with pytest.raises(ValidationFailed) as no_approval:
        suite.petitions.act_on_petition(pid, {"action": "extend", "days": 20, "reason": "情况复杂"}, at("2025-06-20"))
    assert no_approval.value.field == "approved_by"
    extended = suite.petitions.act_on_petition(pid, {"action": "extend", "days": 20, "reason": "涉及多个部门",
                                                     "approved_by": "分管副县长"}, at("2025-06-20"))
    assert clock_of(extended, "handle")["due_at"] == "2025-07-27T16:00:00+00:00"
    with pytest.raises(ValidationFailed) as beyond:  # 20 + 11 > 30 in all
        suite.petitions.act_on_petition(pid, {"action": "extend", "days": 11, "reason": "仍需核查",
                                              "approved_by": "分管副县长"}, at("2025-07-01"))
    assert beyond.value.field == "days" and "已延长20日" in beyond.value.message
    assert suite.petitions.get_petition(pid)["extension_days"] == 20  # the refusals changed nothing
    # Past the extended time the handling clock is red and supervised; no more extensions then.
    assert suite.petitions.sweep_deadlines(at("2025-07-29"))["raised"] == 1
    with pytest.raises(Conflict):
        suite.petitions.act_on_petition(pid, {"action": "extend", "days": 10, "reason": "仍需核查",
                                              "approved_by": "分管副县长"}, at("2025-07-29"))
    replied = suite.petitions.act_on_petition(pid, {"action": "reply", "reply": "经核实，工资已督促支付到位。"},
                                              at("2025-07-30"))
    assert clock_of(replied, "handle")["state"] == "late"
    event = database("petitions").outbox.find_one({"event_type": "petitions.petition.replied"})
    assert event["envelope"]["data"]["on_time"] is False


def _replied(suite, received: str, days: list[str]) -> str:
    pid = suite.petitions.register_petition(letter(received))["petition_id"]
    steps = ({"unit": "县人力社保局"}, {"notice": "依法予以受理"}, {"reply": "经核实，已依法处理完毕。"})
    for action, day, fields in zip(("forward", "accept", "reply"), days, steps, strict=True):
        suite.petitions.act_on_petition(pid, {"action": action, **fields}, at(day))
    return pid


def test_review_and_second_review_inside_their_windows_then_the_matter_is_final(suite):
    pid = _replied(suite, "2025-01-06", ["2025-01-07", "2025-01-10", "2025-02-20"])
    with pytest.raises(Conflict) as late:  # 30 days from the reply end with 22 March
        suite.petitions.act_on_petition(pid, {"action": "request_review", "reason": "对处理意见不服"}, at("2025-03-23"))
    assert late.value.code == "petition.review_window_closed"
    suite.petitions.act_on_petition(pid, {"action": "request_review", "reason": "对处理意见不服"}, at("2025-03-22"))
    suite.petitions.act_on_petition(pid, {"action": "decide_review", "opinion": "经复查，维持原处理意见。"},
                                    at("2025-04-10"))
    suite.petitions.act_on_petition(pid, {"action": "request_re_review", "reason": "仍然不服"}, at("2025-04-20"))
    final = suite.petitions.act_on_petition(pid, {"action": "decide_re_review", "opinion": "经复核，维持复查意见。"},
                                            at("2025-05-10"))
    assert final["status"] == "concluded" and final["actions"] == []
    with pytest.raises(Conflict) as third:
        suite.petitions.act_on_petition(pid, {"action": "request_review", "reason": "第三次请求"}, at("2025-05-12"))
    assert third.value.code == "petition.illegal_transition"
    # The same person on the same matter again: linked, and not accepted again after the second review.
    again = suite.petitions.register_petition(letter("2025-05-20"))
    assert again["repeat_of"] == pid and again["repeat_count"] == 2 and again["final_after_re_review"]
    suite.petitions.act_on_petition(again["petition_id"], {"action": "forward", "unit": "县人力社保局"}, at("2025-05-21"))
    with pytest.raises(Conflict) as refused:
        suite.petitions.act_on_petition(again["petition_id"], {"action": "accept", "notice": "受理"}, at("2025-05-22"))
    assert refused.value.code == "petition.re_review_final"
    declined = suite.petitions.act_on_petition(again["petition_id"], {
        "action": "decline", "reason": "已经复核终结，同一事实和理由不再受理"}, at("2025-05-22"))
    assert declined["status"] == "not_accepted"


def test_the_objection_window_counts_official_working_days(suite):
    # Forwarded on Tuesday 30 September 2025: National Day holiday 1-8 October, Saturday 11 October a working day.
    # Five working days: 9, 10, 11, 13, 14 October, so the window closes at midnight ending the 14th.
    refused = suite.petitions.register_petition(letter("2025-09-29"))["petition_id"]
    allowed = suite.petitions.register_petition(letter("2025-09-29", category="rural_affairs"))["petition_id"]
    for pid in (refused, allowed):
        suite.petitions.act_on_petition(pid, {"action": "forward", "unit": "县农业农村委"}, at("2025-09-30"))
    with pytest.raises(Conflict) as late:
        suite.petitions.act_on_petition(refused, {"action": "object", "reason": "不属于本单位职责"},
                                        at("2025-10-15", "08:30"))
    assert late.value.code == "petition.objection_window_closed"
    back = suite.petitions.act_on_petition(allowed, {"action": "object", "reason": "属于住建部门职责"},
                                           at("2025-10-14", "17:30"))
    assert back["status"] == "received" and back["unit"] is None and back["first_handler"] == "县农业农村委"
    moved = suite.petitions.act_on_petition(allowed, {"action": "forward", "unit": "县住房城乡建委"}, at("2025-10-15"))
    assert (moved["unit"], moved["first_handler"]) == ("县住房城乡建委", "县农业农村委")
    assert [h["action"] for h in moved["history"]] == ["register", "forward", "object", "forward"]


def test_transfers_are_recorded_and_the_first_handler_stays(suite):
    pid = suite.petitions.register_petition(letter("2025-06-02"))["petition_id"]
    suite.petitions.act_on_petition(pid, {"action": "forward", "unit": "属地乡镇（街道）"}, at("2025-06-03"))
    with pytest.raises(ValidationFailed) as silent:
        suite.petitions.act_on_petition(pid, {"action": "transfer", "unit": "县人力社保局"}, at("2025-06-04"))
    assert silent.value.field == "reason"
    moved = suite.petitions.act_on_petition(pid, {"action": "transfer", "unit": "县人力社保局",
                                                  "reason": "涉及劳动监察"}, at("2025-06-04"))
    assert moved["first_handler"] == "属地乡镇（街道）" and moved["unit"] == "县人力社保局"
    assert [(t["from"], t["to"], t["reason"]) for t in moved["transfers"]] == [
        ("属地乡镇（街道）", "县人力社保局", "涉及劳动监察")]
    listed = suite.petitions.list_petitions(unit="属地乡镇（街道）")
    assert [i["petition_id"] for i in listed["items"]] == [pid]  # the first handler still sees it


def test_a_repeat_is_found_by_the_blind_index_and_the_clear_id_number_is_never_stored(suite):
    first = suite.petitions.register_petition(letter("2025-02-03"))
    other_matter = suite.petitions.register_petition(letter("2025-02-10", category="environment"))
    same_by_id = suite.petitions.register_petition(letter("2025-03-03", petitioner={
        "name": "冉光明", "id_number": ID_NUMBER.lower()}))  # no phone, same person by ID number
    assert other_matter["repeat_of"] is None
    assert same_by_id["repeat_of"] == first["petition_id"] and same_by_id["repeat_count"] == 2
    assert same_by_id["petitioners"][0]["id_number"] == "500229********039X"
    db = database("petitions")
    stored = str(list(db.petitions.find({}))) + str(list(db.outbox.find({})))
    assert ID_NUMBER not in stored and "17100002468" not in stored and "冉光明" not in stored
    event = db.outbox.find_one({"event_type": "petitions.petition.repeat_detected"})["envelope"]["data"]
    assert (event["petition_id"], event["repeat_of"], event["repeat_count"]) == (
        same_by_id["petition_id"], first["petition_id"], 2)
    assert suite.petitions.list_petitions(repeat=True)["total"] == 1


def test_bad_input_is_refused_with_the_field_and_changes_nothing(suite):
    cases = [({**letter("2025-01-02"), "category": "nonsense"}, "category"),
             ({**letter("2025-01-02"), "petitioners": []}, "petitioners"),
             ({**letter("2025-01-02"), "petitioners": [{"phone": "123"}]}, "petitioners.0.phone"),
             ({**letter("2025-01-02"), "area_code": "110000001001"}, "area_code"),
             ({**letter("2099-01-02")}, "received_on")]
    for payload, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            suite.petitions.register_petition(payload)
        assert refused.value.field == field, payload
    assert database("petitions").petitions.count_documents({}) == 0


def test_a_conversion_to_mediation_opens_one_dispute_there(env):
    with running(PetitionsService, MediationService), rpc(COUNTY_SCOPE) as proxy:
        neighbour = {**letter("2025-08-01", category="neighbour_dispute"),
                     "petitioners": [{"resident_id": "RS" + "c" * 16}]}
        pid = proxy.petitions.register_petition(neighbour)["petition_id"]
        converted = proxy.petitions.act_on_petition(pid, {"action": "convert_to_mediation"})
        assert converted["status"] == "converted"
        petitions_db, mediation_db = database("petitions"), database("mediation")
        wait_until(lambda: petitions_db.outbox.find_one({"event_type": "petitions.petition.converted_to_mediation",
                                                         "state": outbox.PUBLISHED}), what="conversion published")
        dispute = wait_until(lambda: mediation_db.disputes.find_one({"source": "petition"}), what="dispute opened")
        assert (dispute["source_ref"], dispute["category"], dispute["parties"][0]["resident_id"]) == (
            pid, "neighbour", "RS" + "c" * 16)
