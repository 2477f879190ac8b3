"""The grid registry's service layer: each command loads what it needs, applies the rules in domain.py, and
saves the change with its events in one transaction (`work.transaction`). Entrypoints in service.py call these.

Every read and write is limited to the caller's area scope: outside it a record is simply not found.
"""
import secrets

from pymongo.errors import DuplicateKeyError

from shared import clock, pii
from shared.errors import Conflict, NotFound, ValidationFailed, parse
from shared.paging import page_request, sort_order

from . import affairs, domain, importing, resident_requests
from .api.codes import AreaKind, Relation, RequestKind
from .api.events import (
    AreaUpserted,
    GridUpserted,
    GridWorkerAssigned,
    HouseholdMoved,
    HouseholdRegistered,
    ResidentRegistered,
    ResidentRequestReceived,
    ResidentsImported,
)
from .api.rpc import AreaIn, GridWorkerIn, HouseholdIn, ResidentIn, ResidentRequestIn
from .store import new_id

RELATION_RANK = {relation: rank for rank, relation in enumerate(Relation)}


# areas -----------------------------------------------------------------------------------------------
def upsert_area(work, payload: dict) -> dict:
    return upsert_areas(work, [payload])[0]


def upsert_areas(work, payloads: list[dict]) -> list[dict]:
    """Create or change areas, parents before children, in one transaction; unchanged ones emit nothing."""
    if not isinstance(payloads, list) or not 1 <= len(payloads) <= 1000:
        raise ValidationFailed("一次应提交1到1000个区划", field="areas")
    wanted = []
    for i, payload in enumerate(payloads):
        try:
            wanted.append(parse(AreaIn, payload))
        except ValidationFailed as exc:
            exc.field = f"areas.{i}.{exc.field}" if len(payloads) > 1 and exc.field else exc.field
            raise ValidationFailed(exc.message, field=exc.field, code=exc.code) from None
    known = work.store.areas_by_code({a.parent_code for a in wanted if a.parent_code})
    placed: list[domain.Area] = []
    for area_in in wanted:
        parent = known.get(area_in.parent_code) if area_in.parent_code else None
        if parent is not None and not work.scope.allows(parent.path):
            parent = None  # outside the caller's scope it does not exist for them
        if area_in.kind == AreaKind.county and not work.scope.allows([area_in.code]):
            raise NotFound("无权维护县级区划", field="code", code="area.not_found")
        area = domain.area_from(area_in, parent)
        known[area.code] = area
        placed.append(area)

    def save(tx):
        for area in placed:
            if not work.store.upsert_area(area, tx.session):
                continue
            tx.emit(AreaUpserted(area_code=area.code, parent_code=area.parent_code, kind=area.kind.value,
                                 area_name=area.name, path=area.path), area_code=area.code)
            if area.kind == AreaKind.grid:
                tx.emit(GridUpserted(grid_code=area.code, village_code=area.path[2], township_code=area.path[1],
                                     grid_name=area.name), area_code=area.code)
        return [area.model_dump(mode="json") for area in placed]

    return work.transaction(save)


def get_area(work, code: str) -> dict:
    area = work.store.get_area(code)
    if area is None or not work.scope.allows(area.path):
        raise NotFound("区划不存在", field="code", code="area.not_found")
    return area.model_dump(mode="json")


def list_areas(work, parent_code: str | None = None, kind: str | None = None, page=1, page_size=50) -> dict:
    paging = page_request(page, page_size)
    query: dict = {}
    if parent_code:
        query["parent_code"] = parent_code
    if kind:
        if kind not in AreaKind.__members__:
            raise ValidationFailed("区划类型不在可选范围内", field="kind")
        query["kind"] = kind
    if not work.scope.unrestricted:
        query["path"] = {"$in": list(work.scope.codes)}
    return work.store.list_areas(query, paging.page, paging.page_size)


