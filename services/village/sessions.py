"""村民说事 / 民情恳谈 / 百姓议事: a session with its participants and the matters raised; each matter is settled on the
spot, or becomes a grid case or a dispute in mediation with one action, and its outcome comes back by the grid's and
the mediation service's events. One table for a raised matter; the moves the other services' events make are in
it too, so a late or repeated event cannot move a matter where it may not go. Plain rules; no I/O."""
from .api.codes import SESSION_MATTER_WORKFLOW, V_MANAGE

WORKFLOW = SESSION_MATTER_WORKFLOW
STAFF_ACTIONS = [a for a, t in WORKFLOW.transitions.items() if t.duty == V_MANAGE]
CONCLUDED = {"settled": "settled", "resolved": "resolved", "unresolved": "unresolved"}

# The grid's case events and the mediation service's dispute events, as moves of the table. A closed dispute says
# its outcome; the others say it by their type.
GRID_MOVES = {"case.closed": "resolve", "case.reopened": "reopen", "case.referred_to_mediation": "hand_to_mediation"}
MEDIATION_MOVES = {"dispute.resolved": "resolve", "dispute.failed": "fail", "dispute.declined": "fail",
                   "dispute.referred": "fail"}


def mediation_move(event_name: str, data: dict) -> str | None:
    if event_name == "dispute.closed":
        return "resolve" if data.get("outcome") == "resolved" else "fail"
    return MEDIATION_MOVES.get(event_name)


def move(status: str, action: str) -> str | None:
    """Where an event's move takes a matter, or None when it does not apply from where the matter is (a repeated,
    late or crossing event changes nothing)."""
    transition = WORKFLOW.transitions[action]
    return transition.target if status in transition.sources else None


def outcome_counts(matters: list[dict]) -> dict:
    concluded = [m for m in matters if m["status"] in ("settled", "resolved")]
    return {"matters": len(matters), "resolved": len(concluded),
            "open": sum(1 for m in matters if m["status"] in ("raised", "with_grid", "with_mediation"))}
