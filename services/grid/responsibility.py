"""The responsibility-item catalogue (责任事项清单): two levels, a category and the items under it, each item with
its owner department, handling deadline and whether it must be verified on site (定责).

Items are versioned: an edit stores a new version and the old one stays, because a case keeps the version it was
opened under; changing a deadline today must not make yesterday's cases late or early.
"""
from shared.clock import DayKind

from .api.codes import CATEGORIES
from .api.rpc import DeadlineRule, ResponsibilityItemIn


def snapshot(item: dict) -> dict:
    """What a case keeps of the item it was opened under."""
    return {key: item[key] for key in ("code", "version", "category", "name", "owner_department", "deadline",
                                       "verify_on_site")}


def version_doc(item: ResponsibilityItemIn, version: int, now, changed_by: str | None) -> dict:
    return {**item.model_dump(mode="json"), "category": item.category, "version": version, "changed_at": now,
            "changed_by": changed_by}


def default_versions(now) -> list[dict]:
    return [version_doc(ResponsibilityItemIn.model_validate(raw), 1, now, "system") for raw in DEFAULT_ITEMS]


def present(item: dict) -> dict:
    rule = DeadlineRule.model_validate(item["deadline"])
    return {**snapshot(item), "category_label": CATEGORIES[item["category"]], "deadline_label": rule.label,
            "active": item["active"], "changed_at": item["changed_at"].isoformat(),
            "changed_by": item.get("changed_by")}


def _item(code, name, department, days, kind=DayKind.working, verify=True):
    return {"code": code, "name": name, "owner_department": department,
            "deadline": {"days": days, "day_kind": kind.value}, "verify_on_site": verify}


# The catalogue the county starts from; administrators edit it in the console.
DEFAULT_ITEMS = [
    _item("dispute.neighbour", "邻里纠纷", "乡镇司法所", 15),
    _item("dispute.family", "婚姻家庭纠纷", "乡镇司法所", 15),
    _item("dispute.land", "土地山林纠纷", "县自然资源局", 30),
    _item("dispute.labour", "劳资纠纷", "县人力社保局", 15),
    _item("dispute.other", "其他矛盾纠纷", "乡镇综治中心", 15),
    _item("public_order.hazard", "治安隐患", "县公安局", 5),
    _item("public_order.drugs", "涉毒线索", "县公安局", 3),
    _item("safety.production", "安全生产隐患", "县应急管理局", 5),
    _item("safety.fire", "消防安全隐患", "县消防救援大队", 3),
    _item("safety.hazardous_chemicals", "危化品安全隐患", "县应急管理局", 2, DayKind.calendar),
    _item("safety.traffic", "交通安全隐患", "县交通运输局", 5),
    _item("safety.disaster", "地质灾害隐患", "县自然资源局", 2, DayKind.calendar),
    _item("environment.sanitation", "环境卫生", "乡镇农业服务中心", 7, verify=False),
    _item("environment.pollution", "环境污染", "县生态环境局", 7),
    _item("livelihood.service", "民生服务诉求", "乡镇便民服务中心", 5, verify=False),
    _item("livelihood.assistance", "困难帮扶诉求", "县民政局", 10),
    _item("special_groups.dynamics", "特殊人群动态", "乡镇综治中心", 3),
    _item("public_opinion.report", "社情民意", "乡镇综治中心", 10, verify=False),
    _item("illegal_building.construction", "违法建设", "县住房城乡建设委", 10),
    _item("illegal_building.business", "违规经营", "县市场监管局", 10),
    _item("public_health.epidemic", "公共卫生事件", "县卫生健康委", 1, DayKind.calendar),
    _item("other.other", "其他事项", "乡镇综治中心", 10),
]
