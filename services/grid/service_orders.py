"""Service orders (三单：群众点单、网格派单、干部买单): a resident orders, the grid dispatches to a cadre or a
department, the cadre delivers, the resident rates 1 to 5; a rating of 2 or less reopens the order for another
round. The transition table is published in api.codes; plain rules, no I/O."""
from shared.errors import Forbidden
from shared.workflow import Transition

from .api.codes import HANDLE, ORDER_STATUS_LABELS, ORDER_WORKFLOW, OrderStatus
from .api.rpc import OrderActionIn

LOW_RATING = 2  # this or below: the resident is not served, the order goes round again


STATUS_LABELS = ORDER_STATUS_LABELS
WORKFLOW = ORDER_WORKFLOW
OPEN = (OrderStatus.ordered, OrderStatus.dispatched, OrderStatus.delivered, OrderStatus.reopened)


def target_of(transition: Transition, command: OrderActionIn) -> str:
    if transition.action == "rate" and command.rating <= LOW_RATING:
        return OrderStatus.reopened
    return transition.target


def same_village(household: dict, area_path: list[str]) -> bool:
    """An order serves a household of the village (or community) it was placed for."""
    return len(area_path) > 2 and len(household.get("area_path", [])) > 2 and household["area_path"][2] == area_path[2]


def check_rules(order: dict, transition: Transition, actor_id: str | None) -> None:
    assignee = order.get("assignee")
    if (transition.duty == HANDLE and assignee and assignee["kind"] == "staff" and actor_id is not None
            and assignee["id"] != actor_id):
        raise Forbidden("只有被派单人可以办理", field="action", code="service_order.not_assignee")
