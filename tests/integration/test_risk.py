"""Joint risk assessment on the real broker and store: a burst of grid cases in one village raises exactly one
alert with the signals as its reasons, however the events are redelivered or ordered; the rebuild reproduces the
live scores; a meeting records standing and invited units' opinions and its tasks escalate when overdue."""
import os
import random
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from services.credit.api.events import DishonestDebtorListed
from services.grid.api.events import CaseReported
from services.mediation.api.events import DisputeReferred
from services.risk.service import RiskService
from shared import clock, config, topology
from shared.errors import ValidationFailed
from shared.events import envelope_for
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

TOWNSHIP = "500229101"
VILLAGE = "500229101001"
QUIET_VILLAGE = "500229101002"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def case_envelope(village: str, minutes: int, category: str = "safety") -> dict:
    data = CaseReported(case_id=f"SJ{uuid.uuid4().hex[:12]}", grid_code=village + "001", village_code=village,
                        township_code=village[:9], item_code=f"{category}.production", item_version=1,
                        category=category, status="reported", assignee_kind="township",
                        due_at=T0 + timedelta(days=5), reported_to="township", owner_department="县应急管理局")
    envelope = envelope_for(data, area_code=village, correlation_id=str(uuid.uuid4()))
    return {**envelope.model_dump(mode="json"), "occurred_at": (T0 + timedelta(minutes=minutes)).isoformat()}


def publish(envelope: dict) -> None:
    source, name = envelope["event_type"].split(".", 1)
    Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish(
        envelope, exchange=get_event_exchange(source, {}), routing_key=name, message_id=envelope["event_id"],
        type=envelope["event_type"])


def applied(db) -> int:
    return db.inbox.count_documents({})


@pytest.fixture
def risk(env):
    topology.declare()
    with running(RiskService), rpc(COUNTY_SCOPE) as proxy:
        yield proxy, database("risk")


def test_a_burst_in_one_village_raises_one_alert_with_its_signals_even_redelivered_and_out_of_order(risk):
    proxy, db = risk
    burst = [case_envelope(VILLAGE, minutes) for minutes in range(0, 120, 10)]  # 12 safety cases: 12 × 1.5 = 18
    shuffled = burst[:]
    random.Random(9).shuffle(shuffled)
    for envelope in shuffled + shuffled[:5]:  # out of order, and five of them delivered twice
        publish(envelope)
    publish(case_envelope(QUIET_VILLAGE, 30, "environment"))
    wait_until(lambda: db.signals.count_documents({}) == 13 and applied(db) == 13, what="every signal applied")

    alerts = proxy.risk.list_alerts()["items"]
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["area_code"], alert["area_kind"], alert["level"], alert["category"]) == (
        VILLAGE, "village", "yellow", "安全生产")
    assert sorted(r["event_id"] for r in alert["reasons"]) == sorted(e["event_id"] for e in burst)
    assert "县应急管理局" in alert["units"] and "县委政法委" in alert["units"]
    explained = proxy.risk.explain_score(VILLAGE)
    assert explained["score"] == alert["score"] == explained["live_score"]
    assert explained["at"] == (T0 + timedelta(minutes=110)).isoformat()
    assert db.outbox.count_documents({"event_type": "risk.alert.raised"}) == 1
    raised = db.outbox.find_one({"event_type": "risk.alert.raised"})["envelope"]["data"]
    assert set(raised) == {"alert_id", "area_code", "area_kind", "township_code", "level", "category", "score",
                           "signal_count", "units"}
    heat = proxy.risk.heat()["areas"]
    assert [(a["area_code"], a["level"]) for a in heat] == [(TOWNSHIP, "blue")]
    villages = {a["area_code"]: a["level"] for a in proxy.risk.heat(TOWNSHIP)["areas"]}
    assert villages == {VILLAGE: "yellow", QUIET_VILLAGE: "blue"}

    # the rebuild reproduces every live score, by RPC and by the command; a tampered score is found
    assert proxy.risk.rebuild_scores() == {"areas": 3, "signals": 13, "mismatches": [], "ok": True}
    command = [sys.executable, "-m", "services.risk.rebuild"]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all scores reproduced" in done.stdout
    db.areas.update_one({"_id": VILLAGE}, {"$inc": {"score": 0.01}})
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, timeout=60)
    assert done.returncode == 1 and VILLAGE in done.stdout


