"""Demo emergency data for Chengkou: a plan for every township and street (flood for most, geological hazards or
forest fire for some), each with a shelter in its first villages; one drill held in a village of 蓼子乡 and one
real response over a village of 左岚乡, both ended, the response with its closing report.

The areas are read from the running grid service; the emergency service learns them (and the grid workers and
households) from the grid's events, so the loader waits until its read model has every household first. Plans are
saved only when missing, responses carry the demo's own client reference, every report its own id, and an ended
response is not ended again: a repeated load adds nothing.

    python -m services.emergency.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
import time
from typing import Callable

from shared import demo_county, topology

from .service import EmergencyService

COUNTY = "500229"
TOWNSHIP_KINDS = ("town", "township", "street")
HAZARDS = {"蓼子乡": "flood", "左岚乡": "flood", "明中乡": "geological", "岚天乡": "forest_fire", "河鱼乡": "geological",
           "龙田乡": "forest_fire"}
DRILL_TOWNSHIP, RESPONSE_TOWNSHIP = "蓼子乡", "左岚乡"
PAGE = 200


def cadre_name(rng: random.Random) -> str:
    """A made-up name for a plan's deputies and village cadres (no register keeps them)."""
    return demo_county.person_name(rng, rng.random() < 0.6)


def _areas(grid_call: Callable, kind: str) -> list[dict]:
    found, page = [], 1
    while True:
        result = grid_call("list_areas", None, kind, page, PAGE)
        found += result["items"]
        if page * PAGE >= result["total"]:
            return found
        page += 1


def wait_for_read_model(grid_call: Callable, emergency_call: Callable, timeout: float = 300,
                        progress: Callable[[str], object] = print) -> None:
    households = grid_call("list_households", None, None, 1, 1)["total"]
    grids = grid_call("list_areas", None, "grid", 1, 1)["total"]
    deadline = time.monotonic() + timeout
    while True:
        counts = emergency_call("read_model_counts")
        if counts["households"] >= households and counts["workers"] > 0 and counts["areas"] >= grids:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"应急服务尚未同步全部住户（{counts['households']}/{households}），请稍后重试")
        progress(f"等待应急服务同步住户：{counts['households']}/{households}")
        time.sleep(2)