def _area_in_scope(work, code: str, kind: AreaKind, field: str) -> domain.Area:
    area = work.store.get_area(code)
    if area is None or area.kind != kind or not work.scope.allows(area.path):
        raise ValidationFailed(f"{domain.KIND_LABELS[kind]}不存在：{code}", field=field, code="area.unknown")
    return area


# grid workers ----------------------------------------------------------------------------------------
def save_grid_worker(work, payload: dict, worker_id: str | None = None) -> dict:
    """Create (or, with a known worker_id, update) a grid worker; each newly covered grid emits an assignment."""
    return save_grid_workers(work, [payload], worker_id)[0]


def save_grid_workers(work, payloads: list[dict], worker_id: str | None = None) -> list[dict]:
    if not isinstance(payloads, list) or not 1 <= len(payloads) <= 1000:
        raise ValidationFailed("一次应提交1到1000名网格员", field="grid_workers")
    changes, results = [], []
    for payload in payloads:
        worker_in = parse(GridWorkerIn, payload)
        the_id = worker_id or worker_in.worker_id or new_id("GW")
        grids = [_area_in_scope(work, code, AreaKind.grid, "grid_codes") for code in worker_in.grid_codes]
        current = work.store.get_worker(the_id)
        if current and not work.scope.unrestricted and not any(
                work.scope.allows(g.path) for g in work.store.areas_by_code(current["grid_codes"]).values()):
            raise NotFound("网格员不存在", field="worker_id", code="grid_worker.not_found")
        worker = {"worker_id": the_id, "name": worker_in.name, "employment": worker_in.employment.value,
                  "phone": worker_in.phone, "grid_codes": [g.code for g in grids],
                  "area_path": sorted({code for g in grids for code in g.path})}
        results.append(present_worker(worker))
        if current and all(current[k] == worker[k] for k in ("name", "employment", "phone", "grid_codes")):
            continue
        changes.append((worker, [g for g in grids if g.code not in set(current["grid_codes"] if current else [])]))

    def save(tx):
        for worker, new_grids in changes:
            work.store.save_worker(worker, tx.session)
            for grid in new_grids:
                tx.emit(GridWorkerAssigned(worker_id=worker["worker_id"], grid_code=grid.code,
                                           employment=worker["employment"]), area_code=grid.code)

    if changes:
        work.transaction(save)
    return results


def assign_grid_worker(work, worker_id: str, grid_code: str) -> dict:
    current = get_grid_worker(work, worker_id, masked=False)
    if grid_code in current["grid_codes"]:
        return present_worker(current)
    payload = {k: current[k] for k in ("name", "employment", "phone")}
    return save_grid_worker(work, {**payload, "grid_codes": [*current["grid_codes"], grid_code]}, worker_id)


def get_grid_worker(work, worker_id: str, masked: bool = True) -> dict:
    worker = work.store.get_worker(worker_id, work.scope.query())
    if worker is None:
        raise NotFound("网格员不存在", field="worker_id", code="grid_worker.not_found")
    return present_worker(worker) if masked else worker


def list_grid_workers(work, grid_code: str | None = None, page=1, page_size=50) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.query()
    if grid_code:
        query["grid_codes"] = grid_code
    result = work.store.list_workers(query, paging.page, paging.page_size)
    result["items"] = [present_worker(w) for w in result["items"]]
    return result


def present_worker(worker: dict) -> dict:
    return {"worker_id": worker["worker_id"], "name": worker["name"], "employment": worker["employment"],
            "grid_codes": worker["grid_codes"], "phone": pii.mask_phone(worker.get("phone"))}


# households and residents ----------------------------------------------------------------------------
def register_household(work, payload: dict) -> dict:
    household = parse(HouseholdIn, payload)
    result = apply_households(work, [household], on_existing="conflict")
    return get_household(work, result["household_ids"][0])