def test_signals_over_half_a_year_leave_the_window_once_and_the_rebuild_still_reproduces_every_score(risk):
    proxy, db = risk
    spread = [case_envelope(VILLAGE, minutes=day * 24 * 60, category="public_order") for day in range(0, 200, 9)]
    random.Random(3).shuffle(spread)  # late ones arrive after the area's moment has moved past their window
    for envelope in spread:
        publish(envelope)
    wait_until(lambda: applied(db) == len(spread), what="every signal applied")

    latest = T0 + timedelta(days=198)
    area = db.areas.find_one({"_id": VILLAGE})
    assert area["at"] == latest
    in_window = [day for day in range(0, 200, 9) if day >= 198 - 90]
    assert area["signal_count"] == len(in_window)
    assert proxy.risk.explain_score(VILLAGE)["signal_count"] == len(in_window)
    assert proxy.risk.rebuild_scores()["ok"] is True


def test_a_meeting_records_standing_and_invited_opinions_and_its_tasks_escalate(risk):
    proxy, db = risk
    for minutes in range(0, 22):
        publish(case_envelope(VILLAGE, minutes, "public_order"))  # 22 × 1.5 = 33 (a little less after decay): red
    wait_until(lambda: applied(db) == 22, what="the burst applied")
    alerts = proxy.risk.list_alerts(area_code=VILLAGE)["items"]
    assert len(alerts) == 1  # the township's sum also passed its own (higher) threshold: an alert of its own
    alert = alerts[0]
    assert alert["level"] == "red" and alert["peak_level"] == "red"

    with pytest.raises(ValidationFailed) as refused:
        proxy.risk.convene_meeting({"title": "研判", "trigger": "alert", "held_on": "2026-11-03"})
    assert refused.value.field == "alert_id"
    meeting = proxy.risk.convene_meeting({
        "title": "某村治安隐患集中研判", "trigger": "alert", "alert_id": alert["id"], "held_on": "2026-11-03",
        "invited_units": [{"name": "镇派出所", "reason": "属地治安"}, {"name": "县电力公司", "reason": "线路隐患"}]})
    assert len(meeting["standing_units"]) == 16 and meeting["area_code"] == VILLAGE
    proxy.risk.give_opinion(meeting["id"], {"unit": "县公安局", "opinion": "加强夜间巡逻", "suggested_level": "red"})
    proxy.risk.give_opinion(meeting["id"], {"unit": "镇派出所", "opinion": "已摸排重点人员三名"})
    with pytest.raises(ValidationFailed) as refused:
        proxy.risk.give_opinion(meeting["id"], {"unit": "县气象局", "opinion": "无意见"})
    assert refused.value.field == "unit"
    concluded = proxy.risk.conclude_meeting(meeting["id"], {
        "resolution": "列为红色风险，公安牵头整治", "level": "red",
        "tasks": [{"title": "开展治安隐患清查", "owner_unit": "县公安局", "due_on": "2026-11-10"},
                  {"title": "排查线路", "owner_unit": "县电力公司", "due_on": "2026-11-20"}]})
    assert concluded["status"] == "concluded"
    assert {(o["unit"], o["role"]) for o in concluded["opinions"]} == {("县公安局", "standing"), ("镇派出所", "invited")}
    assert len(concluded["tasks"]) == 2
    assert proxy.risk.get_alert(alert["id"])["status"] == "assessed"

    assert proxy.risk.sweep_tasks(as_of="2026-11-10T12:00:00+08:00") == {"overdue": 0, "escalated": 0}
    assert proxy.risk.sweep_tasks(as_of="2026-11-11T09:00:00+08:00") == {"overdue": 1, "escalated": 1}
    assert proxy.risk.sweep_tasks(as_of="2026-11-12T09:00:00+08:00") == {"overdue": 1, "escalated": 0}
    assert proxy.risk.sweep_tasks(as_of="2026-11-18T09:00:00+08:00") == {"overdue": 1, "escalated": 1}
    task = next(t for t in proxy.risk.get_meeting(meeting["id"])["tasks"] if t["owner_unit"] == "县公安局")
    assert (task["escalation_level"], task["escalated_to"]) == (2, "县领导挂牌督办")
    overdue = [o["envelope"]["data"] for o in db.outbox.find({"event_type": "risk.task.overdue"})]
    assert [o["escalation_level"] for o in overdue] == [1, 2]
    assert db.outbox.count_documents({"event_type": "risk.task.assigned"}) == 2
    assert db.outbox.count_documents({"event_type": "risk.meeting.concluded"}) == 1
    power = next(t for t in concluded["tasks"] if t["owner_unit"] == "县电力公司")
    proxy.risk.complete_task(power["id"], {"note": "已完成排查"})
    assert proxy.risk.sweep_tasks(as_of="2026-12-30T09:00:00+08:00") == {"overdue": 1, "escalated": 0}


