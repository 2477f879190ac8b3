"""平战转换 over real HTTP: the gateway, the grid, org and emergency services on the real broker and store, one suite
for the module, over a township of about 200 households in 9 grids. The township publishes its flood plan and
activates it: every household gets its task, with the grid's own worker; 200 grid workers' reports at once (some
sent twice) give exact counts on the board; deactivation freezes the board and the closing report has its counts."""
import contextlib
import uuid

import pytest

from services.emergency.service import EmergencyService
from services.gateway.service import GatewayService
from services.grid.emergency_roster import needs_assistance
from services.grid.importing import to_rows
from services.grid.service import GridService
from services.org.service import OrgService
from services.risk.service import RiskService
from tests import factories
from tests.e2e.test_gateway_http import admin
from tests.e2e.test_grid_affairs_http import staff
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

AREAS = factories.chengkou_areas(villages=3, grids=3, micro_grids=2, names=["蓼子乡"])
TOWN = "500229201"
VILLAGES = factories.codes(AREAS, "village")
GRIDS = factories.codes(AREAS, "grid")
HOUSEHOLDS = factories.households(factories.codes(AREAS), 200, seed=17)
STATUSES = ["checked", "not_reached", "evacuated", "needs_help", "checked"]


def report_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def township(module_gateway_port):
    port = module_gateway_port
    with running(GridService, OrgService, EmergencyService, RiskService, GatewayService):
        root = admin(port)
        with rpc(COUNTY_SCOPE, timeout=120) as proxy:  # 200 households with their residents in one import
            proxy.grid.upsert_areas(AREAS)
            workers = [factories.grid_worker([g], worker_id=f"GWE{i:02d}") for i, g in enumerate(GRIDS)]
            proxy.grid.save_grid_workers(workers)
            result = proxy.grid.import_rows(to_rows(HOUSEHOLDS, {a["code"]: a["name"] for a in AREAS}), False)
            assert result["imported"]["households_created"] == 200, result
        wait_until(lambda: database("emergency").households.count_documents({}) == 200 and
                   database("emergency").workers.count_documents({}) == len(GRIDS) and
                   database("emergency").areas.count_documents({"kind": "grid"}) == len(GRIDS),
                   what="the emergency service's read models of the township")
        village = VILLAGES[0]
        for org_id, name, kind, area, parent in (("PO500229", "中共城口县委员会", "committee", "500229", None),
                                                 (f"PO{TOWN}", "中共城口县蓼子乡委员会", "committee", TOWN, "PO500229"),
                                                 (f"PO{village}", "中共某村支部委员会", "branch", village, f"PO{TOWN}")):
            status, body = root.request("PUT", f"/api/v1/org/party-orgs/{org_id}", {
                "name": name, "kind": kind, "area_code": area, "parent_org_id": parent,
                "secretary": "冉书记" if area == village else None})
            assert status == 200, body
        people = {"root": root, "workers": {w["grid_codes"][0]: w["worker_id"] for w in workers}}
        people["commander"] = staff(port, root, "ran.zhihui", "冉指挥", "township_staff", TOWN)[0]
        people["leader"] = staff(port, root, "chen.lingdao", "陈领导", "leader", TOWN)[0]
        people["grid"] = {g: staff(port, root, f"gw.{i}", f"网格员{i}", "grid_worker", g)[0]
                          for i, g in enumerate(GRIDS)}
        yield people


@pytest.fixture(scope="module")
def activation(township):
    commander = township["commander"]
    status, plan = commander.request("PUT", "/api/v1/emergency/plans/EP201-flood",
                                     factories.emergency_plan(TOWN, VILLAGES))
    assert status == 200 and plan["status"] == "draft", plan
    status, plan = commander.request("POST", "/api/v1/emergency/plans/EP201-flood/publish", {})
    assert status == 200 and plan["status"] == "published" and plan["version"] == 1, plan
    status, started = commander.request("POST", "/api/v1/emergency/activations", {
        "plan_id": "EP201-flood", "area_codes": [TOWN], "level": "III", "reason": "气象台发布暴雨红色预警，河水上涨"})
    assert status == 201, started
    return started["activation_id"]


