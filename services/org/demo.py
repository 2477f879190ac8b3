"""Demo party-building data for Chengkou: the county committee, a committee or working committee in every township
and street, an organisation in every village and community, a branch or party group on most grids (a few left as
gaps to find), party members with their two registrations at different stages, cadres sent down to grids with
their activities, joint-building pairs, and the rule-of-law and deputy rosters, mostly complete.

The areas are read from the running grid service (RPC); the org service learns them from the grid's events, so the
loader waits until its read model has every grid before building on them. Organisations are upserts, members are
found again by ID number, cadres and pairs carry the demo's own reference, rosters saved again unchanged record
nothing: a repeated load adds nothing. Every person is made up.

    python -m services.org.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
import time
from datetime import date, timedelta
from typing import Callable

from shared import clock, demo_county, topology
from shared.errors import Conflict

from .domain import COUNTY_CODE, required_roles
from .service import OrgService

TOWNSHIP_KINDS = ("town", "township", "street")
VILLAGE_KINDS = ("village", "community")
AGENCIES = ["城口县交通运输局", "城口县农业农村委员会", "城口县卫生健康委员会", "城口县教育委员会", "城口县住房城乡建设委员会",
            "城口县市场监督管理局", "城口县林业局", "城口县人力社保局"]
ENTERPRISES = ["城口县农商银行", "国网城口供电公司", "城口县山地鸡养殖专业合作社", "城口县茶叶有限公司"]
ACTIVITIES = [("visit", "走访独居老人和留守儿童家庭"), ("publicity", "宣讲惠民政策和防汛知识"), ("mediation", "参与化解邻里纠纷"),
              ("service", "组织党员志愿服务清扫院坝"), ("patrol", "随网格员巡查地质灾害隐患点")]
SHOWS = [("网格党员中心户", "联系本网格农户", "每月走访一次困难群众"), ("在职党员", "参与小区环境整治", "带头遵守居民公约"),
         ("退休党员", "调解邻里矛盾", "有事先找我"), ("流动党员", "宣传政策", "回乡时参加组织生活")]
PAGE = 200


def fetch_areas(grid_call: Callable) -> list[dict]:
    """Townships, villages, communities and grids of the county, as the grid service has them."""
    found = []
    for kind in (*TOWNSHIP_KINDS, *VILLAGE_KINDS, "grid"):
        page = 1
        while True:
            result = grid_call("list_areas", None, kind, page, PAGE)
            found += result["items"]
            if page * PAGE >= result["total"]:
                break
            page += 1
    return found


def wait_for_read_model(org_call: Callable, areas: list[dict], timeout: float = 300,
                        progress: Callable[[str], object] = print) -> None:
    """The org service hears of areas through events: wait until it knows every grid and every roster slot."""
    grids = sum(1 for a in areas if a["kind"] == "grid")
    slots = sum(len(required_roles(a["kind"])) for a in areas)
    deadline = time.monotonic() + timeout
    while True:
        figures = org_call("figures", COUNTY_CODE)
        if figures["grids"] >= grids and figures["roster_slots"] >= slots:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"党建服务尚未同步全部网格（{figures['grids']}/{grids}），请稍后重试")
        progress(f"等待党建服务同步网格：{figures['grids']}/{grids}")
        time.sleep(2)


def tree(areas: list[dict], rng: random.Random) -> list[dict]:
    by_code = {a["code"]: a for a in areas}
    orgs = [{"org_id": f"PO{COUNTY_CODE}", "name": "中共城口县委员会", "kind": "committee", "area_code": COUNTY_CODE,
             "secretary": None}]
    for a in sorted(areas, key=lambda a: a["code"]):
        parent = f"PO{a['parent_code']}"
        if a["kind"] == "street":
            orgs.append({"org_id": f"PO{a['code']}", "name": f"中共城口县{a['name']}工作委员会",
                         "kind": "working_committee", "area_code": a["code"], "parent_org_id": parent})
        elif a["kind"] in ("town", "township"):
            orgs.append({"org_id": f"PO{a['code']}", "name": f"中共城口县{a['name']}委员会", "kind": "committee",
                         "area_code": a["code"], "parent_org_id": parent})
        elif a["kind"] == "community":
            orgs.append({"org_id": f"PO{a['code']}", "name": f"中共{a['name']}委员会", "kind": "committee",
                         "area_code": a["code"], "parent_org_id": parent})
        elif a["kind"] == "village":
            orgs.append({"org_id": f"PO{a['code']}", "name": f"中共{a['name']}支部委员会", "kind": "branch",
                         "area_code": a["code"], "parent_org_id": parent})
        elif a["kind"] == "grid" and rng.random() < 0.93:  # a few grids stay gaps, for the console to show
            village = by_code.get(a["parent_code"], {}).get("name", "")
            group = rng.random() < 0.3
            orgs.append({"org_id": f"PO{a['code']}", "name": f"{village}{a['name']}党{'小组' if group else '支部'}",
                         "kind": "group" if group else "branch", "area_code": a["code"], "parent_org_id": parent})
    for org in orgs:
        org["secretary"] = demo_county.person_name(rng, rng.random() < 0.7)
    return orgs


def load(grid_call: Callable, org_call: Callable, seed: int = 500229,
         progress: Callable[[str], object] = print) -> None:
    rng = random.Random(seed + 8)
    registry = demo_county.Registry()
    areas = fetch_areas(grid_call)
    # Areas the grid registered before this service's queues existed were published to no one: send again those
    # of the events this service's read model takes, not everything that nobody subscribes to.
    keys = [event for source, event, _, _ in topology.subscriptions_of([OrgService]) if source == "grid"]
    resent = grid_call("resend_unrouted_events", keys)
    if resent:
        progress(f"网格服务重发此前无人订阅的事件 {resent} 条")
    wait_for_read_model(org_call, areas, progress=progress)
    orgs = tree(areas, rng)
    for org in orgs:
        org_call("save_party_org", org)
    progress(f"党组织 {len(orgs)} 个已写入")

    today = clock.today()
    grid_orgs = {o["area_code"]: o for o in orgs if len(o["area_code"]) == 15}
    villages = [a for a in areas if a["kind"] in VILLAGE_KINDS]
    grids_of: dict[str, list[str]] = {}
    for a in areas:
        if a["kind"] == "grid":
            grids_of.setdefault(a["parent_code"], []).append(a["code"])
    members = 0
    for village in villages:
        for _ in range(rng.randint(1, 2)):
            male = rng.random() < 0.6
            grid = rng.choice(grids_of.get(village["code"], [None]))
            org = grid_orgs.get(grid) or {"org_id": f"PO{village['code']}"}
            category = rng.choices(["resident", "transferred_in", "agency"], [6, 2, 2])[0]
            born = today - timedelta(days=365 * rng.randint(25, 75) + rng.randint(0, 364))
            body = {"org_id": org["org_id"], "name": demo_county.person_name(rng, male),
                    "gender": "male" if male else "female", "id_number": registry.id_number(rng, born, male),
                    "phone": registry.phone(rng), "category": category,
                    "political_status": "probationary" if rng.random() < 0.08 else "full",
                    "joined_on": (born + timedelta(days=365 * rng.randint(20, 24))).isoformat(),
                    "work_unit": rng.choice(AGENCIES) if category == "agency" else None,
                    "origin": "重庆市万州区某镇党委" if category == "transferred_in" else None}
            # Every draw before the first call, so that a member loaded before leaves the sequence unchanged.
            stage = rng.random()
            identity, duty, pledge = rng.choice(SHOWS)
            show = {"identity": identity, "duty": duty, "pledge": pledge}
            on = (today - timedelta(days=rng.randint(1, 200))).isoformat()
            try:
                member = org_call("register_member", body)
            except Conflict:
                continue  # loaded before: its registrations too
            members += 1
            if stage < 0.85 and grid:
                org_call("record_registration", member["member_id"],
                         {"kind": "grid", "area_code": grid, "registered_on": on, **show})
            if stage < 0.7:
                org_call("record_registration", member["member_id"],
                         {"kind": "community", "area_code": village["code"], "registered_on": on, **show})
    progress(f"党员 {members} 名已入册并报到")

    # Each part, and each record's activities, draw from a generator of their own: what a repeated load skips
    # (activities already recorded) must not shift what comes after it.
    rng = random.Random(seed + 9)
    grids = [a for a in areas if a["kind"] == "grid"]
    chosen = [g for g in grids if rng.random() < 0.5]
    cadres = 0
    for n, grid in enumerate(chosen):
        ref = f"demo-{seed}-cadre-{n:04d}"
        assigned_on = today - timedelta(days=rng.randint(30, 300))
        cadre = org_call("assign_cadre", {"client_ref": ref,
                                          "name": demo_county.person_name(rng, rng.random() < 0.6),
                                          "phone": registry.phone(rng), "work_unit": rng.choice(AGENCIES),
                                          "post": rng.choice(["科员", "副科长", "科长", "干部"]),
                                          "grid_code": grid["code"], "assigned_on": assigned_on.isoformat()})
        cadres += 1
        if not cadre["activities"]:
            own = random.Random(ref)
            for _ in range(own.randint(1, 3)):
                kind, content = own.choice(ACTIVITIES)
                org_call("record_cadre_activity", cadre["assignment_id"], {
                    "held_on": (assigned_on + timedelta(days=own.randint(0, (today - assigned_on).days))).isoformat(),
                    "kind": kind, "content": content})
    progress(f"下沉干部 {cadres} 名已写入")

    rng = random.Random(seed + 10)
    village_orgs = [o for o in orgs if len(o["area_code"]) == 12]
    for n, org in enumerate(rng.sample(village_orgs, min(30, len(village_orgs)))):
        partner = rng.choice(AGENCIES + ENTERPRISES)
        pair = org_call("pair_joint_building", {
            "client_ref": f"demo-{seed}-pair-{n:04d}", "partner_name": partner,
            "partner_kind": "enterprise" if partner in ENTERPRISES else "agency", "org_id": org["org_id"],
            "since": (today - timedelta(days=rng.randint(60, 600))).isoformat(),
            "content": rng.choice(["结对帮扶产业发展", "共建党员活动阵地", "联合开展志愿服务", "共同推进人居环境整治"])})
        if not pair["activities"]:
            own = random.Random(pair["pair_id"])
            org_call("record_joint_activity", pair["pair_id"], {
                "held_on": (today - timedelta(days=own.randint(1, 50))).isoformat(), "title": "主题党日联建活动",
                "content": "双方党员共同学习并开展志愿服务", "participants": own.randint(10, 60)})
    progress("联建共建结对已写入")

    rng = random.Random(seed + 11)
    saved = 0
    for area in areas:
        for role in required_roles(area["kind"]):
            if rng.random() < 0.1:
                continue  # a gap in the roster
            org_call("save_roster", {"role": role.value, "area_code": area["code"],
                                     "people": _people(rng, registry, role.value, area, today)})
            saved += 1
    progress(f"法治与联系名册 {saved} 项已写入")


def _people(rng: random.Random, registry, role: str, area: dict, today: date) -> list[dict]:
    township = area["path"][1] if len(area["path"]) > 1 else area["code"]
    units = {"police": f"城口县公安局{township}派出所", "legal_adviser": "重庆城口某律师事务所",
             "judge": "城口县人民法院", "prosecutor": "城口县人民检察院"}
    if role != "deputy_contact":
        return [{"name": demo_county.person_name(rng, rng.random() < 0.6), "unit": units[role],
                 "phone": registry.phone(rng)}]
    kinds = ["npc_deputy", "party_congress_deputy", "cppcc_member"]
    if rng.random() < 0.3:
        kinds = kinds[:2]  # an incomplete 两代表一委员
    return [{"name": demo_county.person_name(rng, rng.random() < 0.6),
             "unit": {"npc_deputy": "县人大代表", "party_congress_deputy": "县党代表", "cppcc_member": "县政协委员"}[k],
             "deputy_kind": k, "frequency": rng.choice(["monthly", "quarterly"]),
             "last_contact_on": (today - timedelta(days=rng.randint(5, 120))).isoformat()} for k in kinds]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.org.demo", description="城口县党建引领演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--load", action="store_true", help="从网格服务读取区划，写入正在运行的党建服务")
    args = parser.parse_args(argv)
    if not args.load:
        parser.print_help()
        return
    from nameko.standalone.rpc import ClusterRpcProxy

    from shared import config

    with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600) as proxy:
        load(lambda method, *a: getattr(proxy.grid, method)(*a), lambda method, *a: getattr(proxy.org, method)(*a),
             args.seed)


if __name__ == "__main__":
    main()
