"""Demo data for joint risk assessment in Chengkou: the sixteen standing member units (made by the service at
start), a few risk items in the register, a scheduled assessment meeting with standing and invited units'
opinions, its resolution and follow-up tasks, and a first run of the peace-building designations over every
township. Live signals need no demo: they come from the grid, mediation and petitions demos' own events.

Each item and the meeting carry the demo's own reference (`client_ref`), so a repeated load adds nothing.

    python -m services.risk.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
from datetime import timedelta  # noqa: E402
from typing import Callable  # noqa: E402

from shared import clock  # noqa: E402
from shared.demo_county import TOWNSHIPS  # noqa: E402

ITEMS = [
    ("demo-risk-1", "高燕镇某在建工地拖欠农民工工资", "社会稳定", "500229101201", "orange", "县人力社保局",
     ["约谈施工企业负责人", "督促按月足额支付工资"]),
    ("demo-risk-2", "巴山镇滑坡隐患点汛期监测", "自然灾害", "500229102201", "yellow", "县规划自然资源局",
     ["落实群测群防监测员", "汛期每日巡查"]),
    ("demo-risk-3", "葛城街道某理财公司涉嫌非法集资线索", "涉众金融", "500229001001", "red", "县市场监管局",
     ["会同公安开展调查", "做好投资人情绪疏导"]),
    ("demo-risk-4", "坪坝镇液化气储存点安全隐患", "安全生产", "500229103201", "blue", "县应急管理局",
     ["限期整改", "复查验收"]),
]
OPINIONS = [("县委政法委", "近期矛盾纠纷总体平稳，重点关注欠薪和非法集资线索", "orange"),
            ("县公安局", "对涉众金融线索已开展初查，未发现聚集苗头", None),
            ("县人力社保局", "欠薪问题已约谈企业，承诺月底前支付", "orange"),
            ("县金融服务中心", "建议开展防范非法集资宣传进村", None)]


def load(rpc_call: Callable, progress: Callable[[str], object] = print) -> None:
    for ref, title, category, area, level, unit, measures in ITEMS:
        rpc_call("create_risk_item", {"title": title, "category": category, "area_code": area, "level": level,
                                      "owner_unit": unit, "measures": measures, "client_ref": ref})
    progress(f"risk: {len(ITEMS)} risk items")
    today = clock.today()
    meeting = rpc_call("convene_meeting", {
        "title": "本月社会稳定风险联合研判会", "trigger": "schedule", "held_on": today.isoformat(),
        "invited_units": [{"name": "县金融服务中心", "reason": "涉众金融线索"}], "client_ref": "demo-meeting-1"})
    if meeting["status"] == "convened":
        for unit, opinion, level in OPINIONS:
            rpc_call("give_opinion", meeting["id"], {"unit": unit, "opinion": opinion, "suggested_level": level})
        rpc_call("conclude_meeting", meeting["id"], {
            "resolution": "欠薪、非法集资线索列为重点管控，相关单位限期落实", "level": "orange",
            "tasks": [{"title": "督促企业支付拖欠工资", "owner_unit": "县人力社保局",
                       "due_on": (today + timedelta(days=10)).isoformat()},
                      {"title": "开展防范非法集资宣传进村", "owner_unit": "县金融服务中心",
                       "due_on": (today + timedelta(days=20)).isoformat()}]})
    progress("risk: one assessment meeting with opinions and tasks")
    result = rpc_call("assess_designations", None, [t.code for t in TOWNSHIPS])
    progress(f"risk: designations assessed for {result['townships']} townships")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.risk.demo", description="城口县风险研判演示数据")
    parser.add_argument("--load", action="store_true", help="写入正在运行的风险研判服务")
    args = parser.parse_args(argv)
    if args.load:
        from nameko.standalone.rpc import ClusterRpcProxy

        from shared import config

        with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600) as proxy:
            load(lambda method, *call_args: getattr(proxy.risk, method)(*call_args))


if __name__ == "__main__":
    main()