def test_a_township_plan_activated_gives_every_household_a_task_for_its_own_grid_worker(township, activation):
    tasks = list(database("emergency").household_tasks.find({"activation_id": activation}))
    assert len(tasks) == 200
    registry = {h["_id"]: h["area_path"][3] for h in database("grid").households.find({}, {"area_path": 1})}
    assert {t["household_id"]: t["grid_code"] for t in tasks} == registry
    assert all(t["assignees"] == [township["workers"][t["grid_code"]]] for t in tasks)
    # The listed vulnerable residents are referenced by id, never by who they are or why.
    listed = {r["_id"] for r in database("grid").residents.find({})
              if needs_assistance(database_resident(r))}
    assert {rid for t in tasks for rid in t["vulnerable_resident_ids"]} == listed and listed
    assert all(t["evacuate"] == bool(t["vulnerable_resident_ids"]) for t in tasks)  # level III: evacuation applies

    for grid, client in township["grid"].items():
        status, mine = client.request("GET", "/api/v1/emergency/mine")
        assert status == 200, mine
        (shown,) = mine["activations"]
        assert sorted(h["household_id"] for h in shown["households"]) == \
            sorted(h for h, g in registry.items() if g == grid)
        assert {t["kind"] for t in shown["tasks"]} == {"watch"}  # village tasks go to the village's roles
    batches = [e["envelope"]["data"] for e in database("emergency").outbox.find(
        {"event_type": "emergency.task.assigned"})]
    assert sorted(b["grid_code"] for b in batches) == sorted(GRIDS)
    assert sum(b["household_tasks"] for b in batches) == 200
    assert all(b["worker_ids"] == [township["workers"][b["grid_code"]]] for b in batches)

    # The risk service counts the township's activation as a signal of its area.
    signal = wait_until(lambda: database("risk").signals.find_one({"kind": "emergency_activated"}),
                        what="the activation's risk signal")
    assert (signal["township_code"], signal["ref"]) == (TOWN, activation)

    status, detail = township["leader"].request("GET", f"/api/v1/emergency/activations/{activation}")
    assert status == 200, detail
    first = next(v for v in detail["command"]["villages"] if v["village_code"] == VILLAGES[0])
    assert first["commander"] == "冉书记" and detail["command"]["org_unavailable"] is False
    assert {g["grid_code"]: [w["worker_id"] for w in g["workers"]] for g in detail["command"]["grids"]} == \
        {g: [w] for g, w in township["workers"].items()}


def database_resident(doc: dict) -> dict:
    """A stored resident's two fields that decide assisted evacuation, opened with the grid's own cipher."""
    from services.grid.store import GridStore

    return GridStore(database("grid")).opened_resident(doc)


def test_two_hundred_concurrent_reports_some_sent_twice_give_exact_counts(township, activation):
    tasks = {t["household_id"]: t for t in database("emergency").household_tasks.find({"activation_id": activation})}
    shelters = [f"S{v[-6:]}" for v in VILLAGES]
    plan = []
    for i, (household_id, task) in enumerate(sorted(tasks.items())):
        status = STATUSES[i % len(STATUSES)]
        body = {"report_id": report_id(), "status": status}
        if status == "evacuated":
            body["shelter_id"] = shelters[i % len(shelters)]
        plan.append((task["grid_code"], household_id, body))
    twice = plan[:25]  # a weak network: the phone sends these again before the first answer arrives

    # All 225 reports are on the broker at once, each with the context the gateway gives its grid worker's request
    # (their grid as scope, their account as actor), so the service's workers race on households and counters.
    with contextlib.ExitStack() as stack:
        proxies = {grid: stack.enter_context(rpc({"scope": [grid], "actor": {"id": f"gw-{grid}", "role": "grid_worker"},
                                                   "actor_name": "网格员"}, timeout=120)) for grid in GRIDS}
        calls = [proxies[grid].emergency.report_household.call_async(activation, household_id, body)
                 for grid, household_id, body in plan + twice]
        answers = [call.result() for call in calls]
    assert sum(1 for a in answers if a["duplicate"]) == len(twice)
    assert sorted(a["report_id"] for a in answers) == sorted(b["report_id"] for _, _, b in plan + twice)

    expected = {s: sum(1 for _, _, b in plan if b["status"] == s) for s in ("checked", "not_reached", "evacuated",
                                                                              "needs_help")}
    safe = {h for _, h, b in plan if b["status"] in ("checked", "evacuated")}
    moved = {}
    for _, h, b in plan:
        if b["status"] == "evacuated":
            moved[b["shelter_id"]] = moved.get(b["shelter_id"], 0) + tasks[h]["resident_count"]
    status, board = township["commander"].request("GET", f"/api/v1/emergency/activations/{activation}/board")
    assert status == 200, board
    totals = board["totals"]
    assert {s: totals[s] for s in expected} == expected and totals["pending"] == 0 and totals["households"] == 200
    assert totals["reports"] == 200
    assert totals["vulnerable"] == sum(len(t["vulnerable_resident_ids"]) for t in tasks.values())
    assert totals["vulnerable_accounted"] == sum(len(tasks[h]["vulnerable_resident_ids"]) for h in safe)
    assert {s["shelter_id"]: s["occupants"] for s in board["shelters"]} == {s: moved.get(s, 0) for s in shelters}
    assert totals["evacuated_people"] == sum(moved.values())
    for grid in board["grids"]:
        mine = [b for g, _, b in plan if g == grid["area_code"]]
        assert grid["checked"] == sum(1 for b in mine if b["status"] == "checked") and grid["households"] == len(mine)
    assert sum(v["households"] for v in board["villages"]) == 200
    assert database("emergency").reports.count_documents({"activation_id": activation}) == 200
    events = database("emergency").outbox.count_documents({"event_type": "emergency.household.status_reported"})
    assert events == 200

    # The board answers a poll with 304 while nothing changes.
    status, _ = township["commander"].request("GET", f"/api/v1/emergency/activations/{activation}/board",
                                              headers={"If-None-Match": f'"{board["version"]}"'})
    assert status == 304
    # A household moves on: checked after not reached; the counts follow, once.
    grid, household_id, body = next(p for p in plan if p[2]["status"] == "not_reached")
    later = {"report_id": report_id(), "status": "checked"}
    for _ in range(2):
        status, answer = township["grid"][grid].request(
            "POST", f"/api/v1/emergency/activations/{activation}/households/{household_id}/reports", later)
        assert status == 200, answer
    after = township["commander"].request("GET", f"/api/v1/emergency/activations/{activation}/board")[1]["totals"]
    assert (after["checked"], after["not_reached"]) == (expected["checked"] + 1, expected["not_reached"] - 1)
    # …but an evacuated household is not "not reached" again, and another grid's worker is not let in.
    grid, household_id, _ = next(p for p in plan if p[2]["status"] == "evacuated")
    status, refused = township["grid"][grid].request(
        "POST", f"/api/v1/emergency/activations/{activation}/households/{household_id}/reports",
        {"report_id": report_id(), "status": "not_reached"})
    assert status == 409 and refused["code"] == "household_check.illegal_transition", refused
    other = next(g for g in GRIDS if g != grid)
    assert township["grid"][other].request(
        "POST", f"/api/v1/emergency/activations/{activation}/households/{household_id}/reports",
        {"report_id": report_id(), "status": "checked"})[0] == 404


