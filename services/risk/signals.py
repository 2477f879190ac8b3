"""What the risk service reads in the other services' events: one signal per event (its event id is the signal's
key, so a redelivered or replayed event is never counted twice), with its kind, category and area. Plain rules."""
from datetime import datetime

from services.grid.api.codes import CATEGORIES as CASE_CATEGORIES
from services.mediation.api.codes import CATEGORIES as DISPUTE_CATEGORIES
from services.petitions.api.codes import CATEGORIES as PETITION_CATEGORIES
from shared.scope import area_path

# The categories' names as the publishing services define them in their public faces, for the reasons staff read.
CATEGORY_LABELS = {"grid": CASE_CATEGORIES, "mediation": DISPUTE_CATEGORIES, "petitions": PETITION_CATEGORIES}

# (source, event type) → how the event becomes a signal. The kind names a weight in model.WEIGHTS.
SUBSCRIBED = (
    ("grid", "case.reported"), ("grid", "case.overdue"), ("grid", "case.escalated"),
    ("mediation", "dispute.registered"), ("mediation", "dispute.failed"), ("mediation", "dispute.referred"),
    ("petitions", "petition.received"), ("petitions", "petition.repeat_detected"),
    ("petitions", "petition.overdue"), ("credit", "dishonest_debtor.listed"),
    ("emergency", "activation.activated"),
)

# Which member units a signal's domain concerns (the alert is shared with them), by source and grid category.
UNITS_BY_SOURCE = {"mediation": ("县司法局",), "petitions": ("县信访办",), "credit": ("县法院",),
                   "emergency": ("县应急管理局",)}
UNITS_BY_CASE_CATEGORY = {
    "dispute": ("县司法局",), "public_order": ("县公安局",), "safety": ("县应急管理局",),
    "public_health": ("县卫生健康委",), "environment": ("县住房城乡建委",), "livelihood": ("县民政局",),
    "special_groups": ("县公安局", "县民政局"), "illegal_building": ("县住房城乡建委", "县市场监管局"),
}
# The register's risk category an alert is filed under, by the signal kind (or grid category) that weighs most.
RISK_CATEGORY_BY_CASE_CATEGORY = {"safety": "安全生产", "public_order": "公共安全", "public_health": "公共卫生",
                                  "dispute": "社会稳定"}
RISK_CATEGORY_BY_KIND = {"petition_collective": "群体性事件苗头", "emergency_activated": "公共安全"}


def kind_of(event_type: str, data: dict) -> str:
    name = event_type.split(".", 1)[1]
    return {
        "case.reported": "case_reported", "case.overdue": "case_overdue", "case.escalated": "case_escalated",
        "dispute.registered": "dispute_major" if data.get("major") else "dispute_registered",
        "dispute.failed": "dispute_failed", "dispute.referred": "dispute_referred",
        "petition.received": "petition_collective" if data.get("collective") else "petition_received",
        "petition.repeat_detected": "petition_repeat", "petition.overdue": "petition_overdue",
        "dishonest_debtor.listed": "debtor_listed",
        # A drill is counted apart: it weighs nothing (model.WEIGHTS).
        "activation.activated": "emergency_drill" if data.get("drill") else "emergency_activated",
    }[name]


def from_event(event_id: str, event_type: str, occurred_at: datetime, data: dict, received_at: datetime) -> dict:
    """The stored signal of one event: ids, codes and categories only, like the event itself."""
    source = event_type.split(".", 1)[0]
    kind = kind_of(event_type, data)
    # as the store keeps it (milliseconds), so the units scored now are the ones the rebuild folds later
    occurred_at = occurred_at.replace(microsecond=occurred_at.microsecond // 1000 * 1000)
    # A listing names only its area (a household's village or grid, or none for an enterprise elsewhere).
    listed_at = area_path(data["area_code"]) if source == "credit" and data.get("area_code") else []
    village = data.get("village_code") or (listed_at[2] if len(listed_at) > 2 else None)
    township = data.get("township_code") or (village or "")[:9] or (listed_at[1] if len(listed_at) > 1 else "")
    return {"_id": event_id, "kind": kind, "event_type": event_type, "source": source,
            "category": data.get("category"), "item_code": data.get("item_code"),
            "referred_to": data.get("referred_to"), "ref": data.get("case_id") or data.get("dispute_id")
            or data.get("petition_id") or data.get("listing_id") or data.get("activation_id"),
            "village_code": village, "township_code": township,
            "area_path": area_path(village or township), "occurred_at": occurred_at, "received_at": received_at}


def category_label(source: str, category: str | None) -> str | None:
    return CATEGORY_LABELS.get(source, {}).get(category or "", category)


def units_of(signals: list[dict]) -> list[str]:
    """The member units whose domain the signals concern: always the 政法委, plus each domain's own."""
    units = {"县委政法委"}
    for s in signals:
        if s["source"] == "grid":
            units.update(UNITS_BY_CASE_CATEGORY.get(s.get("category") or "", ()))
        else:
            units.update(UNITS_BY_SOURCE.get(s["source"], ()))
    return sorted(units)


def risk_category_of(reasons: list[dict]) -> str:
    """The category of the signal that weighs most (reasons come largest first); 社会稳定 by default."""
    for reason in reasons:
        if reason["kind"] in RISK_CATEGORY_BY_KIND:
            return RISK_CATEGORY_BY_KIND[reason["kind"]]
    if reasons and reasons[0]["kind"].startswith("case_"):
        return RISK_CATEGORY_BY_CASE_CATEGORY.get(reasons[0].get("category") or "", "社会稳定")
    return "社会稳定"