def plan_for(township: dict, villages: list[dict], rng: random.Random, hazard: str | None = None) -> dict:
    """A township's (or village's) plan as Chengkou's read: the village party secretary commands, grid workers
    check every household from level IV, the listed residents are moved and materials brought from level III,
    roads close from level II, each village reports every hour; a shelter in each of the first three villages.
    `township` and `villages` are {code, name}."""
    hazard = hazard or HAZARDS.get(township["name"], "flood")
    titles = {"flood": "防汛抗洪应急预案", "geological": "地质灾害应急预案", "forest_fire": "森林火灾应急预案",
              "public_health": "突发公共卫生事件应急预案", "work_safety": "安全生产事故应急预案",
              "snow_ice": "雨雪冰冻灾害应急预案", "earthquake": "地震应急预案"}
    first = {"flood": "逐户核查人员安全，劝离临河低洼处住户", "geological": "逐户核查隐患点周边住户",
             "forest_fire": "逐户核查林区住户，清点进山人员"}.get(hazard, "逐户核查人员安全")
    return {
        "title": f"{township['name']}{titles[hazard]}", "area_code": township["code"], "hazard": hazard,
        "command": [
            {"role": "commander", "duty": "村（社区）党组织书记任指挥长，统一指挥本村处置和群众转移"},
            {"role": "deputy", "duty": "协助指挥长，负责安置点和物资", "people": [cadre_name(rng)]},
            {"role": "village_cadre", "duty": "包片督导入户排查，汇总每小时情况",
             "people": [cadre_name(rng) for _ in range(2)]},
            {"role": "police", "duty": "一村一警：维护秩序，协助道路封控和转移"},
            {"role": "grid_worker", "duty": "逐户核查、上报本网格群众情况"},
            {"role": "party_member", "duty": "党员先锋队：协助转移独居老人、残疾人和卧床人员"}],
        "task_templates": [
            {"kind": "household_check", "title": first, "min_level": "IV", "scope": "household",
             "due_minutes": 120},
            {"kind": "evacuation", "title": "转移名单内需协助人员", "min_level": "III", "scope": "household",
             "due_minutes": 90},
            {"kind": "road_closure", "title": "封闭危险路段、设置警示", "min_level": "II", "scope": "village",
             "assignee_role": "police", "due_minutes": 60},
            {"kind": "hourly_report", "title": "每小时报告雨情、险情和转移情况", "min_level": "IV", "scope": "village",
             "assignee_role": "village_cadre", "due_minutes": 60, "repeat_minutes": 60},
            {"kind": "watch", "title": "值守隐患点、河道和进山路口", "min_level": "IV", "scope": "grid", "due_minutes": 30},
            {"kind": "materials", "title": "救生衣、帐篷、照明等物资前置到村", "min_level": "III", "scope": "village",
             "assignee_role": "deputy", "due_minutes": 180}],
        "shelters": [{"shelter_id": f"S{v['code'][-6:]}", "name": f"{v['name']}{rng.choice(['小学', '村委会', '文化室'])}安置点",
                      "area_code": v["code"], "capacity": rng.choice([80, 120, 150, 200])} for v in villages[:3]],
        "materials": [{"name": "救生衣", "quantity": rng.randint(40, 120), "unit": "件", "location": "乡镇应急物资储备点"},
                      {"name": "帐篷", "quantity": rng.randint(10, 40), "unit": "顶", "location": "乡镇应急物资储备点"},
                      {"name": "应急照明灯", "quantity": rng.randint(20, 60), "unit": "盏", "location": "各村委会"}],
        "contacts": [{"name": "乡镇应急办值班室", "title": "值班员", "unit": f"{township['name']}应急办",
                      "phone": f"171{rng.randrange(10 ** 8):08d}"}],
    }


def load_plans(emergency_call: Callable, townships: list[dict], villages_of: dict[str, list[dict]],
               rng: random.Random, progress: Callable[[str], object] = print) -> dict[str, str]:
    """One plan per township, saved and published only when the township has none in force yet."""
    known = {p["area_code"]: p for p in emergency_call("list_plans", None, None, False)["items"]
             if p["level"] == "township"}
    plans, made = {}, 0
    for township in townships:
        body = plan_for(township, villages_of.get(township["code"], []), rng)  # drawn every time: same sequence
        found = known.get(township["code"])
        plan_id = found["plan_id"] if found else f"EP{township['code']}-{body['hazard']}"
        plans[township["code"]] = plan_id
        if found and found["status"] == "published":
            continue
        if not found:
            emergency_call("save_plan", plan_id, body)
        emergency_call("publish_plan", plan_id, {})
        made += 1
    progress(f"应急预案 {made} 件已发布（共 {len(plans)} 个乡镇（街道））")
    return plans


def run_response(emergency_call: Callable, ref: str, plan_id: str, village: dict, level: str, reason: str,
                 drill: bool, statuses: list[str], closing: dict, progress: Callable[[str], object] = print) -> None:
    """One response over a village, its households reported, then ended with its closing report (once)."""
    started = emergency_call("activate", {"plan_id": plan_id, "area_codes": [village["code"]], "level": level,
                                          "reason": reason, "drill": drill, "client_ref": ref})
    activation_id = started["activation_id"]
    if emergency_call("get_activation", activation_id)["status"] != "active":
        return  # loaded before
    shelters = emergency_call("get_activation", activation_id)["shelters"]
    households = emergency_call("my_household_ids", activation_id)
    for i, household_id in enumerate(households):
        status = statuses[i % len(statuses)]
        body = {"report_id": f"{ref}-{household_id}", "status": status}
        if status == "evacuated":
            if not shelters:
                continue
            body["shelter_id"] = shelters[0]["shelter_id"]
        emergency_call("report_household", activation_id, household_id, body)
    emergency_call("hourly_report", activation_id, {"report_id": f"{ref}-hourly-1", "area_code": village["code"],
                                                    "summary": closing["hourly"]})
    for task in emergency_call("list_tasks", activation_id, None, "open")["items"]:
        if not task["repeat_minutes"] and task["kind"] in ("road_closure", "materials"):
            emergency_call("complete_task", task["task_id"], {"note": "已落实"})
    emergency_call("deactivate", activation_id, {"reason": closing["reason"], "went_wrong": closing["went_wrong"],
                                                 "follow_ups": closing["follow_ups"]})
    progress(f"{'演练' if drill else '应急响应'}：{village['name']} {len(households)} 户，已解除并形成总结报告")