def test_designations_and_bad_input(risk):
    proxy, db = risk
    other = "500229102"
    referred = DisputeReferred(dispute_id="TJ1", source="talk_office", source_ref=None, category="neighbour",
                               major=False, level="village", committee_id=None, village_code=VILLAGE,
                               township_code=TOWNSHIP, status="referred", referred_to="litigation",
                               registered_at=clock.now(), due_at=clock.now() + timedelta(days=30), resolved_at=None)
    envelope = envelope_for(referred, area_code=VILLAGE, correlation_id="c").model_dump(mode="json")
    publish(envelope)
    wait_until(lambda: applied(db) == 1, what="the referral applied")
    assert proxy.risk.assess_designations(township_codes=[other])["changed"] == 8
    found = {(d["township_code"], d["designation"]): d for d in proxy.risk.list_designations()}
    assert not found[(TOWNSHIP, "litigation_free")]["granted"]
    assert found[(TOWNSHIP, "litigation_free")]["evidence"][0]["refs"] == ["TJ1"]
    assert found[(TOWNSHIP, "drug_free")]["granted"] and not found[(TOWNSHIP, "peace_building")]["granted"]
    assert all(found[(other, d)]["granted"] for d in ("drug_free", "cult_free", "litigation_free", "peace_building"))
    assert proxy.risk.assess_designations()["changed"] == 0  # nothing changed, no event
    assert db.outbox.count_documents({"event_type": "risk.designation.changed"}) == 8

    for payload, field in (({"title": "x", "category": "社会稳定", "area_code": VILLAGE, "level": "red",
                             "owner_unit": "县公安局"}, "title"),
                           ({"title": "山体滑坡隐患", "category": "天灾", "area_code": VILLAGE, "level": "red",
                             "owner_unit": "县公安局"}, "category"),
                           ({"title": "山体滑坡隐患", "category": "自然灾害", "area_code": VILLAGE, "level": "red",
                             "owner_unit": "县某局"}, "owner_unit")):
        with pytest.raises(ValidationFailed) as refused:
            proxy.risk.create_risk_item(payload)
        assert refused.value.field == field
    assert db.risk_items.count_documents({}) == 0


def test_the_demo_loads_once(risk):
    from services.risk import demo

    proxy, db = risk
    call = lambda method, *args: getattr(proxy.risk, method)(*args)  # noqa: E731
    demo.load(call, progress=lambda _: None)
    demo.load(call, progress=lambda _: None)
    assert db.risk_items.count_documents({}) == 4 and db.assessment_meetings.count_documents({}) == 1
    meeting = proxy.risk.list_meetings()["items"][0]
    assert meeting["status"] == "concluded" and len(meeting["opinions"]) == 4
    assert db.tasks.count_documents({}) == 2 and db.member_units.count_documents({"standing": True}) == 16
    assert db.designations.count_documents({}) == 25 * 4


def test_a_joint_discipline_listing_counts_once_for_its_village_and_an_enterprise_elsewhere_not_at_all(risk):
    proxy, db = risk
    listed = envelope_for(DishonestDebtorListed(
        listing_id="DL" + uuid.uuid4().hex[:12], subject_kind="person", household_id="HH" + uuid.uuid4().hex[:12],
        enterprise_code=None, area_code=VILLAGE + "001001", flags=["high_consumption"]),
        area_code=VILLAGE, correlation_id=str(uuid.uuid4())).model_dump(mode="json")
    elsewhere = envelope_for(DishonestDebtorListed(
        listing_id="DL" + uuid.uuid4().hex[:12], subject_kind="enterprise", household_id=None,
        enterprise_code="91500229MA5U000000", area_code=None, flags=["government_procurement"]),
        area_code=None, correlation_id=str(uuid.uuid4())).model_dump(mode="json")
    for envelope in (listed, listed, elsewhere):  # the first one delivered twice
        publish(envelope)
    wait_until(lambda: applied(db) == 2, what="both listings handled")
    signals = list(db.signals.find({}))
    assert [(s["kind"], s["village_code"], s["township_code"], s["source"]) for s in signals] == [
        ("debtor_listed", VILLAGE, TOWNSHIP, "credit")]
    assert db.areas.find_one({"_id": VILLAGE})["score"] == 2.0