def apply_households(work, households: list[HouseholdIn], on_existing: str) -> dict:
    """Save households with their residents in one transaction.

    on_existing="conflict" refuses a known household number or ID number (registration);
    "update" updates them in place (re-import by ID number), moving a household whose micro-grid changed.
    """
    micro_grids = work.store.areas_by_code({h.micro_grid_code for h in households})
    for h in households:
        area = micro_grids.get(h.micro_grid_code)
        if area is None or area.kind != AreaKind.micro_grid or not work.scope.allows(area.path):
            raise ValidationFailed(f"微网格不存在：{h.micro_grid_code}", field="micro_grid_code", code="area.unknown")
    unchanged: list[str] = []
    if on_existing == "update":
        households, unchanged, numbers, indexes = _needing_changes(work.store, households, micro_grids)
        if not households:
            return {"household_ids": unchanged, "households_created": 0, "households_updated": 0,
                    "residents_created": 0, "residents_updated": 0, "households_moved": 0}
    else:
        numbers = [h.household_number for h in households]
        indexes = {work.store.id_index(r.id_number) for h in households for r in h.residents}

    def save(tx):
        store = work.store
        # Only what was there before the transaction is read in it: a household or resident that appeared since
        # fails on its unique index, and the import takes the batch again.
        existing = store.households_by_number(numbers, tx.session) if numbers else {}
        known_residents = store.residents_by_index(indexes, tx.session) if indexes else {}
        if on_existing == "conflict":
            if existing:
                raise Conflict(f"户号已存在：{next(iter(existing))}", field="household_number",
                               code="household.duplicate")
            for h in households:
                for j, r in enumerate(h.residents):
                    if store.id_index(r.id_number) in known_residents:
                        raise Conflict("该身份证号的居民已登记", field=f"residents.{j}.id_number",
                                       code="resident.duplicate")
        new_households, new_residents, ids = [], [], []
        counts = {"households_created": 0, "households_updated": 0, "residents_created": 0,
                  "residents_updated": 0, "households_moved": 0}
        for h in households:
            area = micro_grids[h.micro_grid_code]
            current = existing.get(h.household_number)
            if current is None:
                household_id = new_id("HH")
                new_households.append({"_id": household_id, "household_number": h.household_number,
                                       "micro_grid_codes": [area.code], "area_path": area.path,
                                       "address": h.address})
                counts["households_created"] += 1
            else:
                household_id = current["_id"]
                moved = current["micro_grid_codes"] != [area.code]
                if moved or current["address"] != h.address:
                    store.update_household(household_id, {"micro_grid_codes": [area.code], "area_path": area.path,
                                                           "address": h.address}, tx.session)
                    store.set_residents_area(household_id, area.path, tx.session)
                    counts["households_updated"] += 1
                if moved:
                    counts["households_moved"] += 1
                    tx.emit(HouseholdMoved(household_id=household_id,
                                           from_micro_grid_code=(current["micro_grid_codes"] or [None])[0],
                                           to_micro_grid_code=area.code, to_grid_code=area.path[3]),
                            area_code=area.code)
            ids.append(household_id)
            fresh = 0
            for r in h.residents:
                resident = _resident_record(r, household_id, area.path)
                known = known_residents.get(store.id_index(r.id_number))
                if known is None:
                    resident["_id"] = new_id("RS")
                    new_residents.append(resident)
                    fresh += 1
                    counts["residents_created"] += 1
                elif _changed(store.opened_resident(known), resident):
                    store.replace_resident(known["_id"], resident, tx.session)
                    counts["residents_updated"] += 1
            if current is None:
                tx.emit(HouseholdRegistered(household_id=household_id, micro_grid_code=area.code,
                                            grid_code=area.path[3], village_code=area.path[2],
                                            township_code=area.path[1], resident_count=len(h.residents)),
                        area_code=area.code)
        store.insert_households(new_households, tx.session)
        store.insert_residents(new_residents, tx.session)
        if on_existing == "update":
            _emit_residents_imported(tx, new_residents)
        else:
            for resident in new_residents:
                tx.emit(ResidentRegistered(resident_id=resident["_id"], household_id=resident["household_id"],
                                           micro_grid_code=resident["area_path"][-1]),
                        area_code=resident["area_path"][-1])
        return {"household_ids": ids + unchanged, **counts}

    return work.transaction(save)