def load(grid_call: Callable, emergency_call: Callable, seed: int = 500229,
         progress: Callable[[str], object] = print) -> None:
    rng = random.Random(seed + 17)
    keys = [event for source, event, _, _ in topology.subscriptions([EmergencyService]) if source == "grid"]
    resent = grid_call("resend_unrouted_events", keys)
    if resent:
        progress(f"网格服务重发此前无人订阅的事件 {resent} 条")
    wait_for_read_model(grid_call, emergency_call, progress=progress)
    townships = sorted((a for kind in TOWNSHIP_KINDS for a in _areas(grid_call, kind)), key=lambda a: a["code"])
    villages = sorted((a for kind in ("village", "community") for a in _areas(grid_call, kind)),
                      key=lambda a: a["code"])
    villages_of: dict[str, list[dict]] = {}
    for v in villages:
        villages_of.setdefault(v["parent_code"], []).append(v)
    plans = load_plans(emergency_call, townships, villages_of, rng, progress)
    by_name = {t["name"]: t for t in townships}
    for name, ref, level, drill, statuses, closing in (
            (DRILL_TOWNSHIP, "demo-drill-2026-flood", "III", True,
             ["checked"] * 8 + ["evacuated", "not_reached"],
             {"reason": "汛前演练结束", "hourly": "演练第1小时：已核查过半，1户未联系上",
              "went_wrong": ["2户留守老人家中无人接听，须由邻居转告", "安置点照明不足"],
              "follow_ups": [{"title": "为独居老人配发应急广播", "owner": "村委会", "due_on": "2026-06-30"}]}),
            (RESPONSE_TOWNSHIP, "demo-response-2026-rain", "II", False,
             ["checked"] * 5 + ["evacuated", "evacuated", "needs_help", "not_reached"],
             {"reason": "强降雨结束，河水回落到警戒线以下", "hourly": "降雨62毫米，前河超警戒，已转移需协助人员",
              "went_wrong": ["第2网格通信中断约40分钟", "1户卧床老人转移担架不足"],
              "follow_ups": [{"title": "增配卫星电话一部", "owner": "乡应急办", "due_on": "2026-09-30"},
                             {"title": "各村补充担架和轮椅", "owner": "乡民政办", "due_on": "2026-08-31"}]})):
        township = by_name.get(name)
        village = (villages_of.get(township["code"]) or [None])[0] if township else None
        if village is None:
            continue
        run_response(emergency_call, ref, plans[township["code"]], village, level,
                     "汛期演练：模拟暴雨红色预警" if drill else "气象台发布暴雨橙色预警，前河水位快速上涨", drill, statuses,
                     closing, progress)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.emergency.demo", description="城口县平战转换演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--load", action="store_true", help="从网格服务读取区划，写入正在运行的应急服务")
    args = parser.parse_args(argv)
    if not args.load:
        parser.print_help()
        return
    from nameko.standalone.rpc import ClusterRpcProxy

    from shared import config

    context = {"actor": {"id": "demo", "role": "county_admin"}, "actor_name": "演示数据"}
    with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600, context_data=context) as proxy:
        load(lambda method, *a: getattr(proxy.grid, method)(*a),
             lambda method, *a: getattr(proxy.emergency, method)(*a), args.seed)


if __name__ == "__main__":
    main()
