"""Demo grid affairs for Chengkou: cases at every stage of the flow and service orders, so that the township
queue, the case pages and the figures have something to show on a first run.

They go through the same RPC commands staff use (the demo loader is a trusted internal caller). A store that
already holds cases gets nothing more, so a repeated load adds nothing.
"""
import random
from typing import Callable

from .api.codes import AreaKind

CASES = [
    ("safety.fire", "楼道堆放杂物堵塞消防通道", "居民楼一单元楼道堆放纸箱和旧家具，堵塞消防通道"),
    ("safety.disaster", "后山出现裂缝", "村后山坡出现长约五米的裂缝，雨后有碎石滑落"),
    ("safety.traffic", "村道护栏损坏", "村道急弯处护栏被撞断约三米，夜间通行危险"),
    ("environment.sanitation", "垃圾收集点满溢", "垃圾收集点三天未清运，气味明显"),
    ("environment.pollution", "河道发现油污", "河道下游发现油污带，疑似上游排放"),
    ("dispute.neighbour", "邻里排水纠纷", "两户因屋檐排水方向发生争执，多次口角"),
    ("dispute.land", "林地边界争议", "两个村民小组对一片林地边界有争议"),
    ("livelihood.assistance", "独居老人生活困难", "独居老人屋顶漏雨，行动不便，需要帮扶"),
    ("public_order.hazard", "废弃厂房有人聚集", "废弃厂房夜间常有外来人员聚集"),
    ("illegal_building.construction", "河边新建砖房", "河道管理范围内有人新建砖房"),
    ("public_opinion.report", "群众反映公交班次少", "多名群众反映到县城的客运班次太少"),
]
# How far along each demo case goes: the actions taken after it is collected.
WALKS = [
    [],
    [("report", {})],
    [("report", {}), ("dispatch", "handler")],
    [("report", {}), ("dispatch", "handler"), ("handle", {"feedback": "已到现场处置完毕"})],
    [("report", {}), ("dispatch", "handler"), ("handle", {"feedback": "已到现场处置完毕"}), ("verify", {})],
    [("report", {}), ("dispatch", "handler"), ("handle", {"feedback": "已到现场处置完毕"}), ("verify", {}),
     ("close", {})],
    [("screen_out", {"reason": "经核实为重复上报"})],
]
ORDERS = ["帮助老人代办医保报销", "申请维修村道路灯", "咨询农村低保申请条件", "请求上门办理残疾证年审",
          "反映饮用水水压不足，请协调", "申请农技人员指导茶叶病虫害防治"]


def load(rpc_call: Callable, areas: list[dict], seed: int = 500229, cases: int = 40, orders: int = 15,
         progress: Callable[[str], object] = print) -> None:
    if rpc_call("list_cases", None, None, None, None, False, 1, 1)["total"]:
        progress("网格事件已有数据，不再写入演示事件")
        return
    rng = random.Random(seed)
    grids = [a for a in areas if a["kind"] == AreaKind.grid][:60]
    for _ in range(cases):
        grid = rng.choice(grids)
        item_code, title, description = rng.choice(CASES)
        case = rpc_call("open_case", {"grid_code": grid["code"], "item_code": item_code, "title": title,
                                      "description": description, "source": rng.choice(["patrol", "resident"])})
        walk = rng.choice(WALKS)
        if item_code.startswith("dispute.") and rng.random() < 0.3:
            walk = [("refer_to_mediation", {})]
        for action, fields in walk:
            if action == "verify" and not case["item"]["verify_on_site"]:
                continue  # closed straight after handling: the item needs no visit
            if fields == "handler":
                department = case["item"]["owner_department"]
                fields = {"assignee": {"kind": "department", "id": department, "name": department}}
            case = rpc_call("act_on_case", case["case_id"], {"action": action, **fields})
    progress(f"演示网格事件 {cases} 件已写入")
    for _ in range(orders):
        grid = rng.choice(grids)
        order = rpc_call("place_service_order", {"area_code": grid["code"], "content": rng.choice(ORDERS),
                                                 "contact_name": "演示群众"})
        if rng.random() < 0.7:
            rpc_call("act_on_service_order", order["order_id"], {"action": "dispatch", "assignee": {
                "kind": "department", "id": "乡镇便民服务中心", "name": "乡镇便民服务中心"}})
            if rng.random() < 0.6:
                rpc_call("act_on_service_order", order["order_id"], {"action": "deliver", "feedback": "已办结"})
                rpc_call("act_on_service_order", order["order_id"],
                         {"action": "rate", "rating": rng.choice([3, 4, 5, 5])})
    progress(f"演示服务单 {orders} 张已写入")
