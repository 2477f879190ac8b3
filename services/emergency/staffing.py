"""The wartime command (战时指挥体系) of an activation, filled from today's data: the village's party secretary as
commander (指挥长) and its village police officer (村警) as the org service answers now, the grid workers of each
grid (this service's read model of the grid's events, named as the grid service answers), the party members
registered at each grid (read model of the org's events), and the deputies and village cadres the plan names.

An emergency does not wait for a service that is away: without the org service's answer the commander is shown as
not known and the command says so.
"""
from shared.errors import Unavailable

from .api import COMMAND_ROLE_LABELS, CommandRole


def _secretary(ask, village: str) -> tuple[str | None, str | None]:
    orgs = ask("org", "list_party_orgs", village)["items"]
    own = next((o for o in orgs if o["area_code"] == village and o.get("active", True)), None)
    return (own or {}).get("secretary"), (own or {}).get("org_id")


def _police(ask, village: str) -> list[dict]:
    slots = ask("org", "list_rosters", village)["items"]
    slot = next((s for s in slots if s["area_code"] == village and s["role"] == "police"), None)
    return [{"name": p["name"], "unit": p["unit"]} for p in (slot or {}).get("people", [])]


def fill(work, plan: dict, roster: dict, ask) -> dict:
    """The command for the villages and grids of `roster` (what the grid service answered for the areas)."""
    grids = roster["grids"]
    villages = sorted({g["village_code"] for g in grids})
    names = work.store.names([*villages, *(g["grid_code"] for g in grids)])
    assignees = work.store.workers_of([g["grid_code"] for g in grids])
    members = work.store.members_per_grid([g["grid_code"] for g in grids])
    org_away = False
    village_rows = []
    for village in villages:
        secretary = org_id = None
        police: list[dict] = []
        if not org_away:
            try:
                secretary, org_id = _secretary(ask, village)
                police = _police(ask, village)
            except Unavailable:
                org_away = True
        org_id = org_id or (work.store.party_org_of(village) or {}).get("_id")
        village_rows.append({"village_code": village, "name": names.get(village, village),
                             "commander": secretary, "party_org_id": org_id, "police": police,
                             "party_members": sum(n for g, n in members.items() if g.startswith(village))})
    grid_rows = []
    for g in grids:
        known = {w["worker_id"]: w["name"] for w in g.get("workers", [])}
        ids = sorted(set(assignees.get(g["grid_code"], [])) | set(known))
        grid_rows.append({"grid_code": g["grid_code"], "village_code": g["village_code"],
                          "name": names.get(g["grid_code"], g.get("name") or g["grid_code"]),
                          "workers": [{"worker_id": i, "name": known.get(i)} for i in ids],
                          "party_members": members.get(g["grid_code"], 0)})
    posts = [{"role": p["role"], "label": COMMAND_ROLE_LABELS[CommandRole(p["role"])], "duty": p["duty"],
              "people": p.get("people", [])} for p in plan["command"]]
    return {"posts": posts, "villages": village_rows, "grids": grid_rows, "org_unavailable": org_away}


def assignees_of(command: dict) -> dict[str, list[str]]:
    """Worker ids per grid, as the command lists them."""
    return {g["grid_code"]: [w["worker_id"] for w in g["workers"]] for g in command["grids"]}


def merged(old: dict, new: dict) -> dict:
    """The command of an activation extended to more areas."""
    return {"posts": old["posts"], "villages": [*old["villages"], *[v for v in new["villages"] if v["village_code"]
                                                                    not in {o["village_code"] for o in
                                                                            old["villages"]}]],
            "grids": [*old["grids"], *new["grids"]],
            "org_unavailable": old.get("org_unavailable", False) or new.get("org_unavailable", False)}
