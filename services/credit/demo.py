"""Demo credit data for Chengkou: the rule catalogue, a points supermarket in a few villages with items and stock,
passbooks for demo households with some history (awards posted after their notice, a deduction, redemptions
fulfilled and reserved), awards left on the notice board and one under objection, an enterprise, and a court
list of dishonest judgment debtors.

The households are the grid demo's (run it first). Rules, stores and items are upserts; awards and redemptions
carry the demo's own reference (`client_ref`) and debtor listings their case number, so a repeated load adds
nothing. Every person is made up.

    python -m services.credit.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import base64
import random
from datetime import date, timedelta
from typing import Callable

from shared import clock, idnumber
from shared.errors import Conflict

RULES = [
    {"code": "VOLUNTEER", "name": "参加志愿服务", "category": "volunteer", "points": 5, "cap_points": 40,
     "cap_period": "month"},
    {"code": "CLEAN_YARD", "name": "庭院整洁评比达标", "category": "sanitation", "points": 3, "cap_points": 12,
     "cap_period": "month"},
    {"code": "SIMPLE_WEDDING", "name": "婚事新办、丧事简办", "category": "customs", "points": 20, "cap_points": 20,
     "cap_period": "year"},
    {"code": "FILIAL", "name": "孝老爱亲事迹", "category": "filial", "points": 10, "cap_points": 30,
     "cap_period": "year"},
    {"code": "GRID_REPORT", "name": "协助网格事件现场核查", "category": "grid_affairs", "points": 2,
     "trigger": "grid.case.verified", "cap_points": 20, "cap_period": "month"},
    {"code": "MEDIATION_COOP", "name": "配合调解化解纠纷", "category": "mediation", "points": 5,
     "trigger": "mediation.dispute.resolved", "cap_points": 10, "cap_period": "year"},
    {"code": "ORDER_RATED", "name": "参与群众点单并评价服务", "category": "grid_affairs", "points": 1,
     "trigger": "grid.service_order.rated", "cap_points": 12, "cap_period": "year"},
    {"code": "LITTER", "name": "乱堆乱放、乱倒垃圾", "category": "violation", "points": -5},
    {"code": "LAVISH_FEAST", "name": "大操大办、违规整酒", "category": "violation", "points": -20},
]
ITEMS = [{"item_id": "IT-SOAP", "name": "洗衣皂", "points": 5, "unit": "块"},
         {"item_id": "IT-OIL", "name": "食用油（5升）", "points": 60, "unit": "桶"},
         {"item_id": "IT-RICE", "name": "大米（10斤）", "points": 40, "unit": "袋"},
         {"item_id": "IT-TOWEL", "name": "毛巾", "points": 8, "unit": "条"},
         {"item_id": "IT-SALT", "name": "食盐", "points": 3, "unit": "袋"}]
REASONS = {"VOLUNTEER": "参加村里组织的河道清理志愿服务", "CLEAN_YARD": "庭院整洁评比达标，房前屋后干净整齐",
           "FILIAL": "长期照顾卧病在床的婆婆，邻里称赞", "SIMPLE_WEDDING": "子女婚事新办，不收礼金不摆酒席"}
EVIDENCE = [{"kind": "photo", "description": "现场照片", "ref": "IMG-DEMO"},
            {"kind": "record", "description": "村民小组评议记录"}]
SUBMITTER = {"scope": ["500229"], "actor": {"id": "demo-cadre", "role": "village_cadre"}, "actor_name": "村干部（演示）"}
APPROVER = {"scope": ["500229"], "actor": {"id": "demo-township", "role": "township_staff"},
            "actor_name": "乡镇复核（演示）"}


def _court_list(seed: int) -> str:
    """A court list (.csv as the court publishes it) of made-up people outside the registry, and one enterprise."""
    rng = random.Random(seed + 3)
    today = clock.today()
    rows = ["被执行人姓名/名称,类型,身份证号码,统一社会信用代码,执行案号,执行法院,发布日期,届满日期"]
    for n, name in enumerate(["冉某某", "邓某某"]):
        number = idnumber.make("500229", date(1975 + n * 7, 3 + n, 9 + n), 700 + rng.randrange(200))
        rows.append(f"{name},自然人,{number},,(2026)渝0229执{500 + n}号,城口县人民法院,"
                    f"{(today - timedelta(days=60 + n * 30)).isoformat()},")
    rows.append(f"城口县某建材有限公司,单位,,91500229MA5DEM0001,(2026)渝0229执520号,城口县人民法院,"
                f"{(today - timedelta(days=90)).isoformat()},")
    return base64.b64encode(("\n".join(rows) + "\n").encode("utf-8-sig")).decode()


def load(staff: Callable, approver: Callable, grid: Callable, seed: int = 500229, households: int = 40,
         progress: Callable[[str], object] = print) -> None:
    """`staff`, `approver` and `grid` are `(method, *args)` callers: the submitting cadre and a second person on
    the credit service, and the grid service for the demo households."""
    rng = random.Random(seed + 5)
    for rule in RULES:
        staff("save_rule", rule)
    for item in ITEMS:
        staff("save_item", item)
    chosen = grid("list_households", None, None, 1, households)["items"]
    villages = sorted({h["area_path"][2] for h in chosen if len(h["area_path"]) > 2})[:4]
    stores = [{"store_id": f"ST{v}", "name": f"{v[-3:]}村积分超市", "village_code": v} for v in villages]
    for store in stores:
        staff("save_store", store)
        stocked = {s["item_id"]: s["quantity"] for s in staff("stock", store["store_id"])["stock"]}
        for item in ITEMS:
            if stocked.get(item["item_id"], 0) < 20:
                staff("add_stock", store["store_id"], {"item_id": item["item_id"], "add": 50})
    progress(f"积分规则 {len(RULES)} 条、积分超市 {len(stores)} 家、商品 {len(ITEMS)} 种已写入")

    history, notice = [], []
    for n, household in enumerate(chosen):
        staff("open_passbook_for", household["household_id"])
        for k, code in enumerate(rng.sample(list(REASONS), rng.randint(1, 3))):
            award = staff("submit_award", {
                "household_id": household["household_id"], "rule_code": code, "reason": REASONS[code],
                "occurred_on": (clock.today() - timedelta(days=rng.randint(10, 60))).isoformat(),
                "evidence": EVIDENCE, "client_ref": f"demo-{seed}-aw-{n:04d}-{k}"})
            if award["status"] == "submitted":
                approver("act_on_award", award["award_id"], {"action": "approve"})
            (notice if n % 8 == 0 and k == 0 else history).append(award)
    future = (clock.today() + timedelta(days=30)).isoformat()
    approver("post_due", future, [a["award_id"] for a in history])
    objected = next((a for a in notice if staff("get_award", a["award_id"])["status"] == "in_notice"), None)
    if objected and not any(staff("get_award", a["award_id"])["status"] == "objected" for a in notice):
        staff("act_on_award", objected["award_id"], {"action": "object", "reason": "群众反映该户当天并未参加"})
    progress(f"积分申报 {len(history)} 件已入账，{len(notice)} 件在公示中")

    for n, household in enumerate(chosen[:12]):
        village = household["area_path"][2]
        store = next((s for s in stores if s["village_code"] == village), stores[0] if stores else None)
        if store is None:
            break
        passbook = staff("get_passbook", household["household_id"])
        if passbook["balance"] < 8:
            continue
        try:
            redemption = staff("reserve", {"household_id": household["household_id"], "store_id": store["store_id"],
                                           "item_id": "IT-TOWEL", "client_ref": f"demo-{seed}-rd-{n:04d}"})
        except Conflict:  # stock or points ran out meanwhile; the demo goes on
            continue
        if n % 3 and redemption["status"] == "reserved":
            staff("fulfil", redemption["redemption_id"])
    litterer = chosen[-1] if chosen else None
    if litterer:
        award = staff("submit_award", {"household_id": litterer["household_id"], "rule_code": "LITTER",
                                       "reason": "在公路边乱倒建筑垃圾，经劝导已清理",
                                       "occurred_on": (clock.today() - timedelta(days=5)).isoformat(),
                                       "evidence": EVIDENCE, "client_ref": f"demo-{seed}-aw-litter"})
        if award["status"] == "submitted":
            approver("act_on_award", award["award_id"], {"action": "approve"})
            approver("post_due", future, [award["award_id"]])
    staff("save_enterprise", {"enterprise_code": "91500229MA5DEM0001", "name": "城口县某建材有限公司",
                              "area_code": villages[0] if villages else "500229"})
    report = staff("import_debtors", "失信被执行人名单.csv", _court_list(seed), False)
    progress(f"积分兑换已就绪；失信被执行人名单新列入 {report['listed']} 条，已有 {report['known']} 条")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.credit.demo", description="城口县道德银行与诚信演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--households", type=int, default=40, help="有积分记录的演示户数")
    parser.add_argument("--load", action="store_true", help="写入正在运行的积分服务")
    args = parser.parse_args(argv)
    print(f"积分规则 {len(RULES)} 条，商品 {len(ITEMS)} 种，演示户 {args.households} 户")
    if args.load:
        from nameko.standalone.rpc import ClusterRpcProxy

        from shared import config

        uri = {"AMQP_URI": config.amqp_uri()}
        with ClusterRpcProxy(uri, timeout=600, context_data=SUBMITTER) as staff, \
                ClusterRpcProxy(uri, timeout=600, context_data=APPROVER) as approver, \
                ClusterRpcProxy(uri, timeout=600) as internal:
            load(lambda method, *a: getattr(staff.credit, method)(*a),
                 lambda method, *a: getattr(approver.credit, method)(*a),
                 lambda method, *a: getattr(internal.grid, method)(*a), args.seed, args.households)


if __name__ == "__main__":
    main()
