"""The doors that are other services' events: a grid case referred to mediation, a resident's dispute from the
residents' channel, a petition converted to mediation, a matter raised at a village's session (村民说事). Each opens
one dispute (the inbox and the dispute's unique intake key see to that); the narrative, free text that may name
people, is read from the source later."""
from shared.events import Envelope

from .api.codes import CATEGORIES
from .commands import open_from_door
from .domain import FROM_GRID_ITEM, FROM_VILLAGE_TOPIC


def from_grid_case(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    parties = [{"role": "applicant" if i == 0 else "respondent", "resident_id": resident_id}
               for i, resident_id in enumerate(data.get("party_resident_ids", []))]
    open_from_door(work, tx, "grid_case", data["case_id"], data["grid_code"],
                   FROM_GRID_ITEM.get(data["item_code"], "other"), parties)


def from_resident_request(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    if data["kind"] != "dispute":
        return  # service orders stay with the grid; petitions go to the petitions service
    open_from_door(work, tx, "resident_request", data["request_id"], data["area_code"], "other", [])


def from_petition(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    category = data["dispute_category"] if data["dispute_category"] in CATEGORIES else "other"
    parties = [{"role": "applicant", "resident_id": resident_id} for resident_id in data["petitioner_resident_ids"]]
    open_from_door(work, tx, "petition", data["petition_id"], data["area_code"], category, parties)


def from_village_session(work, tx, envelope: Envelope) -> None:
    data = envelope.data
    parties = [{"role": "applicant" if i == 0 else "respondent", "resident_id": resident_id}
               for i, resident_id in enumerate(data["party_resident_ids"])]
    open_from_door(work, tx, "village_session", data["matter_id"], data["area_code"],
                   FROM_VILLAGE_TOPIC.get(data["topic"], "other"), parties)


def narrative_of_case(case: dict) -> dict:
    place = f"\n地点：{case['location']}" if case.get("location") else ""
    return {"summary": f"{case['title']}\n{case['description']}{place}"}


def narrative_of_request(request: dict) -> dict:
    return {"summary": request["content"],
            "parties": [{"role": "applicant", "name": request["contact_name"], "phone": request["phone"]}]}


def narrative_of_petition(petition: dict) -> dict:
    """The petition's matter as the dispute's summary; its petitioners who are not registered residents (the event
    named those who are) as applicants, kept encrypted and shown masked like every party."""
    others = [{"role": "applicant", **{k: p[k] for k in ("name", "id_number", "phone", "address") if p.get(k)}}
              for p in petition["petitioners"] if not p.get("resident_id") and p.get("name")]
    return {"summary": petition["matter"], "add_parties": others}
