"""Service orders (三单：群众点单、网格派单、干部买单): a resident orders, the grid dispatches to a cadre or a
department, the cadre delivers, the resident rates 1 to 5; a rating of 2 or less reopens the order for another
round. One transition table; plain rules, no I/O."""
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.errors import Forbidden
from shared.workflow import Transition, Workflow

from .cases import HANDLE, REPORT, Assignee, ClientRef
from .domain import Phone

LOW_RATING = 2  # this or below: the resident is not served, the order goes round again


class OrderStatus(StrEnum):
    ordered = "ordered"        # 已点单
    dispatched = "dispatched"  # 已派单
    delivered = "delivered"    # 已办理（待评价）
    rated = "rated"            # 已评价办结
    reopened = "reopened"      # 不满意重办


STATUS_LABELS = {OrderStatus.ordered: "已点单", OrderStatus.dispatched: "已派单", OrderStatus.delivered: "已办理待评价",
                 OrderStatus.rated: "已评价办结", OrderStatus.reopened: "不满意重办"}
OPEN = (OrderStatus.ordered, OrderStatus.dispatched, OrderStatus.delivered, OrderStatus.reopened)

O = OrderStatus
WORKFLOW = Workflow("service_order", STATUS_LABELS, [
    Transition("dispatch", frozenset({O.ordered, O.reopened}), O.dispatched, REPORT, "网格派单", ("assignee",)),
    Transition("deliver", frozenset({O.dispatched}), O.delivered, HANDLE, "干部买单（办理反馈）", ("feedback",)),
    Transition("rate", frozenset({O.delivered}), O.rated, REPORT, "评价", ("rating",)),
])


class OrderIn(BaseModel):
    """An order a grid worker places on a resident's behalf (the residents' channel has its own form)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    area_code: Annotated[str, Field(pattern=r"^500229\d{6}(\d{3}){0,2}$", description="村、网格或微网格代码")]
    content: Annotated[str, Field(min_length=5, max_length=1000, description="服务需求")]
    contact_name: Annotated[str, Field(min_length=1, max_length=30)]
    phone: Phone = None
    resident_id: Annotated[str | None, Field(default=None, pattern=r"^RS[0-9a-f]{16}$")]
    client_ref: ClientRef = None


class OrderActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    assignee: Assignee | None = None
    feedback: Annotated[str | None, Field(default=None, min_length=2, max_length=2000)]
    rating: Annotated[int | None, Field(default=None, ge=1, le=5, description="满意度 1-5")]
    comment: Annotated[str | None, Field(default=None, max_length=200)]


class OrderActionIn(OrderActionBody):
    action: str


def actions_for(duty: str) -> list[str]:
    return [a for a, t in WORKFLOW.transitions.items() if t.duty == duty]


def target_of(transition: Transition, command: OrderActionIn) -> str:
    if transition.action == "rate" and command.rating <= LOW_RATING:
        return OrderStatus.reopened
    return transition.target


def check_rules(order: dict, transition: Transition, actor_id: str | None) -> None:
    assignee = order.get("assignee")
    if (transition.duty == HANDLE and assignee and assignee["kind"] == "staff" and actor_id is not None
            and assignee["id"] != actor_id):
        raise Forbidden("只有被派单人可以办理", field="action", code="service_order.not_assignee")
