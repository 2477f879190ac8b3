"""Party organisation on the grids (党建引领, plan section 二(一)) and the rule-of-law rosters of 二(二)二: the
organisation tree from the county committee down to grid branches, party members and their transfers, the two
registrations of "三亮双报到", cadres sent down to grids, joint building, and the area rosters.

Plain rules on pydantic models (the published codes and inputs are the service's face, `api/`); no I/O. Personal
data (ID numbers, phones) arrives here in clear text and leaves through store.py, which encrypts it. Political status
is kept apart from the rest of a member: see `SENSITIVE`.
"""
from datetime import date, timedelta

from shared.scope import area_path  # noqa: F401 - the service's rules speak of it

from .api.codes import DEPUTY_KINDS, OrgKind, RegistrationKind, RosterRole
from .api.rpc import PartyOrgIn

COUNTY_CODE = "500229"


# "支部建在网格上": a grid counts as covered when a branch or a party group stands on it.
GRID_KINDS = {OrgKind.branch, OrgKind.group}


def org_problem(org: PartyOrgIn, area_kind: str | None, parent: dict | None) -> tuple[str, str] | None:
    """(field, message) of what makes the organisation not fit the tree, or None. `area_kind` is the read model's
    kind of the area; `parent` the stored parent organisation."""
    if area_kind in ("street",) and org.kind == OrgKind.committee:
        return "kind", "街道设立党工委"
    if area_kind in ("town", "township") and org.kind == OrgKind.working_committee:
        return "kind", "乡镇设立党委"
    if len(org.area_code) == 6:
        return ("parent_org_id", "县委是组织树的根，没有上级党组织") if org.parent_org_id else None
    if parent is None:
        return "parent_org_id", "上级党组织不存在"
    if parent["area_code"] != org.area_code[:len(org.area_code) - 3]:
        return "parent_org_id", "上级党组织应设在上一级区划"
    if not parent.get("active", True):
        return "parent_org_id", "上级党组织已撤销"
    return None


# A member's political status and the day they joined are shown only to roles granted `org.sensitive`.
SENSITIVE = ("political_status", "political_status_label", "joined_on")


def both_registered(registrations: dict) -> bool:
    return all(kind.value in (registrations or {}) for kind in RegistrationKind)


FREQUENCY_DAYS = {"monthly": 30, "bimonthly": 61, "quarterly": 92}


def required_roles(area_kind: str) -> list[RosterRole]:
    """The roster roles an area must fill, by its kind in the area tree."""
    if area_kind in ("town", "township", "street"):
        return [RosterRole.judge, RosterRole.prosecutor]
    if area_kind == "village":
        return [RosterRole.police, RosterRole.legal_adviser]
    if area_kind == "community":
        return [RosterRole.police, RosterRole.legal_adviser, RosterRole.deputy_contact]
    return []


def roster_complete(role: str, people: list[dict]) -> bool:
    """A slot is filled by its one person; 两代表一委员 needs a people's congress deputy, a party congress deputy
    and a CPPCC member who contact the community."""
    if role == RosterRole.deputy_contact:
        return set(DEPUTY_KINDS) <= {p.get("deputy_kind") for p in people}
    return len(people) >= 1


def next_contact_on(person: dict) -> date | None:
    """The day a deputy's next contact with the community is due: the last one plus the schedule's interval."""
    if not person.get("frequency") or not person.get("last_contact_on"):
        return None
    last = person["last_contact_on"]
    last = date.fromisoformat(last) if isinstance(last, str) else last
    return last + timedelta(days=FREQUENCY_DAYS[person["frequency"]])


def person_ids(stored: list[dict], people: list[dict], new_id) -> list[dict]:
    """People saved on a roster keep the id (and the later last contact) they had, found by name and unit; a new
    person gets an id of their own. A visit may have moved the last contact after the list was read."""
    known = {(p["name"], p["unit"]): p for r in stored for p in r["people"]}
    out = []
    for p in people:
        before = known.get((p["name"], p["unit"]), {})
        last = max(filter(None, [p.get("last_contact_on"), before.get("last_contact_on")]), default=None)
        out.append({**p, "person_id": before.get("person_id") or new_id("DP"), "last_contact_on": last})
    return out
