"""The plan's three mediation targets for disputes registered in a period, broken down by the area one level below.
The definitions and the counting are the service's public face (api/targets.py, also in docs/mediation.md)."""
from .api.targets import DEFINITIONS, TARGETS, counts


def compute(rows: list[dict], now, level: int) -> dict:
    """`level` is the length of the area's path: rows are also broken down by the area one level below."""
    by_area = []
    for code in sorted({r["area_path"][level] for r in rows if len(r["area_path"]) > level}):
        mine = [r for r in rows if len(r["area_path"]) > level and r["area_path"][level] == code]
        by_area.append({"area_code": code, **counts(mine, now)})
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
    return {**counts(rows, now), "by_status": dict(sorted(by_status.items())), "by_area": by_area,
            "targets": TARGETS, "definitions": DEFINITIONS}
