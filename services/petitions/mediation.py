"""A petition converted to people's mediation, both ways: what the mediator may read of it (the matter and the
petitioners, for the mediation service to keep encrypted and show masked), and the mediation's course coming back
from the mediation service's events, which the petition's page and the petitioner's own view show and from which
the petitions office concludes the petition (据调解结果办结)."""
from shared import clock
from shared.errors import Conflict, NotFound

# The dispute events that come back, what each means for the petition, and whether mediation has ended with it.
RESULTS = {
    "dispute.accepted": ("调解委员会已受理", False),
    "dispute.escalated": ("移送上级调解委员会", False),
    "dispute.resolved": ("达成调解协议", True),
    "dispute.failed": ("调解不成", True),
    "dispute.declined": ("调解委员会不予受理", True),
    "dispute.referred": ("调解不成，已引导诉讼、仲裁或转有关部门", True),
    "dispute.followed_up": ("已回访协议履行情况", True),
    "dispute.closed": ("调解结案", True),
}
REFERRED_TO = {"litigation": "诉讼", "arbitration": "仲裁", "petitions": "信访", "administrative": "行政机关"}


def for_mediation(work, petition_id: str) -> dict:
    """What the mediation service may see of a petition converted to mediation, and only of such a petition: the
    matter and the petitioners (in clear, for the mediation service to keep encrypted itself). Recorded as a read
    of personal data."""
    petition = work.store.get(str(petition_id or ""), work.scope.query())
    if petition is None:
        raise NotFound("信访件不存在", field="petition_id", code="petition.not_found")
    if petition["status"] != "converted" and not petition.get("mediation"):
        raise Conflict("该信访件未转人民调解", field="petition_id", code="petition.not_converted")
    if petition.get("intake_pending"):
        raise Conflict("信访件详情尚未读取完毕，请稍后", field="petition_id", code="petition.intake_pending")
    work.store.record_personal_data_read({"petition_id": petition["_id"], "reason": "转人民调解",
                                          "actor": work.actor.model_dump() if work.actor else None,
                                          "correlation_id": work.correlation_id})
    return {"petition_id": petition["_id"], "matter": petition["matter"], "category": petition["category"],
            "channel": petition["channel"], "received_at": clock.iso(petition["received_at"]),
            "petitioners": [{k: p.get(k) for k in ("resident_id", "name", "id_number", "phone", "address")}
                            for p in petition["petitioners"]]}


def record_result(work, tx, envelope) -> bool:
    """A mediation event of a dispute whose door is a petition: kept on the petition (once, through the inbox),
    the latest by when it happened, since two events may arrive out of order. False for other disputes."""
    data = envelope.data
    if data.get("source") != "petition" or not data.get("source_ref"):
        return False
    petition = work.store.get(data["source_ref"], session=tx.session)
    if petition is None:
        return False
    event = envelope.event_type.split(".", 1)[1]
    label, ended = RESULTS[event]
    if data.get("referred_to"):
        label += f"（{REFERRED_TO.get(data['referred_to'], data['referred_to'])}）"
    step = {"event": event, "label": label, "status": data["status"], "ended": ended, "at": envelope.occurred_at}
    if event == "dispute.resolved":
        step["judicial_confirmation_until"] = data.get("judicial_confirmation_until")
    work.store.add_mediation_step(petition["_id"], data["dispute_id"], step, tx.session)
    return True


def present(mediation: dict | None) -> dict | None:
    """The mediation's course as the petition's page and the petitioner see it: no names, no notes."""
    if not mediation:
        return None
    steps = sorted(mediation.get("steps", []), key=lambda s: s["at"])
    latest = steps[-1] if steps else None
    return {"dispute_id": mediation["dispute_id"], "status_label": latest["label"] if latest else "已转调解委员会，等待受理",
            "ended": any(s["ended"] for s in steps),
            "resolved": any(s["event"] == "dispute.resolved" for s in steps),
            "steps": [{"label": s["label"], "at": clock.iso(s["at"])} for s in steps]}


def check_conclusion(petition: dict) -> str:
    """The petitions office concludes a converted petition only once mediation has ended; the note says how."""
    shown = present(petition.get("mediation"))
    if not shown or not shown["ended"]:
        raise Conflict("人民调解尚未结束，不能据调解结果办结", field="action", code="petition.mediation_open")
    return f"据调解结果办结：{shown['status_label']}"
