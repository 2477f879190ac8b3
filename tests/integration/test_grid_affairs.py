"""Grid affairs through the grid service's RPC entrypoints, against real RabbitMQ and a real MongoDB-protocol
server: every legal transition and every illegal one, deadlines and escalation with a test clock, the scope of a
grid worker, referral to mediation, photos in GridFS, versioned responsibility items and service orders."""
import base64
from datetime import datetime, timedelta

import pytest
from prometheus_client import generate_latest

from services.grid import cases
from services.grid.service import GridService
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running

PNG = factories.PNG
HANDLER = {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}
CADRE_ASSIGNEE = {"kind": "staff", "id": "cadre-1", "name": "王干部"}
CADRE = {"scope": ["500229"], "actor": {"id": "cadre-1", "role": "village_cadre"}, "username": "wang"}


@pytest.fixture
def affairs(env):
    with running(GridService):
        with rpc(COUNTY_SCOPE) as proxy:
            for area in factories.chengkou_areas(townships=1, villages=1, grids=2, micro_grids=1):
                proxy.grid.upsert_area(area)
            grids = [a["code"] for a in proxy.grid.list_areas(kind="grid")["items"]]
            yield proxy.grid, grids


def new_case(grid, grid_code, item_code="safety.fire", **extra):
    return grid.open_case({"grid_code": grid_code, "item_code": item_code, "title": "楼道堆放杂物",
                           "description": "三号楼楼道堆放大量纸箱，堵塞消防通道", **extra})


# Paths from a new case to each status, as (action, fields) steps.
PATHS = {
    "collected": [],
    "reported": [("report", {})],
    "dispatched": [("report", {}), ("dispatch", {"assignee": HANDLER})],
    "handled": [("report", {}), ("dispatch", {"assignee": HANDLER}), ("handle", {"feedback": "已清理"})],
    "verified": [("report", {}), ("dispatch", {"assignee": HANDLER}), ("handle", {"feedback": "已清理"}),
                 ("verify", {})],
    "closed": [("report", {}), ("dispatch", {"assignee": HANDLER}), ("handle", {"feedback": "已清理"}),
               ("verify", {}), ("close", {})],
    "not_a_case": [("screen_out", {"reason": "重复上报"})],
    "referred": [("refer_to_mediation", {})],
}
FIELDS = {"screen_out": {"reason": "不属实"}, "return": {"reason": "请补充照片"}, "send_back": {"reason": "非本单位"},
          "reject": {"reason": "未清理干净"}, "reopen": {"reason": "群众反映又堆放"}, "handle": {"feedback": "已清理"},
          "dispatch": {"assignee": HANDLER}}


def bring_to(grid, grid_code, status, item_code="dispute.neighbour"):
    case = new_case(grid, grid_code, item_code)
    for action, fields in PATHS[status]:
        case = grid.act_on_case(case["case_id"], {"action": action, **fields})
    assert case["status"] == status
    return case


def test_every_legal_transition_moves_the_case_and_is_recorded(affairs):
    grid, (grid_code, _) = affairs
    for transition in cases.WORKFLOW.transitions.values():
        for source in sorted(transition.sources):
            item = "dispute.neighbour" if transition.action != "close" or source != "handled" \
                else "environment.sanitation"  # closing straight from handled needs an item without verification
            case = bring_to(grid, grid_code, source, item)
            moved = grid.act_on_case(case["case_id"], {"action": transition.action,
                                                       **FIELDS.get(transition.action, {})})
            assert moved["status"] == transition.target, (transition.action, source)
            last = moved["history"][-1]
            assert (last["action"], last["from"], last["to"]) == (transition.action, source, transition.target)
            assert last["actor"]["id"] == "tester" and last["at"]
            assert moved["assignee"]["id"] and moved["grid_code"] == grid_code and moved["item"]["code"] == item


def test_every_illegal_transition_is_refused_and_changes_nothing(affairs):
    grid, (grid_code, _) = affairs
    for status in PATHS:
        case = bring_to(grid, grid_code, status)
        for action in set(cases.WORKFLOW.transitions) - set(cases.WORKFLOW.allowed(status)):
            with pytest.raises(Conflict) as refused:
                grid.act_on_case(case["case_id"], {"action": action, **FIELDS.get(action, {})})
            assert refused.value.code == "case.illegal_transition" and "不能" in refused.value.message
        after = grid.get_case(case["case_id"])
        assert after["status"] == status and len(after["history"]) == len(case["history"])


def test_a_missing_reason_or_unknown_action_is_a_400(affairs):
    grid, (grid_code, _) = affairs
    case = new_case(grid, grid_code)
    with pytest.raises(ValidationFailed) as missing:
        grid.act_on_case(case["case_id"], {"action": "screen_out"})
    assert missing.value.field == "reason"
    with pytest.raises(ValidationFailed) as unknown:
        grid.act_on_case(case["case_id"], {"action": "teleport"})
    assert unknown.value.field == "action"