def _needing_changes(store, households: list[HouseholdIn], micro_grids: dict) -> tuple[list, list, list, set]:
    """An import's households read before its transaction (the store finds them by index outside one, and a
    second run of a sheet has nothing to write): (households to write, ids of those already as the sheet says,
    household numbers and resident ID indexes already stored among those to write)."""
    found = store.households_by_number([h.household_number for h in households])
    indexes = {store.id_index(r.id_number): r for h in households for r in h.residents}
    known = store.residents_by_index(indexes)
    write, unchanged = [], []
    for h in households:
        current, area = found.get(h.household_number), micro_grids[h.micro_grid_code]
        same = (current is not None and current["micro_grid_codes"] == [area.code]
                and current["address"] == h.address)
        for r in h.residents if same else ():
            stored = known.get(store.id_index(r.id_number))
            if stored is None or _changed(store.opened_resident(stored),
                                          _resident_record(r, current["_id"], area.path)):
                same = False
                break
        if same:
            unchanged.append(current["_id"])
        else:
            write.append(h)
    numbers = [h.household_number for h in write if h.household_number in found]
    stored_indexes = {store.id_index(r.id_number) for h in write for r in h.residents} & set(known)
    return write, unchanged, numbers, stored_indexes


def _emit_residents_imported(tx, residents: list[dict]) -> None:
    """An import registers thousands of residents at once: one event per village per transaction names them all
    (a county sheet would otherwise put a quarter of a million events through the outbox)."""
    by_village: dict[str, list[dict]] = {}
    for r in residents:
        by_village.setdefault(r["area_path"][2], []).append(
            {"resident_id": r["_id"], "household_id": r["household_id"], "micro_grid_code": r["area_path"][-1]})
    for village, found in by_village.items():
        tx.emit(ResidentsImported(village_code=village, residents=found), area_code=village)


def _resident_record(r: ResidentIn, household_id: str, area_path: list[str]) -> dict:
    return {"household_id": household_id, "name": r.name, "relation": r.relation.value,
            "relation_rank": RELATION_RANK[r.relation], "area_path": area_path,
            **domain.resident_facts(r.id_number),
            **{field: getattr(r, field) for field in domain.PERSONAL_FIELDS}}


def _changed(current: dict, new: dict) -> bool:
    return any(current.get(k) != v for k, v in new.items() if k not in ("relation_rank", "_id"))


def get_household(work, household_id: str) -> dict:
    household = work.store.get_household(household_id, work.scope.query())
    if household is None:
        raise NotFound("户不存在", field="household_id", code="household.not_found")
    return present_household(household, work.store.residents_of(household_id))


def present_household(household: dict, residents: list[dict] | None) -> dict:
    out = {"household_id": household["_id"], "household_number": household["household_number"],
           "micro_grid_code": (household["micro_grid_codes"] or [None])[0],
           "micro_grid_codes": household["micro_grid_codes"], "area_path": household["area_path"],
           "address": household["address"]}
    if residents is not None:
        out["residents"] = [domain.present_resident(r) for r in residents]
    return out


HOUSEHOLD_SORTS = {"household_number": "household_number", "registered_at": "created_at", "address": "address"}
RESIDENT_SORTS = {"birth_year": "birth_year", "registered_at": "created_at", "household_id": "household_id"}


def list_households(work, area_code: str | None = None, household_number: str | None = None, page=1,
                    page_size=20, sort: str | None = None) -> dict:
    paging = page_request(page, page_size)
    order = sort_order(sort, HOUSEHOLD_SORTS, "household_number")
    query = work.scope.within(area_code)
    if household_number:
        query["household_number"] = household_number
    result = work.store.list_households(query, paging.page, paging.page_size, order)
    result["items"] = [present_household(h, None) for h in result["items"]]
    return result


