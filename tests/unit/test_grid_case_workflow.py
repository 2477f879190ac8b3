"""The case and service-order tables as plain rules: which action is legal from which status (written out here
by hand from the flow 采集—上报—派单—办理—核查—办结, not read back from the tables), the fields each action needs,
who a case waits on after each move, and the rules a table cannot say."""
import itertools

import pytest
from pydantic import ValidationError

from services.grid import cases, service_orders
from services.grid.api.codes import DISPATCH, HANDLE, REPORT, CaseStatus, OrderStatus
from services.grid.api.rpc import CaseActionIn, OrderActionIn
from shared.errors import Conflict, Forbidden, ValidationFailed

# action -> (statuses it starts from, status it ends in, fields it needs)
CASE_TABLE = {
    "report": ({"collected"}, "reported", set()),
    "screen_out": ({"collected"}, "not_a_case", {"reason"}),
    "return": ({"reported"}, "collected", {"reason"}),
    "dispatch": ({"reported"}, "dispatched", {"assignee"}),
    "send_back": ({"dispatched"}, "reported", {"reason"}),
    "handle": ({"dispatched"}, "handled", {"feedback"}),
    "verify": ({"handled"}, "verified", set()),
    "reject": ({"handled"}, "dispatched", {"reason"}),
    "close": ({"verified", "handled"}, "closed", set()),
    "reopen": ({"closed"}, "dispatched", {"reason"}),
    "refer_to_mediation": ({"collected", "reported", "dispatched"}, "referred", set()),
}
ORDER_TABLE = {
    "dispatch": ({"ordered", "reopened"}, "dispatched", {"assignee"}),
    "deliver": ({"dispatched"}, "delivered", {"feedback"}),
    "rate": ({"delivered"}, "rated", {"rating"}),
}
ASSIGNEE = {"kind": "staff", "id": "cadre-1", "name": "王干部"}
EVERYTHING = {"reason": "请补充现场照片", "feedback": "已清理完毕", "assignee": ASSIGNEE, "rating": 4}

WORKER = {"kind": "grid_worker", "id": "gw-1", "name": "李网格"}
TOWNSHIP = {"kind": "township", "id": "500229001", "name": "葛城街道"}
HANDLER = {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}


def test_the_case_table_is_the_flow_written_down():
    assert set(cases.WORKFLOW.transitions) == set(CASE_TABLE)
    assert set(cases.STATUS_LABELS) == {s.value for s in CaseStatus}
    for action, (sources, target, needs) in CASE_TABLE.items():
        transition = cases.WORKFLOW.transitions[action]
        assert (set(transition.sources), transition.target, set(transition.needs)) == (sources, target, needs)


def test_the_order_table_is_the_flow_written_down():
    assert set(service_orders.WORKFLOW.transitions) == set(ORDER_TABLE)
    for action, (sources, target, needs) in ORDER_TABLE.items():
        transition = service_orders.WORKFLOW.transitions[action]
        assert (set(transition.sources), transition.target, set(transition.needs)) == (sources, target, needs)


@pytest.mark.parametrize("workflow, table, statuses, noun", [
    (cases.WORKFLOW, CASE_TABLE, list(CaseStatus), "case"),
    (service_orders.WORKFLOW, ORDER_TABLE, list(OrderStatus), "service_order"),
], ids=["case", "service_order"])
def test_step_is_legal_exactly_where_the_table_says(workflow, table, statuses, noun):
    for status, action in itertools.product(statuses, table):
        sources, target, _ = table[action]
        if status in sources:
            transition = workflow.step(status, action, EVERYTHING)
            assert (transition.action, transition.target) == (action, target)
        else:
            with pytest.raises(Conflict) as refused:
                workflow.step(status, action, EVERYTHING)
            assert refused.value.code == f"{noun}.illegal_transition" and refused.value.field == "action"
            # The refusal names the current status and the action in the staff's words.
            assert workflow.status_labels[status] in refused.value.message
            assert workflow.transitions[action].label in refused.value.message
    for status in statuses:
        assert set(workflow.allowed(status)) == {a for a, (sources, _, _) in table.items() if status in sources}