def test_deactivation_freezes_the_board_and_the_closing_report_has_its_counts(township, activation):
    commander = township["commander"]
    board = commander.request("GET", f"/api/v1/emergency/activations/{activation}/board")[1]
    status, ended = commander.request("POST", f"/api/v1/emergency/activations/{activation}/deactivate", {
        "reason": "雨情缓解，河水回落到警戒线以下", "went_wrong": ["第3网格有4户手机无信号，未联系上"],
        "follow_ups": [{"title": "为无信号农户配发应急广播", "owner": "乡应急办", "due_on": "2026-12-31"}]})
    assert status == 200, ended
    frozen = commander.request("GET", f"/api/v1/emergency/activations/{activation}/board")[1]
    assert frozen["frozen"] is True and frozen["totals"] == board["totals"]
    task = database("emergency").household_tasks.find_one({"activation_id": activation, "status": "checked"})
    status, refused = township["grid"][task["grid_code"]].request(
        "POST", f"/api/v1/emergency/activations/{activation}/households/{task['household_id']}/reports",
        {"report_id": report_id(), "status": "needs_help"})
    assert status == 409 and refused["code"] == "activation.deactivated"
    again = commander.request("GET", f"/api/v1/emergency/activations/{activation}/board")[1]
    assert again["version"] == frozen["version"]

    status, report = commander.request("GET", f"/api/v1/emergency/activations/{activation}/closing-report")
    assert status == 200, report
    assert report["counts"] == {k: board["totals"][k] for k in report["counts"]}
    assert [e["action"] for e in report["timeline"]][0] == "activate" and report["timeline"][-1]["action"] == \
        "deactivate"
    assert report["went_wrong"] == ["第3网格有4户手机无信号，未联系上"] and report["follow_ups"][0]["owner"] == "乡应急办"
    plan = commander.request("GET", "/api/v1/emergency/plans/EP201-flood")[1]
    assert [r["activation_id"] for r in plan["closing_reports"]] == [activation]
    # Back to normal work: the phone page finds nothing to do in wartime.
    status, mine = township["grid"][GRIDS[0]].request("GET", "/api/v1/emergency/mine")
    assert status == 200 and mine["activations"] == []
    (event,) = [e["envelope"] for e in database("emergency").outbox.find({"event_type":
                                                                           "emergency.activation.deactivated"})]
    assert event["data"]["counts"] == report["counts"]
    text = str(list(database("emergency").outbox.find({}, {"envelope": 1})))
    for h in HOUSEHOLDS:
        for r in h["residents"]:
            assert r["name"] not in text and r["id_number"] not in text
