"""The grid's areas as this service's own read model: townships, streets, villages and communities from
`grid.area.upserted`, grids from `grid.grid.upserted`, each applied once through the inbox by the handlers in
service.py (ADR 0010). The org service never calls the grid service for them."""
from shared.events import Envelope

from .domain import area_path

TREE_KINDS = {"county", "town", "township", "street", "village", "community"}


def apply_area_event(work, tx, envelope: Envelope) -> None:
    """grid.area.upserted: townships, villages and communities (grids come with their own event)."""
    data = envelope.data
    if data["kind"] not in TREE_KINDS:
        return
    work.store.apply_area({"code": data["area_code"], "kind": data["kind"], "name": data["area_name"],
                           "parent_code": data["parent_code"], "path": data["path"]}, envelope.occurred_at,
                          tx.session)


def apply_grid_event(work, tx, envelope: Envelope) -> None:
    """grid.grid.upserted: a grid, new or changed; a new one is a coverage gap until a branch stands on it."""
    data = envelope.data
    code = data["grid_code"]
    work.store.apply_area({"code": code, "kind": "grid", "name": data["grid_name"],
                           "parent_code": data["village_code"], "path": area_path(code)}, envelope.occurred_at,
                          tx.session)