@pytest.mark.parametrize("workflow, table", [(cases.WORKFLOW, CASE_TABLE), (service_orders.WORKFLOW, ORDER_TABLE)],
                         ids=["case", "service_order"])
def test_needed_fields_are_enforced(workflow, table):
    for action, (sources, _, needs) in table.items():
        source = sorted(sources)[0]
        for name in needs:
            for missing in ({k: v for k, v in EVERYTHING.items() if k != name}, {**EVERYTHING, name: ""},
                            {**EVERYTHING, name: None}):
                with pytest.raises(ValidationFailed) as refused:
                    workflow.step(source, action, missing)
                assert refused.value.field == name, (action, name)
                assert "须填写" in refused.value.message
        only_needed = {name: EVERYTHING[name] for name in needs}
        assert workflow.step(source, action, only_needed).action == action


def test_an_unknown_action_is_a_validation_error_naming_the_field():
    with pytest.raises(ValidationFailed) as refused:
        cases.WORKFLOW.step("collected", "teleport", EVERYTHING)
    assert (refused.value.field, refused.value.code) == ("action", "case.unknown_action")
    with pytest.raises(ValidationFailed) as refused:
        service_orders.WORKFLOW.step("ordered", "cancel", EVERYTHING)
    assert refused.value.code == "service_order.unknown_action"


def test_duties_split_the_actions_between_grid_township_and_handler():
    assert set(cases.WORKFLOW.actions_for(REPORT)) == {"report", "screen_out", "verify", "reject", "refer_to_mediation"}
    assert set(cases.WORKFLOW.actions_for(DISPATCH)) == {"return", "dispatch", "close", "reopen"}
    assert set(cases.WORKFLOW.actions_for(HANDLE)) == {"send_back", "handle"}
    assert set(service_orders.WORKFLOW.actions_for(REPORT)) == {"dispatch", "rate"}
    assert set(service_orders.WORKFLOW.actions_for(HANDLE)) == {"deliver"}


def make_case(status="collected", verify_on_site=True, category="safety", assignee=None, **extra):
    return {"_id": "C1", "status": status, "grid_code": "500229001001001",
            "area_path": ["500229", "500229001", "500229001001", "500229001001001"],
            "item": {"category": category, "owner_department": "县消防救援大队", "verify_on_site": verify_on_site},
            "reporter": WORKER, "assignee": assignee or WORKER, "reported_to": TOWNSHIP, "handler": HANDLER,
            **extra}


def after(case, action, township_name="葛城街道", **command):
    transition = cases.WORKFLOW.transitions[action]
    return cases.assignee_after(case, transition, CaseActionIn(action=action, **command), township_name)


def test_who_the_case_waits_on_after_each_move():
    # Reported to the township: the township of the case's own path, by the name given.
    assert after(make_case(), "report") == {"kind": "township", "id": "500229001", "name": "葛城街道"}
    # Reported straight to the item's owner department.
    assert after(make_case(), "report", to="department") == \
        {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}
    # Screened out or returned: back to the grid worker who reported it.
    assert after(make_case(), "screen_out", reason="重复上报") == WORKER
    assert after(make_case("reported", assignee=TOWNSHIP), "return", reason="请补充照片") == WORKER
    # Dispatched: to whoever it is dispatched to.
    assert after(make_case("reported", assignee=TOWNSHIP), "dispatch", assignee=ASSIGNEE) == ASSIGNEE
    # Sent back by the handler: to whoever it was reported to (not to the township by default).
    department = {"kind": "department", "id": "县应急管理局", "name": "县应急管理局"}
    assert after(make_case("dispatched", assignee=HANDLER, reported_to=department), "send_back",
                 reason="非本单位职责") == department
    # Handled: to the grid worker when the item needs a site visit, otherwise to whoever it was reported to.
    assert after(make_case("dispatched", assignee=HANDLER), "handle", feedback="已清理") == WORKER
    assert after(make_case("dispatched", verify_on_site=False, assignee=HANDLER), "handle",
                 feedback="已清理") == TOWNSHIP
    # Verified: back to whoever it was reported to, to close.
    assert after(make_case("handled"), "verify") == TOWNSHIP
    # Rejected or reopened without a new assignee: to the handler it was dispatched to before.
    assert after(make_case("handled"), "reject", reason="未清理干净") == HANDLER
    assert after(make_case("closed", assignee=TOWNSHIP), "reopen", reason="群众反映又堆放") == HANDLER
    # Closed: stays with whoever closed it out.
    assert after(make_case("verified", assignee=TOWNSHIP), "close") == TOWNSHIP
    # Referred: to mediation.
    assert after(make_case(category="dispute"), "refer_to_mediation")["kind"] == "mediation"