def update_household(work, household_id: str, payload: dict) -> dict:
    address = (payload or {}).get("address")
    if not isinstance(address, str) or not address.strip() or len(address) > 120:
        raise ValidationFailed("住址不能为空且不超过120字", field="address")
    get_household(work, household_id)
    work.transaction(lambda tx: work.store.update_household(household_id, {"address": address.strip()}, tx.session))
    return get_household(work, household_id)


def move_household(work, household_id: str, micro_grid_code: str) -> dict:
    household = work.store.get_household(household_id, work.scope.query())
    if household is None:
        raise NotFound("户不存在", field="household_id", code="household.not_found")
    target = _area_in_scope(work, micro_grid_code, AreaKind.micro_grid, "micro_grid_code")
    if household["micro_grid_codes"] == [target.code]:
        return get_household(work, household_id)

    def save(tx):
        work.store.update_household(household_id, {"micro_grid_codes": [target.code], "area_path": target.path},
                                    tx.session)
        work.store.set_residents_area(household_id, target.path, tx.session)
        tx.emit(HouseholdMoved(household_id=household_id,
                               from_micro_grid_code=(household["micro_grid_codes"] or [None])[0],
                               to_micro_grid_code=target.code, to_grid_code=target.path[3]), area_code=target.code)

    work.transaction(save)
    return get_household(work, household_id)


def register_resident(work, payload: dict) -> dict:
    resident_in = parse(ResidentIn, payload)
    if not resident_in.household_id:
        raise ValidationFailed("必填", field="household_id")
    household = work.store.get_household(resident_in.household_id, work.scope.query())
    if household is None:
        raise NotFound("户不存在", field="household_id", code="household.not_found")
    if resident_in.relation == Relation.head and any(
            r["relation"] == "head" for r in work.store.residents_of(household["_id"])):
        raise Conflict("该户已有户主", field="relation", code="household.head_exists")
    resident = _resident_record(resident_in, household["_id"], household["area_path"])
    resident["_id"] = new_id("RS")

    def save(tx):
        if work.store.residents_by_index([work.store.id_index(resident_in.id_number)], tx.session):
            raise Conflict("该身份证号的居民已登记", field="id_number", code="resident.duplicate")
        work.store.insert_residents([resident], tx.session)
        tx.emit(ResidentRegistered(resident_id=resident["_id"], household_id=household["_id"],
                                   micro_grid_code=household["area_path"][-1]), area_code=household["area_path"][-1])

    work.transaction(save)
    return get_resident(work, resident["_id"])


def get_resident(work, resident_id: str, unmasked: bool = False, reason: str | None = None) -> dict:
    resident = work.store.get_resident(resident_id, work.scope.query())
    if resident is None:
        raise NotFound("居民不存在", field="resident_id", code="resident.not_found")
    if unmasked:
        if not reason or not reason.strip():
            raise ValidationFailed("查看完整个人信息须填写理由", field="reason", code="personal_data.reason_required")
        work.store.record_personal_data_read({
            "resident_id": resident_id, "reason": reason.strip()[:200],
            "actor": work.actor.model_dump() if work.actor else None, "correlation_id": work.correlation_id})
    return domain.present_resident(resident, unmasked=unmasked)


def find_resident(work, id_number: str) -> dict:
    value = domain.validated_id_number(id_number)
    resident = work.store.find_resident_by_id_number(value, work.scope.query())
    if resident is None:
        raise NotFound("居民不存在", field="id_number", code="resident.not_found")
    return domain.present_resident(resident)


def list_residents(work, household_id: str | None = None, area_code: str | None = None, page=1,
                   page_size=20, sort: str | None = None) -> dict:
    paging = page_request(page, page_size)
    order = sort_order(sort, RESIDENT_SORTS, "registered_at")
    query = work.scope.within(area_code)
    if household_id:
        query["household_id"] = household_id
    result = work.store.list_residents(query, paging.page, paging.page_size, order)
    result["items"] = [domain.present_resident(r) for r in result["items"]]
    return result


