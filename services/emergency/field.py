"""The service layer of the work in the field: a grid worker's report on a household (two taps on the phone,
perhaps sent several times over a weak network: the client's report id makes it count once), its photo, the hourly
reports of villages and grids, and an area task done.

A report is decided on the household as read (HOUSEHOLD table), then written in one transaction with the
household's conditional update (its revision), the counters' atomic `$inc` and the event; when the household
moved meanwhile it is read and decided again."""
import base64

from pymongo.errors import DuplicateKeyError

from shared import clock, files
from shared.errors import Conflict, NotFound, ValidationFailed, parse

from .api import HOUSEHOLD_STATUS_LABELS, HourlyReportIn, HouseholdReportIn, HouseholdStatusReported, TaskDoneIn
from .commands import activation_in_scope
from .domain import HOUSEHOLD, counter_delta
from .store import Frozen, Stale

ATTEMPTS = 5


def _answer(report: dict, duplicate: bool) -> dict:
    return {"report_id": report["_id"], "household_id": report["household_id"], "status": report["status"],
            "status_label": HOUSEHOLD_STATUS_LABELS[report["status"]], "shelter_id": report.get("shelter_id"),
            "duplicate": duplicate, "at": clock.iso(report["at"])}


def _ended() -> Conflict:
    return Conflict("应急响应已解除，态势已冻结", field="activation_id", code="activation.deactivated")


def report_household(work, activation_id: str, household_id: str, payload: dict) -> dict:
    """已核查 / 未联系上 / 已转移至安置点 / 需要帮助 for one household; the same report id again is answered with the
    first outcome and changes nothing."""
    report_in = parse(HouseholdReportIn, payload)
    known = work.store.report(report_in.report_id)
    if known is not None:
        if not work.scope.allows(known["area_path"]):
            raise NotFound("报告不存在或不在辖区内", field="report_id", code="household_report.not_found")
        if known["household_id"] != household_id or known["activation_id"] != activation_id:
            raise Conflict("报告编号已用于另一户", field="report_id", code="household_report.id_taken")
        return _answer(known, duplicate=True)
    activation = activation_in_scope(work, activation_id)
    if activation["status"] != "active":
        raise _ended()
    shelters = {s["shelter_id"] for s in activation["shelters"]}
    if report_in.shelter_id and report_in.shelter_id not in shelters:
        raise ValidationFailed("安置点不在本预案中", field="shelter_id", code="household_report.unknown_shelter")
    for _ in range(ATTEMPTS):
        task = work.store.household_task(activation["_id"], str(household_id or ""), work.scope.query())
        if task is None:
            raise NotFound("该户不在本次响应的辖区任务中", field="household_id", code="household_task.not_found")
        HOUSEHOLD.step(task["status"], report_in.status.value, report_in.model_dump())
        people = report_in.people if report_in.people is not None else task["resident_count"]
        vulnerable = len(task["vulnerable_resident_ids"])
        before = {"status": task["status"], "vulnerable": vulnerable, "people": task.get("people", 0),
                  "shelter_id": task.get("shelter_id")}
        after = {"status": report_in.status.value, "vulnerable": vulnerable,
                 "people": people if report_in.shelter_id else 0, "shelter_id": report_in.shelter_id}
        now = clock.now()
        report = {"_id": report_in.report_id, "activation_id": activation["_id"], "household_id": task["household_id"],
                  "grid_code": task["grid_code"], "area_path": task["area_path"], "status": after["status"],
                  "previous_status": task["status"], "shelter_id": report_in.shelter_id, "people": after["people"],
                  "note": report_in.note, "at": now, "by": work.actor_ref()}
        changes = {"status": after["status"], "shelter_id": after["shelter_id"], "people": after["people"],
                   "last_report_id": report["_id"], "reported_at": now, "reported_by": work.actor_ref(),
                   "photo_file_id": None}

        def save(tx, task=task, report=report, changes=changes, before=before, after=after):
            work.store.apply_report(task, report, changes, counter_delta(before, after), tx.session)
            tx.emit(HouseholdStatusReported(
                activation_id=activation["_id"], report_id=report["_id"], household_id=task["household_id"],
                grid_code=task["grid_code"], village_code=task["village_code"], township_code=task["township_code"],
                status=after["status"], previous_status=before["status"], shelter_id=after["shelter_id"],
                drill=activation["drill"]), area_code=task["grid_code"])

        try:
            work.transaction(save)
        except DuplicateKeyError:
            return _answer(work.store.report(report_in.report_id), duplicate=True)  # the same report, racing
        except Stale:
            continue
        except Frozen:
            raise _ended() from None
        return _answer(report, duplicate=False)
    raise Conflict("该户状态正被频繁更新，请稍后重试", field="household_id", code="household_task.busy")