def test_every_target_has_an_assignee_of_the_expected_kind():
    expected = {"report": "township", "screen_out": "grid_worker", "return": "grid_worker", "dispatch": "staff",
                "send_back": "township", "handle": "grid_worker", "verify": "township", "reject": "department",
                "close": "township", "reopen": "department", "refer_to_mediation": "mediation"}
    for action, kind in expected.items():
        source = sorted(CASE_TABLE[action][0])[0]
        command = {k: EVERYTHING[k] for k in CASE_TABLE[action][2]}
        got = after(make_case(source, category="dispute", assignee=TOWNSHIP), action, **command)
        assert got["kind"] == kind, action


def rule(case, action, actor_id="anyone"):
    cases.check_rules(case, cases.WORKFLOW.transitions[action], actor_id)


def test_an_item_needing_verification_is_not_closed_straight_from_handled():
    with pytest.raises(Conflict) as refused:
        rule(make_case("handled", verify_on_site=True), "close")
    assert refused.value.code == "case.verification_required"
    rule(make_case("verified", verify_on_site=True), "close")
    rule(make_case("handled", verify_on_site=False), "close")


def test_only_disputes_are_referred_to_mediation():
    for category in ("safety", "environment", "livelihood", "other"):
        with pytest.raises(Conflict) as refused:
            rule(make_case(category=category), "refer_to_mediation")
        assert refused.value.code == "case.not_a_dispute"
    rule(make_case(category="dispute"), "refer_to_mediation")


def test_only_the_staff_member_it_was_dispatched_to_handles_or_sends_back():
    dispatched = make_case("dispatched", assignee=ASSIGNEE)
    for action in ("handle", "send_back"):
        with pytest.raises(Forbidden) as refused:
            rule(dispatched, action, "cadre-2")
        assert refused.value.code == "case.not_assignee"
        rule(dispatched, action, "cadre-1")
        rule(dispatched, action, None)  # an internal caller with no actor
        rule(make_case("dispatched", assignee=HANDLER), action, "cadre-2")  # a department's case: anyone in it
    # Duties other than handling are not tied to the assignee.
    rule(make_case("handled", assignee=ASSIGNEE), "verify", "cadre-2")


@pytest.mark.parametrize("rating, target", [(1, "reopened"), (2, "reopened"), (3, "rated"), (4, "rated"),
                                            (5, "rated")])
def test_a_rating_of_two_or_less_reopens_the_order(rating, target):
    transition = service_orders.WORKFLOW.transitions["rate"]
    assert service_orders.target_of(transition, OrderActionIn(action="rate", rating=rating)) == target
    # Only rating decides it; other actions go where the table says.
    deliver = service_orders.WORKFLOW.transitions["deliver"]
    assert service_orders.target_of(deliver, OrderActionIn(action="deliver", feedback="已办")) == "delivered"


def test_ratings_outside_one_to_five_are_refused():
    for bad in (0, 6, -1):
        with pytest.raises(ValidationError) as refused:
            OrderActionIn(action="rate", rating=bad)
        assert refused.value.errors()[0]["loc"] == ("rating",)


def test_only_the_cadre_an_order_went_to_delivers_it():
    deliver = service_orders.WORKFLOW.transitions["deliver"]
    order = {"status": "dispatched", "assignee": ASSIGNEE}
    with pytest.raises(Forbidden) as refused:
        service_orders.check_rules(order, deliver, "cadre-2")
    assert refused.value.code == "service_order.not_assignee"
    service_orders.check_rules(order, deliver, "cadre-1")
    service_orders.check_rules({"status": "dispatched", "assignee": HANDLER}, deliver, "cadre-2")
    service_orders.check_rules({"status": "ordered", "assignee": None},
                               service_orders.WORKFLOW.transitions["dispatch"], "cadre-2")
