"""The village service's events that reach the passbooks, through the same approval as a manual award.

A 红白理事会's check of a simple wedding or funeral (`village.family_event_report.checked`) and a good deed or breach
recorded under a clause of the village rules (`village.conduct.recorded`) each become an award of the rules they
trigger, waiting in 积分复核 for a second person's approval, then on the notice board (公示), then posted: the
village finds the fact, the credit service decides the points (docs/adr/0027). One award per record, rule and
household however often the event arrives: the inbox stops a redelivery, the award's unique `source_key` a second
event about the same record. The ethics council's review of a waiting award (`village.points_claim.reviewed`) is
recorded on it, once, for the approver to read."""
from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.events import Envelope

from .api.codes import AwardStatus
from .intake import rules_triggered
from .store import new_id

# Which field names the record, who found the fact, and what the award says of it (no personal data).
RECORDS = {
    "village.family_event_report.checked": ("report_id", "红白理事会"),
    "village.conduct.recorded": ("conduct_id", "村规民约"),
}
EVENT_TYPES = {"wedding": "婚事新办", "funeral": "丧事简办"}


def _reason(event_type: str, data: dict) -> str:
    if event_type == "village.family_event_report.checked":
        return f"红白理事会核查：{EVENT_TYPES[data['kind']]}（{data['event_date']}，{data['tables']}桌）"
    what = "善行义举" if data["kind"] == "good_deed" else "违反约定"
    return f"依村规民约第{data['clause_no']}条记录{what}（{data['occurred_on']}）"


def submit_from_event(work, tx, envelope: Envelope) -> int:
    """One waiting award for each rule the event triggers; returns how many were submitted now."""
    data, event_type = envelope.data, envelope.event_type
    rules = rules_triggered(work, envelope)
    if event_type == "village.conduct.recorded":
        rules = [r for r in rules if r["code"] == data["points_rule_code"]]  # the clause names its rule
    passbook = work.store.get_passbook(data["household_id"], session=tx.session) if rules else None
    if passbook is None:
        return 0  # nothing triggered, or a household without a passbook (opened from the grid's registration)
    field, finder = RECORDS[event_type]
    record = data[field]
    submitted = 0
    for rule in rules:
        key = f"{event_type}:{record}:{rule['code']}:{passbook['_id']}"
        if work.store.award_by_source(key, tx.session):
            continue
        now = clock.now()
        reason = _reason(event_type, data)
        doc = {"_id": new_id("AW"), "household_id": passbook["_id"],
               "household_number": passbook.get("household_number"), "holder": passbook.get("holder"),
               "area_path": passbook["area_path"], "village_code": passbook.get("village_code"),
               "rule": {k: rule[k] for k in ("code", "name", "category", "points")}, "reason": reason,
               "occurred_on": data.get("event_date") or data.get("occurred_on"),
               "evidence": [{"kind": "record", "description": f"{finder}记录（村务自治）", "ref": record}],
               "status": AwardStatus.submitted.value, "submitted_by": {"id": "village", "role": None,
                                                                         "name": finder},
               "submitted_at": now, "notice_until": None, "objections": [], "entry_id": None, "revision": 0,
               "source_key": key, "council_reviews": [],
               "history": [{"action": "submit", "from": None, "to": "submitted", "at": now,
                            "actor": {"id": "village", "role": None, "name": finder}, "note": reason}]}
        try:
            work.store.insert_award(doc, tx.session)
        except DuplicateKeyError:
            continue  # the same record's award, submitted by a worker racing this one
        submitted += 1
    return submitted


def record_council_review(work, tx, envelope: Envelope) -> bool:
    """The ethics council's opinion, on the award it is about (once per review); False when there is nothing to
    record it on."""
    data = envelope.data
    award = work.store.get_award(data["award_id"], session=tx.session)
    if award is None or any(r["review_id"] == data["review_id"] for r in award.get("council_reviews", [])):
        return False
    opinion = "同意" if data["opinion"] == "support" else "不同意"
    review = {"review_id": data["review_id"], "council_id": data["council_id"], "opinion": data["opinion"],
              "held_on": data["held_on"], "at": clock.now()}
    entry = {"action": "council_review", "from": award["status"], "to": award["status"], "at": clock.now(),
             "actor": {"id": "village", "role": None, "name": "道德评议会"}, "note": f"道德评议会评议：{opinion}"}
    moved = work.store.move_award(award, {"council_reviews": [*award.get("council_reviews", []), review]}, entry,
                                  tx.session)
    if moved is None:
        raise RuntimeError("award moved meanwhile")  # the handler runs again from a fresh read
    return True

