"""The other services' events the assessment service takes, each once through its inbox (service.py's handlers),
into its read model of monthly facts (docs/adr/0021-assessment-reads-events.md). Every event of a dispute, a
petition or a place carries the whole state this needs, so each is applied alone and a late one is slotted in by
the time it occurred."""
from datetime import datetime

from shared.events import Envelope
from shared.scope import area_path

TREE_KINDS = {"county", "town", "township", "street", "village", "community"}


def apply_area(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    if data["kind"] not in TREE_KINDS:
        return
    work.store.apply_area({"code": data["area_code"], "kind": data["kind"], "name": data["area_name"],
                           "parent_code": data["parent_code"], "path": data["path"]}, envelope.occurred_at, tx.session)


def apply_dispute(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    fields = {"area_path": area_path(data["village_code"] or data["township_code"]), "status": data["status"],
              "level": data["level"], "major": data["major"], "registered_at": _time(data["registered_at"]),
              "due_at": _time(data["due_at"]), "resolved_at": _time(data["resolved_at"])}
    work.store.keep_newest(tx, "disputes", data["dispute_id"], fields, envelope.occurred_at)


def apply_petition(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    fields = {"area_path": area_path(data["area_code"]), "channel": data["channel"],
              "received_at": _time(data["received_at"])}
    work.store.keep_newest(tx, "petitions", data["petition_id"], fields, envelope.occurred_at)


# The grid's places: (id field, kind, the field of its area, the field that says it is up to standard).
PLACES = {"governance_centre.upserted": ("centre_id", "governance_centre", "area_code", "standardised"),
          "service_facility.upserted": ("facility_id", "service_facility", "village_code", "up_to_standard"),
          "key_area.upserted": ("key_area_id", "key_area", "area_code", "covered")}


def apply_place(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    id_field, kind, area_field, ok_field = PLACES[envelope.event_type.split(".", 1)[1]]
    place = {"_id": data[id_field], "kind": kind, "area_code": data[area_field],
             "area_path": area_path(data[area_field])}
    if kind == "service_facility":
        place["village_code"] = data["village_code"]
    entry = {"at": envelope.occurred_at, "active": data["active"], "ok": data[ok_field], "covered": data[ok_field]}
    work.store.add_place_state(place, entry, tx.session)


def _time(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def apply_household(work, tx, envelope: Envelope) -> None:
    """Households by reference only (id and village), to draw a survey's sample from."""
    data = envelope.data
    if envelope.event_type.endswith("household.moved"):
        village = data["to_micro_grid_code"][:12]
    else:
        village = data["village_code"]
    work.store.keep_newest(tx, "households", data["household_id"], {"village_code": village,
                                                                    "township_code": village[:9]},
                           envelope.occurred_at)
