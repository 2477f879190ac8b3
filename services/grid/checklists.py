"""The county's checklists: 综治中心规范化建设 (standardisation of the governance centres) and 村（社区）综合服务设施
达标 (the village service facilities' standard). Each edit is a new version; the old versions stay, because an
inspection keeps the version it was judged under. The first versions below are what a new installation starts
with; the county edits them in the console.
"""
from .places import LEVEL_LABELS, ChecklistIn, Level, Subject

_ALL = []
_ABOVE_VILLAGE = [Level.county, Level.township]


def _item(code: str, label: str, required: bool = True, levels=None) -> dict:
    return {"code": code, "label": label, "required": required, "levels": list(levels or _ALL)}


DEFAULT_ITEMS = {
    Subject.governance_centre: [
        _item("premises", "有固定办公场所，悬挂统一标识标牌"),
        _item("functional_rooms", "设置群众接待、矛盾纠纷调处、视频监控研判等功能区"),
        _item("staffing", "明确负责人，配备专职工作人员"),
        _item("rules_published", "工作制度、工作流程上墙公示"),
        _item("reception_register", "落实群众来访接待登记，件件有记录"),
        _item("dispute_ledger", "建立矛盾纠纷排查调处台账"),
        _item("grid_linkage", "网格化服务管理平台运行正常，与网格员联动处置"),
        _item("video_platform", "接入“雪亮工程”视频监控平台，能调看辖区重点区域", levels=_ABOVE_VILLAGE),
        _item("joint_duty", "政法、信访、司法等力量入驻或轮驻", levels=_ABOVE_VILLAGE),
        _item("regular_meeting", "定期召开综治工作例会并有记录"),
        _item("archives", "工作档案规范完整"),
        _item("psychological_service", "设置心理服务室（站）", required=False),
    ],
    Subject.service_facility: [
        _item("floor_area", "综合服务设施建筑面积达到县定标准"),
        _item("service_hall", "设置便民服务大厅，提供一站式服务"),
        _item("service_list", "公开服务事项、办事流程和办理时限"),
        _item("party_room", "设有党员活动室"),
        _item("culture_room", "设有文化活动室、农家书屋"),
        _item("fitness", "设有健身场地和器材"),
        _item("fire_safety", "消防器材配备齐全并在有效期内"),
        _item("accessibility", "出入口设置无障碍通道"),
        _item("opening_hours", "按公示时间开放，有值班记录"),
        _item("elderly_care", "设有老年人日间照料或互助养老场所", required=False),
    ],
}


def version_doc(subject: Subject, checklist: ChecklistIn, version: int, now, changed_by: str | None) -> dict:
    return {"_id": f"{subject.value}@{version}", "subject": subject.value, "version": version,
            "items": [i.model_dump(mode="json") for i in checklist.items], "changed_at": now,
            "changed_by": changed_by, "current": True}


def default_versions(now) -> list[dict]:
    return [version_doc(subject, ChecklistIn.model_validate({"items": items}), 1, now, "system")
            for subject, items in DEFAULT_ITEMS.items()]


def same_items(current: dict, checklist: ChecklistIn) -> bool:
    """The same content again is no new version."""
    return current["items"] == [i.model_dump(mode="json") for i in checklist.items]


def present(doc: dict) -> dict:
    return {"subject": doc["subject"], "version": doc["version"], "current": doc.get("current", False),
            "items": doc["items"], "changed_at": doc["changed_at"].isoformat() if doc.get("changed_at") else None,
            "changed_by": doc.get("changed_by")}


def markdown(subject: Subject) -> str:
    """The first version of a checklist as the table docs/places.md shows (a test keeps the two the same)."""
    rows = ["| code | 检查项 | 必达 | 适用层级 |", "|---|---|---|---|"]
    for item in DEFAULT_ITEMS[subject]:
        levels = "、".join(LEVEL_LABELS[Level(level)] for level in item["levels"]) or "全部"
        rows.append(f"| `{item['code']}` | {item['label']} | {'是' if item['required'] else '否'} | {levels} |")
    return "\n".join(rows)
