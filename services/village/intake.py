"""The other services' events the village service takes, each once through its inbox (service.py's handlers):

- `grid.area.upserted`: the areas, as this service's own read model (townships, villages, communities, grids);
- the grid's case events and the mediation service's dispute events: the outcome of a matter raised at a session
  and sent on. A matter is found by the case it became (`case_id`) or by itself (`source_ref` of a dispute opened
  from `village.session_matter.referred_to_mediation`); an event older than the last outcome applied, repeated, or
  not a move the matter can make from where it is, changes nothing (sessions.py)."""
from shared.events import Envelope

from . import sessions
from .api.events import SessionMatterConcluded

TREE_KINDS = {"county", "town", "township", "street", "village", "community", "grid"}


def apply_area(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    if data["kind"] not in TREE_KINDS:
        return
    work.store.apply_area({"code": data["area_code"], "kind": data["kind"], "name": data["area_name"],
                           "parent_code": data["parent_code"], "path": data["path"]}, envelope.occurred_at, tx.session)


def from_grid_case(work, tx, envelope: Envelope) -> None:
    name = envelope.event_type.split(".", 1)[1]
    session = work.store.session_of_case(envelope.data["case_id"], tx.session)
    if session is None:
        return  # a case that did not come from a session
    matter = next(m for m in session["matters"] if m.get("case_id") == envelope.data["case_id"])
    _apply(work, tx, envelope, session, matter, sessions.GRID_MOVES[name], "grid",
           {"case_status": envelope.data["status"]})


def from_dispute(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    name = envelope.event_type.split(".", 1)[1]
    if data["source"] == "village_session":
        session = work.store.session_of_matter(data["source_ref"] or "", tx.session)
        matter = session and next(m for m in session["matters"] if m["matter_id"] == data["source_ref"])
    elif data["source"] == "grid_case":
        session = work.store.session_of_case(data["source_ref"] or "", tx.session)
        matter = session and next(m for m in session["matters"] if m.get("case_id") == data["source_ref"])
    else:
        return
    if not session:
        return
    extra = {"dispute_id": data["dispute_id"], "dispute_status": data["status"]}
    if name == "dispute.registered":
        if not matter.get("dispute_id"):
            _changed(work.store.set_session_matter(session, matter["matter_id"], extra, tx.session))
        return
    action = sessions.mediation_move(name, data)
    if action:
        _apply(work, tx, envelope, session, matter, action, "mediation", extra)


def _apply(work, tx, envelope: Envelope, session: dict, matter: dict, action: str, by: str, extra: dict) -> None:
    seen = matter.get("outcome_at")
    if seen is not None and seen >= envelope.occurred_at:
        return  # an older outcome than the one shown, delivered late
    target = sessions.move(matter["status"], action)
    if target is None:
        return
    move = {"action": action, "at": envelope.occurred_at, "actor": None, "note": None}
    _changed(work.store.set_session_matter(session, matter["matter_id"], {
        **extra, "status": target, "outcome_at": envelope.occurred_at, "moves": [*matter["moves"], move]}, tx.session))
    if target in sessions.CONCLUDED:
        tx.emit(SessionMatterConcluded(session_id=session["_id"], matter_id=matter["matter_id"],
                                       outcome=sessions.CONCLUDED[target], by=by,
                                       village_code=session["village_code"], township_code=session["township_code"]),
                area_code=session["village_code"])


class Moved(Exception):
    """The session changed between the read and the write: the handler runs again from a fresh read."""


def _changed(result) -> None:
    if result is None:
        raise Moved("session changed meanwhile")