# coverage --------------------------------------------------------------------------------------------
def check_coverage(work, area_code: str) -> dict:
    """定格定人 check: households in no or several micro-grids, and grids with no worker, within an area."""
    get_area(work, area_code)
    within = {"area_path": area_code}
    grids = work.store.codes_of_kind("grid", within)
    staffed = work.store.grids_with_workers(grids)
    return {
        "area_code": area_code,
        "grids": len(grids),
        "grids_without_worker": sorted(set(grids) - staffed),
        "households_without_micro_grid": [h["household_number"]
                                          for h in work.store.households_without_micro_grid(within)],
        "households_in_several_micro_grids": [
            {"household_number": h["household_number"], "micro_grid_codes": h["micro_grid_codes"]}
            for h in work.store.households_in_several_micro_grids(within)],
    }


# bulk import -----------------------------------------------------------------------------------------
IMPORT_BATCH = 500  # households per transaction: a county sheet is 150 transactions


def import_rows(work, rows: list[dict], dry_run: bool = True, job_id: str | None = None,
                unknown_columns: list[str] = ()) -> dict:
    """Validate every row; a dry run reports, a real run imports only a clean file, idempotent by ID number."""
    known = set(work.store.codes_of_kind("micro_grid", work.scope.query()))
    names = work.store.names_of_kinds(("street", "town", "township", "community", "village", "grid"),
                                      work.scope.query())
    report = importing.validate_rows(rows, known, names, unknown_columns)
    result = {"dry_run": dry_run, **_report_dict(report), "imported": None}
    if job_id:
        work.store.update_import_job(job_id, total=result["households"], report=result)
    if dry_run or not report.ok:
        if job_id:
            work.store.update_import_job(job_id, state="done" if report.ok else "rejected")
        return result
    households = [HouseholdIn.model_validate(h) for h in importing.group_households(rows)]
    totals: dict[str, int] = {}
    for start in range(0, len(households), IMPORT_BATCH):
        batch = _import_batch(work, households[start:start + IMPORT_BATCH])
        for key, value in batch.items():
            if key != "household_ids":
                totals[key] = totals.get(key, 0) + value
        if job_id:
            work.store.update_import_job(job_id, processed=min(start + IMPORT_BATCH, len(households)))
    result["imported"] = totals
    if job_id:
        work.store.update_import_job(job_id, state="done", report=result)
    return result


def _import_batch(work, households: list[HouseholdIn], attempts: int = 3) -> dict:
    for attempt in range(1, attempts + 1):
        try:
            return apply_households(work, households, on_existing="update")
        except DuplicateKeyError:
            if attempt == attempts:  # registered by someone else between the read and the write, every time
                raise Conflict("导入期间有相同户号或身份证号被同时登记，请稍后重试", field="file",
                               code="import.concurrent_change") from None
    raise AssertionError("unreachable")


def import_file(work, job_id: str, filename: str, content: bytes, dry_run: bool = True) -> dict:
    work.store.start_import_job(job_id, filename, dry_run)
    try:
        rows, unknown = importing.read_sheet(filename, content)
    except ValidationFailed as exc:
        work.store.update_import_job(job_id, state="rejected", error=exc.to_dict())
        raise
    return import_rows(work, rows, dry_run=dry_run, job_id=job_id, unknown_columns=unknown)


def get_import_job(work, job_id: str) -> dict:
    job = work.store.get_import_job(job_id)
    if job is None:
        raise NotFound("导入任务不存在", field="job_id", code="import.not_found")
    return job


def _report_dict(report) -> dict:
    return report.model_dump() if hasattr(report, "model_dump") else report.to_dict()


