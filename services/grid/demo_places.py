"""Demo places for Chengkou: the governance centre of the county, of every township and of every village, every
village's service facility, each with a year of inspections (most pass; a few fail, so that the rates are the
believable ~96% of centres standardised and ~90% of facilities up to standard), and the key public-safety areas
with their video points (~97% covered).

Everything follows from one `random.Random(seed)` and the area tree, so a seed gives the same places. They go in
through the same commands staff use: the registers as imported sheets, inspections one by one with a client
reference. A repeated load adds nothing: registrations are upserts, inspections are found by their reference,
and a point already checked keeps the check it has (`--refresh-checks` reports every point again now, as the video
platform would).

    python -m services.grid.demo_places --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
from datetime import datetime, timedelta
from typing import Callable

from services.grid import checklists
from services.grid.places import AREA_LEVEL, KEY_AREA_KIND_LABELS, Subject, applicable
from shared import clock

CENTRES_NOT_STANDARDISED = 0.04
FACILITIES_BELOW_STANDARD = 0.10
KEY_AREAS_UNCOVERED = 0.03
NOTES = {"staffing": "专职工作人员不足", "rules_published": "制度未上墙", "dispute_ledger": "台账记录不全",
         "video_platform": "平台未接入", "archives": "档案缺失", "regular_meeting": "例会记录缺失",
         "fire_safety": "灭火器过期", "accessibility": "无障碍通道未建", "fitness": "健身器材损坏",
         "floor_area": "面积不足", "opening_hours": "未按时开放"}
COUNTY_INSPECTOR = ("demo.county", "县委政法委检查组")


def _stem(name: str) -> str:
    for suffix in ("街道", "镇", "乡", "社区", "村"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def generate(areas: list[dict], now: datetime, seed: int = 500229) -> dict:
    """The three registers as sheet rows and the inspections to record, for this area tree."""
    rng = random.Random(seed)
    centre_areas = [a for a in areas if a["kind"] in {k.value for k in AREA_LEVEL}]
    villages = [a for a in areas if a["kind"] in ("village", "community")]
    names = {a["code"]: a["name"] for a in areas}
    centres = [{"area_code": a["code"], "area_name": a["name"]} for a in centre_areas]
    facilities = [{"village_code": v["code"], "area_name": v["name"],
                   "name": v["name"] + ("党群服务中心" if v["kind"] == "community" else "便民服务中心")} for v in villages]
    inspections = []
    failing_centres = set(rng.sample([a["code"] for a in centre_areas],
                                     round(CENTRES_NOT_STANDARDISED * len(centre_areas))))
    failing_facilities = set(rng.sample([v["code"] for v in villages],
                                        round(FACILITIES_BELOW_STANDARD * len(villages))))
    for subject, places_, failing in ((Subject.governance_centre, centre_areas, failing_centres),
                                      (Subject.service_facility, villages, failing_facilities)):
        items = checklists.DEFAULT_ITEMS[subject]
        for area in places_:
            level = AREA_LEVEL[area["kind"]].value if subject == Subject.governance_centre else None
            inspector = COUNTY_INSPECTOR if len(area["code"]) <= 9 else (
                f"demo.{area['code'][:9]}", names.get(area["code"][:9], "") + "综治办")
            inspections += _history(rng, subject, area["code"], level, items, area["code"] in failing, inspector,
                                    now)
    key_areas = _key_areas(rng, areas, names, now)
    return {"centres": centres, "facilities": facilities, "key_areas": key_areas, "inspections": inspections}


def _history(rng, subject: Subject, code: str, level, items: list[dict], failing: bool, inspector, now) -> list:
    """One or two inspections of a place: the latest decides (it fails for a place meant to fall short, and one
    in five of those has never been inspected at all)."""
    place_id = ("GC" if subject == Subject.governance_centre else "SF") + code
    applying = applicable(items, level)
    required = [i["code"] for i in applying if i["required"]]
    optional = [i["code"] for i in applying if not i["required"]]
    out = []
    if rng.random() < 0.6:  # an earlier round, most of them with something to put right
        failed = rng.sample(required, rng.randint(0, 2))
        out.append(_inspection(rng, subject, place_id, level, now - timedelta(days=rng.randint(200, 330)), failed,
                               inspector, 1))
    if failing and rng.random() < 0.2:
        return []
    failed = rng.sample(required, rng.randint(1, 2)) if failing else []
    failed += [c for c in optional if rng.random() < 0.3]
    out.append(_inspection(rng, subject, place_id, level, now - timedelta(days=rng.randint(10, 150)), failed,
                           inspector, 2))
    return out


def _inspection(rng, subject, place_id, level, at, failed, inspector, round_) -> dict:
    return {"subject": subject.value, "place_id": place_id, "level": level, "failed": sorted(failed),
            "inspected_at": at.replace(hour=rng.randint(1, 8), minute=0, second=0, microsecond=0),
            "inspector": inspector, "client_ref": f"demo-{place_id}-{round_}"}


def _key_areas(rng, areas: list[dict], names: dict[str, str], now) -> list[dict]:
    found = []
    for area in areas:
        kind, stem = area["kind"], _stem(area["name"])
        if kind in ("street", "town", "township"):
            mine = [("school", f"{stem}中心小学"), ("kindergarten", f"{stem}中心幼儿园"), ("market", f"{stem}农贸市场"),
                    ("main_road", f"{stem}场镇主干道"), ("hospital", f"{area['name']}卫生院")]
            if kind != "township":
                mine.append(("bus_station", f"{stem}汽车站"))
            if kind == "street":
                mine += [("square", f"{stem}文化广场"), ("river_bank", f"{stem}滨河步道")]
            if rng.random() < 0.3:
                mine.append(("scenic_spot", f"{stem}旅游景区"))
        elif kind in ("village", "community"):
            mine = [("school", f"{area['name']}小学")] if rng.random() < 0.4 else []
            if rng.random() < 0.3:
                mine.append(("square", f"{area['name']}文化广场"))
        else:
            continue
        found += [(area["code"], kind_code, name) for kind_code, name in mine]
    uncovered = set(rng.sample(range(len(found)), round(KEY_AREAS_UNCOVERED * len(found))))
    rows = []
    for index, (code, kind_code, name) in enumerate(found):
        rows += _points(rng, code, names[code], kind_code, name, now, len(rows), index in uncovered)
    return rows


def _points(rng, area_code, area_name, kind, name, now, serial, uncovered: bool) -> list[dict]:
    """1 to 4 points; an uncovered key area's are all offline or last checked online too long ago."""
    rows = []
    for n in range(rng.randint(1, 4)):
        stale = uncovered and rng.random() < 0.5
        online = (not uncovered or stale) and (n == 0 or rng.random() < 0.85)
        checked = now - (timedelta(days=rng.randint(10, 30)) if stale else timedelta(hours=rng.randint(2, 60)))
        rows.append({"area_code": area_code, "area_name": area_name, "name": name,
                     "kind": KEY_AREA_KIND_LABELS[kind], "point_code": f"{area_code[:9]}{serial + n:011d}",
                     "point_name": f"{name}{n + 1}号点位", "online": "在线" if online else "离线",
                     "checked_at": checked.astimezone(clock.LOCAL).replace(microsecond=0)})
    return rows


