"""Demo village self-governance for Chengkou: in eight villages and communities across the county, the rules (most
filed and published, one returned by its township and drafted again, one waiting for the township's review), the
four councils with members and meetings (a few that have not met), weddings and funerals reported to the 红白理事会
and checked, important matters at every one of the six steps (one whose villagers' meeting fell short of its quorum
first, one withdrawn, one left waiting long enough to be flagged), and 村民说事 sessions whose matters went to the
grid, to mediation or were settled on the spot.

The areas, residents and households are read from the running grid service (RPC) and the village service learns
the areas from the grid's events, so the loader waits for its read model first. Everything carries the demo's own
reference and each step is taken only where the record has not got it yet: a repeated load adds nothing.

    python -m services.village.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
import time
from datetime import timedelta
from typing import Callable

from shared import clock, topology
from shared.errors import ValidationFailed

from . import domain
from .service import VillageService

PAGE = 200
CHOSEN = 8
POINTS_RULES = [
    {"code": "V_SIMPLE_WEDDING", "name": "婚事新办", "category": "customs", "points": 20,
     "trigger": "village.family_event_report.checked",
     "conditions": [{"field": "simple", "op": "==", "value": True}, {"field": "kind", "op": "==", "value": "wedding"}]},
    {"code": "V_SIMPLE_FUNERAL", "name": "丧事简办", "category": "customs", "points": 20,
     "trigger": "village.family_event_report.checked",
     "conditions": [{"field": "simple", "op": "==", "value": True}, {"field": "kind", "op": "==", "value": "funeral"}]},
    {"code": "V_RULES_GOOD", "name": "践行村规民约善行义举", "category": "filial", "points": 10,
     "trigger": "village.conduct.recorded", "cap_points": 50, "cap_period": "year"},
    {"code": "V_RULES_BREACH", "name": "违反村规民约", "category": "violation", "points": -10,
     "trigger": "village.conduct.recorded"},
]
CLAUSES = [("爱党爱国，遵纪守法，自觉维护社会稳定", None, None),
           ("孝敬父母，赡养老人，关爱留守儿童和困难群众", "good_deed", "V_RULES_GOOD"),
           ("婚事新办、丧事简办，不大操大办，不铺张浪费", None, None),
           ("保持房前屋后整洁，垃圾分类投放，不乱堆乱放", "breach", "V_RULES_BREACH"),
           ("邻里和睦，有事好商量，矛盾纠纷先找村民说事", None, None),
           ("远离毒品、赌博和封建迷信", None, None),
           ("爱护森林资源，严禁野外用火", None, None)]
MATTERS = [("project", "村道硬化工程", "硬化三组至五组村道2.3公里，解决群众出行难", 460000),
           ("land_contracting", "集体林地流转", "将集体林地120亩流转给种植专业合作社发展中药材", 96000),
           ("collective_funds", "集体经济收益分配", "本年度集体经济收益的分配方案", 180000),
           ("public_welfare", "饮水管网改造", "更换二组老化饮水管道3.5公里", 210000),
           ("collective_assets", "闲置村小学校舍出租", "将闲置校舍出租用于农产品加工", 36000),
           ("project", "产业路建设", "新建茶园产业路1.2公里", 280000),
           ("other", "村级光伏电站收益使用", "光伏电站收益用于公益岗位和困难群众救助", 52000)]
# What the six steps are in the demo: the meeting's size, attendance and votes, or the publication.
STEP_BODIES = {"propose": (5, 5, 5), "consult": (9, 8, 7), "review": (32, 27, 25)}
TOWNSHIP_KINDS, VILLAGE_KINDS = ("town", "township", "street"), ("village", "community")


def fetch_areas(grid_call: Callable, kinds) -> list[dict]:
    found = []
    for kind in kinds:
        page = 1
        while True:
            result = grid_call("list_areas", None, kind, page, PAGE)
            found += result["items"]
            if page * PAGE >= result["total"]:
                break
            page += 1
    return found


def pick_villages(grid_call: Callable, rng: random.Random) -> list[dict]:
    """Villages with residents registered, one per township first, then more where the county has too few."""
    villages = fetch_areas(grid_call, VILLAGE_KINDS)
    rng.shuffle(villages)
    picked: list[dict] = []
    for one_per_township in (True, False):
        for village in villages:
            if len(picked) == CHOSEN:
                break
            if any(p["code"] == village["code"] for p in picked) or (
                    one_per_township and any(p["parent_code"] == village["parent_code"] for p in picked)):
                continue
            residents = grid_call("list_residents", None, village["code"], 1, 60)["items"]
            if len(residents) < 8:
                continue
            households = grid_call("list_households", village["code"], None, 1, 20)["items"]
            grids = grid_call("list_areas", village["code"], "grid", 1, 50)["items"]
            adults = [r["resident_id"] for r in residents if r["birth_year"] <= clock.today().year - 18]
            picked.append({**village, "adults": adults, "households": [h["household_id"] for h in households],
                           "grids": [g["code"] for g in grids]})
    return sorted(picked, key=lambda v: v["code"])


def wait_for_read_model(village_call: Callable, picked: list[dict], timeout: float = 300,
                        progress: Callable[[str], object] = print) -> None:
    deadline = time.monotonic() + timeout
    while True:
        known = sum(1 for v in picked if set(v["grids"]) <= {a["code"] for a in village_call(
            "list_areas", v["code"])["items"]} and village_call("list_areas", v["parent_code"])["items"])
        if known == len(picked):
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"村务自治服务尚未同步区划（{known}/{len(picked)}），请稍后重试")
        progress(f"等待村务自治服务同步区划：{known}/{len(picked)}")
        time.sleep(2)


def day(n: int) -> str:
    return (clock.today() - timedelta(days=n)).isoformat()


def villagers_meeting(grid_call: Callable, code: str, held_on: str, minutes: str) -> dict:
    """A villagers' meeting the village's households are two thirds represented at, and a majority for."""
    counted = grid_call("count_population", code)
    households = domain.least_two_thirds(counted["households"])
    attendees = min(counted["residents"], max(households, 1))
    return {"meeting_kind": "villagers_meeting", "held_on": held_on, "attendees": attendees,
            "households_represented": households, "votes_for": domain.least_over_half(attendees),
            "votes_against": 0, "minutes": minutes}


def load_rules(grid_call, village_call, seed: int, n: int, village: dict) -> None:
    kind = "village_compact" if village["kind"] == "village" else "residents_compact"
    ref = f"demo-{seed}-rules-{village['code']}"
    title = f"{village['name']}{'村规民约' if kind == 'village_compact' else '居民公约'}"
    clauses = [{"no": i + 1, "text": t, **({"conduct": c, "points_rule_code": r} if c else {})}
               for i, (t, c, r) in enumerate(CLAUSES)]
    version = village_call("create_rules_version", {"area_code": village["code"], "kind": kind, "title": title,
                                                    "clauses": clauses, "client_ref": ref})
    meeting = villagers_meeting(grid_call, village["code"], day(95), "逐条讨论并表决通过")
    plan = [("adopt", {"meeting": meeting}), ("submit", {"on": day(85)})]
    if n == 1:
        plan += [("return", {"reason": "第六条表述不规范，请修改后重新表决", "on": day(80)})]
    elif n != 2:
        plan += [("review", {"opinion": "内容合法合规，同意备案", "on": day(78)}),
                 ("file", {"filing_number": f"备〔{clock.today().year}〕{n + 1}号", "on": day(75)}),
                 ("publish", {"on": day(70)})]
    for action, body in plan:
        if action in version["actions"]:
            version = village_call("act_on_rules", version["rules_id"], {"action": action, **body})
    if n == 1:  # the returned version, drafted again
        village_call("create_rules_version", {"area_code": village["code"], "kind": kind, "title": title,
                                              "clauses": clauses[:6], "client_ref": f"{ref}-v2"})
    if version["status"] == "published" and village["households"]:
        village_call("record_conduct", version["rules_id"], {
            "clause_no": 2, "household_id": village["households"][0], "occurred_on": day(10),
            "note": "长期照料同组独居老人", "client_ref": f"{ref}-good"})


def load_councils(village_call, seed: int, n: int, village: dict, rng: random.Random) -> None:
    adults = village["adults"]
    if len(adults) < 3:
        return
    for k, kind in enumerate(("wedding_funeral_council", "villagers_council", "ethics_council",
                              "drug_gambling_council")):
        members = [{"resident_id": r, "role": "chair" if i == 0 else "member"}
                   for i, r in enumerate(rng.sample(adults, min(len(adults), 5)))]
        council = village_call("save_council", {
            "village_code": village["code"], "kind": kind, "term_start": "2024-01-01", "term_end": "2028-12-31",
            "members": members, **({"max_tables": 15} if kind == "wedding_funeral_council" else {})})
        if kind == "drug_gambling_council" and n % 2:
            continue  # a council that has not met: the figures show it inactive
        for m in range(1 + (kind == "villagers_council")):
            village_call("record_council_meeting", council["council_id"], {
                "held_on": day(5 + 20 * m + k), "topic": "季度例会", "attendees": len(members),
                "present_member_ids": [x["resident_id"] for x in members], "minutes": "通报工作，议定下一步事项",
                "decisions": ["开展移风易俗宣传", "走访重点户"], "client_ref": f"demo-{seed}-cm-{village['code']}-{k}-{m}"})
        if kind == "wedding_funeral_council" and len(village["households"]) >= 3:
            load_family_events(village_call, seed, village, council["council_id"])


def load_family_events(village_call, seed: int, village: dict, council_id: str) -> None:
    ref = f"demo-{seed}-fe-{village['code']}"
    for i, (kind, when, tables, checked) in enumerate((("wedding", 0, 8, True), ("funeral", 2, 6, True),
                                                       ("wedding", -20, 12, False))):
        report = village_call("report_family_event", council_id, {
            "household_id": village["households"][i], "kind": kind, "event_date": day(when), "planned_tables": tables,
            "planned_guests": tables * 10, "simple_declared": True, "client_ref": f"{ref}-{i}"})
        if checked and report["status"] == "reported":
            village_call("act_on_family_event", report["report_id"], {
                "action": "check", "checked_on": day(0), "actual_tables": tables, "actual_guests": tables * 10,
                "simple": True, "findings": f"酒席{tables}桌，未大操大办"})


def load_matters(grid_call, village_call, seed: int, n: int, village: dict) -> None:
    stages = range(7) if n == 0 else [(n * 3) % 7, (n * 5 + 2) % 7]
    for stage in stages:
        kind, title, description, amount = MATTERS[stage]
        # Steps four days apart, the last two days ago; one matter left waiting long enough to be flagged.
        start = 2 + 4 * max(stage - 1, 0) + (45 if n == 3 and stage == 1 else 0)
        matter = village_call("register_matter", {"village_code": village["code"], "kind": kind, "title": title,
                                                  "description": description, "amount_yuan": amount,
                                                  "client_ref": f"demo-{seed}-vm-{village['code']}-{stage}"})
        for i, step in enumerate(domain.STEPS[:stage]):
            if i < len(matter["steps"]):
                continue
            held_on = day(max(start - 4 * i, 0))
            if step == "resolve" and n == 0 and stage == 6 and not matter["refused_meetings"]:
                try:  # the first meeting was far short of its quorum: kept in the history
                    village_call("record_matter_step", matter["matter_id"], step, {
                        "held_on": held_on, "meeting_kind": "villagers_meeting", "present": 3, "votes_for": 3,
                        "votes_against": 0, "minutes": "到会人数不足"})
                except ValidationFailed:
                    pass
            matter = village_call("record_matter_step", matter["matter_id"], step,
                                  _step_body(grid_call, village, step, held_on, title))
    if n == 5:
        matter = village_call("register_matter", {"village_code": village["code"], "kind": "other",
                                                  "title": "修建村史馆", "description": "拟利用旧村委会修建村史馆",
                                                  "client_ref": f"demo-{seed}-vm-{village['code']}-withdrawn"})
        if "withdraw" in matter["actions"]:
            village_call("withdraw_matter", matter["matter_id"], {"reason": "经商议，资金暂无着落，暂缓实施"})


def _step_body(grid_call, village: dict, step: str, held_on: str, title: str) -> dict:
    if step in domain.PUBLICATIONS:
        what = "决议" if step == "publish_resolution" else "实施结果"
        return {"held_on": held_on, "channel": "notice_board", "content": f"{title}{what}公开，公开期七天"}
    if step == "resolve":
        meeting = villagers_meeting(grid_call, village["code"], held_on, f"村民会议表决{title}")
        return {"held_on": held_on, "meeting_kind": "villagers_meeting", "present": meeting["attendees"],
                "households_represented": meeting["households_represented"], "votes_for": meeting["votes_for"],
                "votes_against": 0, "minutes": meeting["minutes"]}
    expected, present, votes = STEP_BODIES[step]
    return {"held_on": held_on, "expected": expected, "present": present, "votes_for": votes,
            "votes_against": present - votes, "minutes": f"讨论{title}"}


def load_session(village_call, seed: int, n: int, village: dict) -> None:
    adults = village["adults"]
    kind = ("villagers_talk", "public_consultation", "residents_deliberation")[n % 3]
    matters = [{"summary": "组里垃圾收集点满溢，清运不及时", "topic": "environment",
                **({"grid_code": village["grids"][0]} if village["grids"] else {})},
               {"summary": "两户因宅基地边界发生争执", "topic": "land", "party_resident_ids": adults[:2]},
               {"summary": "询问今年医保缴费的时间和方式", "topic": "public_service"}]
    session = village_call("record_session", {
        "village_code": village["code"], "kind": kind, "held_on": day(6 + n), "place": "村委会院坝",
        "topic": "听民意、解民忧", "participants": 20 + 3 * n, "participant_ids": adults[:4], "matters": matters,
        "client_ref": f"demo-{seed}-vs-{village['code']}"})
    grid, dispute, answer = session["matters"]
    if grid["status"] == "raised" and village["grids"]:
        village_call("act_on_session_matter", session["session_id"], grid["matter_id"],
                     {"action": "refer_to_grid", "item_code": "environment.sanitation"})
    if dispute["status"] == "raised" and len(adults) >= 2 and n % 4 != 3:
        village_call("act_on_session_matter", session["session_id"], dispute["matter_id"],
                     {"action": "refer_to_mediation"})
    if answer["status"] == "raised":
        village_call("act_on_session_matter", session["session_id"], answer["matter_id"],
                     {"action": "settle", "note": "当场答复：本年度缴费截止到十二月底，可在手机上缴纳"})


def load(grid_call: Callable, village_call: Callable, credit_call: Callable, seed: int = 500229,
         progress: Callable[[str], object] = print) -> None:
    rng = random.Random(seed + 16)
    keys = [event for source, event, _, _ in topology.subscriptions([VillageService]) if source == "grid"]
    resent = grid_call("resend_unrouted_events", keys)
    if resent:
        progress(f"网格服务重发此前无人订阅的事件 {resent} 条")
    picked = pick_villages(grid_call, rng)
    wait_for_read_model(village_call, picked, progress=progress)
    for rule in POINTS_RULES:
        credit_call("save_rule", rule)
    for n, village in enumerate(picked):
        if len(village["adults"]) >= 3:
            village_call("save_representatives", village["code"], {"resident_ids": village["adults"][:15]})
        load_rules(grid_call, village_call, seed, n, village)
        load_councils(village_call, seed, n, village, random.Random(f"{seed}-{village['code']}"))
        load_matters(grid_call, village_call, seed, n, village)
        load_session(village_call, seed, n, village)
        progress(f"村务自治：{village['name']} 已写入")
    flagged = village_call("sweep_overdue_matters")["flagged"]
    progress(f"村务自治演示数据：{len(picked)} 个村（社区），超时督办事项 {len(flagged)} 件")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.village.demo", description="城口县村务自治演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--load", action="store_true", help="从网格服务读取区划和居民，写入正在运行的村务自治服务")
    args = parser.parse_args(argv)
    if not args.load:
        parser.print_help()
        return
    from nameko.standalone.rpc import ClusterRpcProxy

    from shared import config

    with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600) as proxy:
        load(lambda method, *a: getattr(proxy.grid, method)(*a), lambda method, *a: getattr(proxy.village, method)(*a),
             lambda method, *a: getattr(proxy.credit, method)(*a), args.seed)


if __name__ == "__main__":
    main()