def test_item_needing_verification_cannot_close_from_handled(affairs):
    grid, (grid_code, _) = affairs
    case = bring_to(grid, grid_code, "handled", "safety.fire")
    assert case["assignee"]["kind"] == "grid_worker"  # waits on the grid worker's visit
    with pytest.raises(Conflict) as refused:
        grid.act_on_case(case["case_id"], {"action": "close"})
    assert refused.value.code == "case.verification_required"


def test_only_disputes_are_referred_and_the_event_carries_no_narrative(affairs):
    grid, (grid_code, _) = affairs
    fire = new_case(grid, grid_code, "safety.fire")
    with pytest.raises(Conflict) as refused:
        grid.act_on_case(fire["case_id"], {"action": "refer_to_mediation"})
    assert refused.value.code == "case.not_a_dispute"
    dispute = new_case(grid, grid_code, "dispute.neighbour", title="张三与李四宅基地纠纷")
    grid.act_on_case(dispute["case_id"], {"action": "refer_to_mediation"})
    event = database("grid").outbox.find_one({"event_type": "grid.case.referred_to_mediation"})
    data = event["envelope"]["data"]
    assert data["case_id"] == dispute["case_id"] and data["category"] == "dispute"
    assert "张三" not in str(event) and "宅基地" not in str(event)
    narrative = grid.get_case_for_referral(dispute["case_id"])
    assert narrative["title"] == "张三与李四宅基地纠纷"


def test_only_the_assigned_cadre_handles_a_case_dispatched_to_them(affairs):
    grid, (grid_code, _) = affairs
    case = bring_to(grid, grid_code, "reported")
    case = grid.act_on_case(case["case_id"], {"action": "dispatch", "assignee": CADRE_ASSIGNEE})
    with rpc({**CADRE, "actor": {"id": "someone-else", "role": "village_cadre"}}) as other:
        with pytest.raises(Forbidden):
            other.grid.act_on_case(case["case_id"], {"action": "handle", "feedback": "已处理"})
    with rpc(CADRE) as cadre:
        assert cadre.grid.act_on_case(case["case_id"], {"action": "handle", "feedback": "已处理"})["status"] == \
            "handled"


def test_a_grid_worker_sees_and_acts_only_within_their_grid(affairs):
    grid, (mine, theirs) = affairs
    outside = new_case(grid, theirs)
    worker = {"scope": [mine], "actor": {"id": "worker-1", "role": "grid_worker"}, "username": "li"}
    with rpc(worker) as proxy:
        inside = new_case(proxy.grid, mine)
        listed = {c["case_id"] for c in proxy.grid.list_cases()["items"]}
        assert inside["case_id"] in listed and outside["case_id"] not in listed
        with pytest.raises(NotFound):
            proxy.grid.get_case(outside["case_id"])
        with pytest.raises(NotFound):
            proxy.grid.act_on_case(outside["case_id"], {"action": "report"})
        with pytest.raises(NotFound):
            proxy.grid.attach_case_file(outside["case_id"], "discovered", "a.png", base64.b64encode(PNG).decode())
        with pytest.raises(NotFound):
            new_case(proxy.grid, theirs)
    assert grid.get_case(outside["case_id"])["status"] == "collected"


def test_overdue_cases_escalate_to_township_then_county_with_the_test_clock(affairs):
    grid, (grid_code, _) = affairs
    case = grid.act_on_case(new_case(grid, grid_code, "safety.fire")["case_id"], {"action": "report"})
    due = datetime.fromisoformat(case["due_at"])
    assert grid.sweep_deadlines((due - timedelta(minutes=1)).isoformat()) == {"cases": 0, "service_orders": 0}
    assert grid.sweep_deadlines((due + timedelta(hours=1)).isoformat())["cases"] == 1
    assert grid.sweep_deadlines((due + timedelta(hours=2)).isoformat())["cases"] == 0  # already at the township
    assert grid.get_case(case["case_id"])["escalation"] == 1
    assert grid.sweep_deadlines((due + timedelta(days=4)).isoformat())["cases"] == 1
    seen = grid.get_case(case["case_id"])
    assert seen["escalation"] == 2 and seen["history"][-1]["action"] == "escalate"
    outbox = database("grid").outbox
    assert outbox.count_documents({"event_type": "grid.case.overdue"}) == 1
    levels = [e["envelope"]["data"]["level"] for e in outbox.find({"event_type": "grid.case.escalated"})]
    assert sorted(levels) == ["county", "township"]
    gauge = generate_latest().decode()
    assert 'xz_grid_overdue_open{escalation="county",kind="cases"} 1.0' in gauge


def test_a_case_keeps_the_item_version_it_was_opened_under(affairs):
    grid, (grid_code, _) = affairs
    before = new_case(grid, grid_code, "safety.fire")
    changed = grid.save_responsibility_item({"code": "safety.fire", "name": "消防安全隐患", "owner_department": "县消防救援大队",
                                             "deadline": {"days": 10, "day_kind": "calendar"}})
    assert changed["version"] == 2
    assert grid.save_responsibility_item({"code": "safety.fire", "name": "消防安全隐患", "owner_department": "县消防救援大队",
                                          "deadline": {"days": 10, "day_kind": "calendar"}})["version"] == 2
    after = new_case(grid, grid_code, "safety.fire")
    assert grid.get_case(before["case_id"])["item"]["version"] == 1
    assert after["item"]["version"] == 2 and after["item"]["deadline"] == {"days": 10, "day_kind": "calendar"}
    assert [v["version"] for v in grid.responsibility_item_versions("safety.fire")["versions"]] == [2, 1]