def load(rpc_for: Callable, areas: list[dict], now: datetime | None = None, seed: int = 500229,
         refresh_checks: bool = False, progress: Callable[[str], object] = print) -> None:
    """Apply the demo through `rpc_for(inspector)(method_name, *args)`: a caller acting as that inspector
    (None: the trusted loader itself)."""
    now = now or clock.now()
    data = generate(areas, now, seed)
    call = rpc_for(None)
    for kind, rows in (("governance_centre", data["centres"]), ("service_facility", data["facilities"])):
        result = call("import_place_rows", kind, rows, False)
        progress(f"{result['kind_label']} {result['entries']} 个已登记（新增 {result['new']} 个）")
    rows = data["key_areas"]
    if not refresh_checks:
        rows = _keep_known_checks(call, rows)
    result = call("import_place_rows", "key_area", rows, False)
    if not result["ok"]:
        raise RuntimeError(f"demo key areas refused: {result['problems'][:3]}")
    progress(f"重点区域 {result['entries']} 个、视频点位 {result['video_points']} 个已登记"
             f"（新增 {result['new']} 个区域、{result['new_video_points']} 个点位）")
    items = {s: call("get_checklist", s)["current"] for s in ("governance_centre", "service_facility")}
    recorded = 0
    for inspector in sorted({i["inspector"] for i in data["inspections"]}):
        as_inspector = rpc_for(inspector)
        for inspection in (i for i in data["inspections"] if i["inspector"] == inspector):
            checklist = items[inspection["subject"]]
            if checklist["version"] != 1:
                continue  # the county has published its own checklist since: the demo's rounds no longer fit
            results = [{"code": i["code"], "passed": i["code"] not in inspection["failed"],
                        "note": NOTES.get(i["code"]) if i["code"] in inspection["failed"] else None}
                       for i in applicable(checklist["items"], inspection["level"])]
            as_inspector("record_inspection", inspection["subject"], inspection["place_id"], {
                "inspected_at": inspection["inspected_at"].isoformat(), "results": results,
                "client_ref": inspection["client_ref"]})
            recorded += 1
    progress(f"检查记录 {recorded} 次已写入（重复写入的按编号只记一次）")


