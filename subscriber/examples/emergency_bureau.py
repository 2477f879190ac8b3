"""应急局 (the county's emergency management bureau) on the suite's events: every grid case of a safety or public
health hazard reported, overdue or escalated, and every risk alert shared with the bureau, becomes a line of its
own duty log (JSON Lines). Ids and codes only, as the events carry them; the bureau reads the case itself through
its own account if it needs more.

    python examples/emergency_bureau.py --amqp amqp://emergency:…@broker:5672/ --contracts contracts/events \\
        --log 应急值班.jsonl --seen emergency-seen.db
"""
import argparse
import json
import logging

from xiangzhi_subscriber import Contracts, Subscriber

QUEUE = "dept.emergency.duty"
EVENTS = ["grid.case.reported", "grid.case.overdue", "grid.case.escalated", "risk.alert.raised"]
CATEGORIES = {"safety": "安全隐患", "public_health": "公共卫生"}
BUREAU = "县应急管理局"


def duty_entry(event) -> dict | None:
    """The bureau's log line for an event, or None when it does not concern the bureau."""
    data = event.data
    if event.event_type.startswith("grid.case."):
        if data["category"] not in CATEGORIES:
            return None
        what = {"grid.case.reported": "上报", "grid.case.overdue": "逾期", "grid.case.escalated": "升级督办"}
        return {"event_id": event.event_id, "at": event.envelope["occurred_at"], "kind": "网格事件" + what[event.event_type],
                "category": CATEGORIES[data["category"]], "item_code": data["item_code"], "case_id": data["case_id"],
                "township_code": data["township_code"], "due_at": data["due_at"],
                "story": event.envelope["correlation_id"]}
    if BUREAU not in data["units"]:
        return None
    return {"event_id": event.event_id, "at": event.envelope["occurred_at"], "kind": "风险预警",
            "category": data["category"], "level": data["level"], "alert_id": data["alert_id"],
            "area_code": data["area_code"], "story": event.envelope["correlation_id"]}


def main() -> None:
    parser = argparse.ArgumentParser(description="应急局值班日志：订阅乡治的安全隐患事件和风险预警")
    parser.add_argument("--amqp", required=True)
    parser.add_argument("--contracts", default="contracts/events")
    parser.add_argument("--log", default="emergency-duty.jsonl")
    parser.add_argument("--seen", default="emergency-seen.db", help="已处理事件编号（去重）")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    def handle(event) -> None:
        entry = duty_entry(event)
        if entry is not None:
            with open(args.log, "a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    subscriber = Subscriber(args.amqp, QUEUE, Contracts.from_directory(args.contracts), EVENTS, seen_path=args.seen)
    subscriber.run(handle)


if __name__ == "__main__":
    main()
