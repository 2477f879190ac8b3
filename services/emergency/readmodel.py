"""Read models of the grid's and the org service's events, each applied once through the inbox by the handlers in
service.py: the area tree, the grid workers of each grid, the households of each grid, the party organisations
and the party members registered at each grid. The command of an activation is filled from them (and from what
the grid and org services answer at that moment); nothing here is personal data."""
from shared.events import Envelope
from shared.scope import area_path

TREE_KINDS = {"county", "town", "township", "street", "village", "community", "grid"}


def apply_area(work, tx, envelope: Envelope) -> None:
    """grid.area.upserted: townships, villages, communities and grids (micro-grids are not needed here)."""
    data = envelope.data
    if data["kind"] not in TREE_KINDS:
        return
    work.store.apply_newer("areas", data["area_code"], {"kind": data["kind"], "name": data["area_name"],
                                                         "parent_code": data["parent_code"], "path": data["path"]},
                           envelope.occurred_at, tx.session)


def apply_worker(work, tx, envelope: Envelope) -> None:
    """grid.grid_worker.assigned: one more grid for a worker (the event only ever adds)."""
    data = envelope.data
    work.store.add_worker_grid(data["worker_id"], data["grid_code"], data["employment"], tx.session)


def apply_household(work, tx, envelope: Envelope) -> None:
    """grid.household.registered and grid.household.moved: the grid a household lives in."""
    data = envelope.data
    grid = data.get("grid_code") or data["to_grid_code"]
    micro = data.get("micro_grid_code") or data["to_micro_grid_code"]
    work.store.apply_newer("households", data["household_id"], {"grid_code": grid, "micro_grid_code": micro,
                                                                 "path": area_path(grid)},
                           envelope.occurred_at, tx.session)


def apply_party_org(work, tx, envelope: Envelope) -> None:
    """org.party_org.created: the organisation standing on an area (a village's is the commander's)."""
    data = envelope.data
    work.store.apply_newer("party_orgs", data["org_id"], {"kind": data["kind"], "area_code": data["area_code"],
                                                           "grid_code": data.get("grid_code")},
                           envelope.occurred_at, tx.session)


def apply_member_registered(work, tx, envelope: Envelope) -> None:
    """org.party_member.registered at a grid: the member stands with that grid's command."""
    data = envelope.data
    if data["registration"] != "grid":
        return
    work.store.apply_newer("party_members", data["member_id"], {"grid_code": data["area_code"], "active": True,
                                                                 "org_id": data["org_id"]},
                           envelope.occurred_at, tx.session)


def apply_member_transferred(work, tx, envelope: Envelope) -> None:
    """org.party_member.transferred: a member who left the county's roster no longer counts at their grid, nor one
    who came back until they register again; a move inside the county keeps the registrations."""
    data = envelope.data
    if data["action"] == "transfer":
        return
    work.store.apply_newer("party_members", data["member_id"], {"active": False, "org_id": data.get("to_org_id")},
                           envelope.occurred_at, tx.session)