def attach_photo(work, report_id: str, filename: str, content_base64: str) -> dict:
    """A photo kept with a household report (where help is needed, say); a second photo replaces the first."""
    report = work.store.report(str(report_id or ""))
    if report is None or not work.scope.allows(report["area_path"]):
        raise NotFound("报告不存在或不在辖区内", field="report_id", code="household_report.not_found")
    name, content, kind = files.checked_upload(filename, content_base64)
    if kind == "application/pdf":
        raise ValidationFailed("只接受 JPEG、PNG 照片", field="file", code="file.bad_type")
    file_id = work.store.photos.put(content, name, kind, {"report_id": report["_id"]})
    work.store.attach_photo(report["_id"], file_id)
    return {"report_id": report["_id"], "photo_file_id": file_id, "size": len(content)}


def read_photo(work, report_id: str) -> dict:
    report = work.store.report(str(report_id or ""))
    if report is None or not work.scope.allows(report["area_path"]) or not report.get("photo_file_id"):
        raise NotFound("照片不存在", field="report_id", code="file.not_found")
    found = work.store.photos.get(report["photo_file_id"])
    if found is None:
        raise NotFound("照片不存在", field="report_id", code="file.not_found")
    content, meta = found
    return {"filename": meta["filename"], "content_type": meta["content_type"],
            "content_base64": base64.b64encode(content).decode()}


def hourly_report(work, activation_id: str, payload: dict) -> dict:
    """每小时报告 of a village or grid: what happened in the last hour; the same report id counts once."""
    report_in = parse(HourlyReportIn, payload)
    known = work.store.hourly_report(report_in.report_id)
    if known is not None:
        return {"report_id": known["_id"], "duplicate": True, "at": clock.iso(known["at"])}
    activation = activation_in_scope(work, activation_id)
    if activation["status"] != "active":
        raise _ended()
    code = report_in.area_code
    if not any(code.startswith(a) for a in activation["area_codes"]):
        raise ValidationFailed("该区域不在本次响应中", field="area_code", code="hourly_report.outside")
    path = work.scope.require(code, "area_code")
    doc = {"_id": report_in.report_id, "activation_id": activation["_id"], "area_code": code, "area_path": path,
           "summary": report_in.summary, "at": clock.now(), "by": work.actor_ref()}
    try:
        work.transaction(lambda tx: work.store.insert_hourly(doc, tx.session))
    except DuplicateKeyError:
        return {"report_id": doc["_id"], "duplicate": True, "at": clock.iso(doc["at"])}
    return {"report_id": doc["_id"], "duplicate": False, "at": clock.iso(doc["at"])}


def complete_task(work, task_id: str, payload: dict) -> dict:
    """An area task reported done (a road closed, the materials in place); hourly reports are never done."""
    done = parse(TaskDoneIn, payload)
    task = work.store.task(str(task_id or ""), work.scope.query())
    if task is None:
        raise NotFound("任务不存在或不在辖区内", field="task_id", code="emergency_task.not_found")
    activation = work.store.activation(task["activation_id"])
    if activation["status"] != "active":
        raise _ended()
    if task.get("repeat_minutes"):
        raise ValidationFailed("定时报告类任务请提交每小时报告", field="task_id", code="emergency_task.repeating")
    finished = work.transaction(lambda tx: work.store.finish_task(task["_id"], done.note, work.actor_ref(),
                                                                   tx.session))
    if finished is None:
        raise Conflict("任务已完成", field="task_id", code="emergency_task.done")
    return {"task_id": finished["_id"], "status": "done", "done_at": clock.iso(finished["done_at"])}