# residents' requests ---------------------------------------------------------------------------------
def submit_resident_request(work, payload: dict) -> dict:
    """A resident's request without an account; the answer is the tracking code and nothing else."""
    request_in = parse(ResidentRequestIn, payload)
    area = work.store.get_area(request_in.area_code)
    if area is None or area.kind not in (AreaKind.village, AreaKind.community, AreaKind.grid, AreaKind.micro_grid):
        raise ValidationFailed("所选村（社区）或网格不存在", field="area_code", code="area.unknown")
    now = clock.now()
    household_id = (affairs.household_of_sender(work, area, request_in.household_number, request_in.phone)
                    if request_in.kind == RequestKind.service_order else None)
    request = {"_id": new_id("RQ"), "tracking_code": resident_requests.tracking_code(), "status": "received",
               "kind": request_in.kind.value, "area_code": area.code, "area_path": area.path,
               "content": request_in.content, "contact_name": request_in.contact_name, "phone": request_in.phone,
               "submitted_at": now, "history": [{"status": "received", "at": now}]}

    def save(tx):
        work.store.insert_resident_request(request, tx.session)
        tx.emit(ResidentRequestReceived(request_id=request["_id"], kind=request["kind"], area_code=area.code),
                area_code=area.code)
        if request_in.kind == RequestKind.service_order:
            affairs.place_order_from_request(work, tx, request, area, household_id)

    work.transaction(save)
    return {"tracking_code": request["tracking_code"], "status": "received",
            "status_label": resident_requests.STATUS_LABELS["received"]}


def _request_of_sender(work, tracking_code: str, phone_last4: str) -> dict:
    """The request for the code plus the last four digits of the sender's phone; a wrong pair is not found."""
    request = work.store.resident_request_by_code(str(tracking_code or "").strip().upper()[:20])
    if request is None or not phone_last4 or not secrets.compare_digest(request["phone"][-4:], str(phone_last4)):
        raise NotFound("未找到该查询码对应的事项，请核对查询码和手机号后四位", code="resident_request.not_found")
    return request


def track_resident_request(work, tracking_code: str, phone_last4: str) -> dict:
    request = _request_of_sender(work, tracking_code, phone_last4)
    view = resident_requests.public_view(request)
    order = affairs.public_order_view(work, request["_id"])
    if order:  # a service order's own progress is what the resident is following
        view.update(status=order["status"], status_label=order["status_label"])
    return {**view, "order": order}


def rate_resident_request(work, tracking_code: str, phone_last4: str, rating, comment=None) -> dict:
    """The sender rates the service delivered on their order (1-5); 2 or less sends it round again."""
    request = _request_of_sender(work, tracking_code, phone_last4)
    affairs.rate_order_publicly(work, request, rating, comment)
    return track_resident_request(work, tracking_code, phone_last4)


def resident_request_for_intake(work, request_id: str) -> dict:
    """What the service taking over a resident's dispute or petition needs: the matter and the contact, in clear,
    for that service to keep encrypted itself. Recorded as a read of personal data."""
    request = work.store.resident_request_by_id(str(request_id or ""), work.scope.query())
    if request is None:
        raise NotFound("群众来件不存在", field="request_id", code="resident_request.not_found")
    work.store.record_personal_data_read({
        "resident_id": None, "request_id": request["_id"], "reason": "转交办理", "at": clock.now(),
        "actor": work.actor.model_dump() if work.actor else None, "correlation_id": work.correlation_id})
    return {"request_id": request["_id"], "kind": request["kind"], "area_code": request["area_code"],
            "content": request["content"], "contact_name": request["contact_name"], "phone": request["phone"],
            "tracking_code": request["tracking_code"],
            "submitted_at": request["submitted_at"].isoformat()}


def list_resident_requests(work, area_code: str | None = None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    result = work.store.list_resident_requests(work.scope.within(area_code), paging.page, paging.page_size)
    result["items"] = [{**resident_requests.public_view(r), "request_id": r["_id"], "area_code": r["area_code"],
                        "content": r["content"], "contact_name": pii.mask_name(r["contact_name"]),
                        "phone": pii.mask_phone(r["phone"])} for r in result["items"]]
    return result