def _keep_known_checks(call, rows: list[dict]) -> list[dict]:
    """A point already checked keeps its check, so a second load of the demo changes nothing."""
    known, page = {}, 1
    while True:
        found = call("list_video_points", None, None, page, 200)
        known.update({p["code"]: p for p in found["items"]})
        if page * 200 >= found["total"]:
            break
        page += 1
    out = []
    for row in rows:
        point = known.get(row["point_code"])
        if point and point["checked_at"]:
            row = {**row, "online": "在线" if point["online"] else "离线",
                   "checked_at": datetime.fromisoformat(point["checked_at"]).astimezone(clock.LOCAL)}
        out.append(row)
    return out


def _areas(call) -> list[dict]:
    areas = []
    for kind in ("county", "street", "town", "township", "village", "community"):
        page = 1
        while True:
            found = call("list_areas", None, kind, page, 200)
            areas += found["items"]
            if page * 200 >= found["total"]:
                break
            page += 1
    return areas


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.grid.demo_places", description="城口县场所演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--load", action="store_true", help="写入正在运行的网格服务（区划须已写入）")
    parser.add_argument("--refresh-checks", action="store_true", help="按当前时间重新上报全部视频点位状态")
    args = parser.parse_args(argv)
    if not args.load:
        parser.print_help()
        return
    from nameko.standalone.rpc import ClusterRpcProxy

    from shared import config

    clusters, proxies = [], {}

    def rpc_for(inspector):
        """A proxy whose calls the grid service records as that inspector's (an account id and a name)."""
        if inspector not in proxies:
            context = ({"actor": {"id": inspector[0], "role": "township_staff"}, "actor_name": inspector[1]}
                       if inspector else {})
            cluster = ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600, context_data=context)
            clusters.append(cluster)
            proxies[inspector] = cluster.start()
        proxy = proxies[inspector]
        return lambda method, *call_args: getattr(proxy.grid, method)(*call_args)

    try:
        load(rpc_for, _areas(rpc_for(None)), refresh_checks=args.refresh_checks)
    finally:
        for cluster in clusters:
            cluster.stop()


if __name__ == "__main__":
    main()