def test_photos_are_kept_in_gridfs_and_only_real_images_are_taken(affairs):
    grid, (grid_code, _) = affairs
    case = new_case(grid, grid_code)
    saved = grid.attach_case_file(case["case_id"], "discovered", "现场.png", base64.b64encode(PNG).decode())
    assert saved["content_type"] == "image/png" and saved["size"] == len(PNG)
    back = grid.read_case_file(case["case_id"], saved["file_id"])
    assert base64.b64decode(back["content_base64"]) == PNG
    assert database("grid")["case_files.files"].count_documents({}) == 1
    with pytest.raises(ValidationFailed) as refused:
        grid.attach_case_file(case["case_id"], "discovered", "x.png", base64.b64encode(b"<script>").decode())
    assert refused.value.code == "file.bad_type"


def test_duplicates_are_suggested_while_screening(affairs):
    grid, (grid_code, other_grid) = affairs
    first = new_case(grid, grid_code, "safety.fire")
    new_case(grid, other_grid, "safety.fire")
    new_case(grid, grid_code, "environment.sanitation")
    second = new_case(grid, grid_code, "safety.production")
    suggested = [d["case_id"] for d in grid.get_case(second["case_id"])["possible_duplicates"]]
    assert suggested == [first["case_id"]]


def test_service_order_walks_ordered_dispatched_delivered_rated_and_a_low_rating_reopens(affairs):
    grid, (grid_code, _) = affairs
    order = grid.place_service_order({"area_code": grid_code, "content": "帮助老人办理医保报销",
                                      "contact_name": "向大姐", "phone": "17100001234"})
    assert order["status"] == "ordered" and order["phone"] == "171****1234"
    order = grid.act_on_service_order(order["order_id"], {"action": "dispatch", "assignee": CADRE_ASSIGNEE})
    assert order["status"] == "dispatched" and order["due_at"]
    with rpc(CADRE) as cadre:
        order = cadre.grid.act_on_service_order(order["order_id"], {"action": "deliver", "feedback": "已代办"})
    assert order["status"] == "delivered"
    with pytest.raises(Conflict):
        grid.act_on_service_order(order["order_id"], {"action": "deliver", "feedback": "再办一次"})
    order = grid.act_on_service_order(order["order_id"], {"action": "rate", "rating": 2})
    assert order["status"] == "reopened" and order["rating"] == 2
    stored = database("grid").service_orders.find_one({"_id": order["order_id"]})
    assert "17100001234" not in str(stored) and "向大姐" not in str(stored)
    types = [e["event_type"] for e in database("grid").outbox.find({"envelope.data.order_id": order["order_id"]})
             .sort("created_at", 1)]
    assert types == ["grid.service_order.placed", "grid.service_order.dispatched", "grid.service_order.delivered",
                     "grid.service_order.rated"]


def test_the_same_submission_sent_twice_opens_one_case_and_one_order(affairs):
    grid, (grid_code, _) = affairs
    first = new_case(grid, grid_code, client_ref="phone-7f3a9c21")
    again = new_case(grid, grid_code, client_ref="phone-7f3a9c21")
    assert again["case_id"] == first["case_id"]
    order = {"area_code": grid_code, "content": "申请维修村道路灯", "contact_name": "向大姐", "client_ref": "order-5e1b2d77"}
    assert grid.place_service_order(order)["order_id"] == grid.place_service_order(order)["order_id"]
    assert database("grid").cases.count_documents({}) == 1
    assert database("grid").service_orders.count_documents({}) == 1
    assert database("grid").outbox.count_documents({"event_type": "grid.service_order.placed"}) == 1


def test_registered_residents_are_a_case_s_parties_and_travel_by_id(affairs):
    grid, (grid_code, other_grid) = affairs
    micro_grid = next(a["code"] for a in grid.list_areas(parent_code=grid_code)["items"])
    resident_ids = [r["resident_id"] for r in grid.register_household(factories.household(micro_grid, 2))["residents"]]
    case = new_case(grid, grid_code, "dispute.family", party_resident_ids=resident_ids)
    grid.act_on_case(case["case_id"], {"action": "refer_to_mediation"})
    event = database("grid").outbox.find_one({"event_type": "grid.case.referred_to_mediation"})
    assert event["envelope"]["data"]["party_resident_ids"] == resident_ids
    with rpc({"scope": [other_grid], "actor": {"id": "worker-2", "role": "grid_worker"}}) as elsewhere:
        with pytest.raises(ValidationFailed) as refused:  # residents outside the caller's grids are not found
            new_case(elsewhere.grid, other_grid, "dispute.family", party_resident_ids=resident_ids[:1])
    assert refused.value.field == "party_resident_ids"
