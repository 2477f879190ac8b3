"""诚信城口: integrity levels for households and enterprises, each with the evidence that produced it; the court's
list of dishonest judgment debtors with the joint-discipline flags other services ask about; appeals; expiry."""
import base64
import csv
import io
from datetime import date, datetime, timedelta

from pydantic import ValidationError

from shared import clock, pii
from shared.errors import Conflict, NotFound, ValidationFailed, from_pydantic, parse
from shared.paging import page_request

from . import domain
from .api.codes import DISCIPLINE, LEVEL_LABELS, IntegrityLevel
from .api.events import CreditRatingChanged, DishonestDebtorDelisted, DishonestDebtorListed
from .api.rpc import CreditAppealDecision, CreditAppealIn, CreditEnterpriseIn, EnterpriseRecordIn
from .domain import DEBTOR_COLUMNS, ENTERPRISE_DISCIPLINE, KIND_WORDS, PERSON_DISCIPLINE, DebtorRow
from .store import new_id

WINDOW = timedelta(days=365)
MAX_ROWS = 5000


# levels -------------------------------------------------------------------------------------------------
def refresh_household(work, tx, household_id: str) -> dict:
    """Compute a household's level from its last twelve months of ledger and any active listing of a member;
    save it with its evidence, and announce a change of level."""
    since = clock.now() - WINDOW
    entries = work.store.entries_of(household_id, tx.session, since=since)
    corrected = {e["corrects"] for e in entries if e["kind"] == "correction"}
    counted = [e for e in entries if e["kind"] in ("event", "award") and e["_id"] not in corrected]
    earned = sum(e["delta"] for e in counted if e["delta"] > 0)
    violations = [e for e in counted if e["category"] == "violation"]
    listings = work.store.active_listings({"household_id": household_id}, tx.session)
    level, reasons = domain.household_level(earned, len(violations), bool(listings))
    evidence = [{"kind": "violation", "ref": e["_id"], "text": f"{e['rule_name']}（{clock.iso(e['at'])[:10]}）"}
                for e in violations]
    evidence += [{"kind": "listing", "ref": item["_id"], "text": f"{item['court']} {item['case_number']}"}
                 for item in listings]
    passbook = work.store.get_passbook(household_id, session=tx.session) or {}
    return _save_level(work, tx, "household", household_id, level, reasons, evidence, passbook.get("area_path"),
                       passbook.get("village_code"))


def refresh_enterprise(work, tx, code: str) -> dict:
    enterprise = work.store.get_enterprise(code) or {}
    records = work.store.enterprise_records(code, clock.now() - WINDOW, tx.session)
    commendations = [r for r in records if r["kind"] == "commendation"]
    violations = [r for r in records if r["kind"] == "violation"]
    listings = work.store.active_listings({"enterprise_code": code}, tx.session)
    level, reasons = domain.enterprise_level(len(commendations), len(violations), bool(listings))
    evidence = [{"kind": r["kind"], "ref": r["_id"], "text": f"{r['description']}（{r['occurred_on']}）"}
                for r in records]
    evidence += [{"kind": "listing", "ref": item["_id"], "text": f"{item['court']} {item['case_number']}"}
                 for item in listings]
    return _save_level(work, tx, "enterprise", code, level, reasons, evidence, enterprise.get("area_path"),
                       enterprise.get("area_code"))


def _save_level(work, tx, kind, subject_id, level: IntegrityLevel, reasons, evidence, area_path, area_code) -> dict:
    before = work.store.get_rating(kind, subject_id, tx.session)
    rating = {"_id": f"{kind}:{subject_id}", "subject_kind": kind, "subject_id": subject_id, "level": level.value,
              "level_label": LEVEL_LABELS[level], "reasons": reasons, "evidence": evidence,
              "area_path": area_path or [], "computed_at": clock.now()}
    if before and (before["level"], before["reasons"], before["evidence"]) == (level.value, reasons, evidence):
        return before
    work.store.save_rating(rating, tx.session)
    if before is None or before["level"] != level.value:
        tx.emit(CreditRatingChanged(subject_kind=kind, subject_id=subject_id,
                                    from_level=before["level"] if before else None, to_level=level.value,
                                    area_code=area_code), area_code=area_code)
    return rating


def present_rating(rating: dict) -> dict:
    return {"subject_kind": rating["subject_kind"], "subject_id": rating["subject_id"], "level": rating["level"],
            "level_label": rating["level_label"], "reasons": rating["reasons"], "evidence": rating["evidence"],
            "computed_at": clock.iso(rating["computed_at"])}


def get_rating(work, subject_kind: str, subject_id: str) -> dict:
    if subject_kind not in ("household", "enterprise"):
        raise ValidationFailed("评级对象应为 household 或 enterprise", field="subject_kind")
    rating = work.store.get_rating(subject_kind, str(subject_id or ""))
    if rating is None or not work.scope.allows(rating["area_path"]):
        raise NotFound("尚无该对象的诚信评级", field="subject_id", code="rating.not_found")
    return present_rating(rating)


def list_ratings(work, subject_kind=None, level=None, area_code=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    if subject_kind:
        if subject_kind not in ("household", "enterprise"):
            raise ValidationFailed("评级对象应为 household 或 enterprise", field="subject_kind")
        query["subject_kind"] = subject_kind
    if level:
        if level not in IntegrityLevel.__members__:
            raise ValidationFailed(f"等级应为以下之一：{'、'.join(IntegrityLevel.__members__)}", field="level")
        query["level"] = level
    result = work.store.list_ratings(query, paging.page, paging.page_size)
    return {**result, "items": [present_rating(r) for r in result["items"]]}


# enterprises ----------------------------------------------------------------------------------------------
def save_enterprise(work, payload: dict) -> dict:
    enterprise = parse(CreditEnterpriseIn, payload)
    path = domain.area_path(enterprise.area_code)
    if not work.scope.allows(path):
        raise NotFound("区划不在辖区内", field="area_code", code="area.not_found")
    doc = {**enterprise.model_dump(mode="json"), "area_path": path}

    def save(tx):
        work.store.save_enterprise(doc, tx.session)
        return refresh_enterprise(work, tx, enterprise.enterprise_code)

    rating = work.transaction(save)
    return {**doc, "rating": present_rating(rating)}


def list_enterprises(work, area_code=None) -> dict:
    items = work.store.list_enterprises(work.scope.within(area_code))
    return {"items": [{k: v for k, v in e.items() if k not in ("_id", "updated_at")} for e in items]}


def add_enterprise_record(work, code: str, payload: dict) -> dict:
    record_in = parse(EnterpriseRecordIn, payload)
    enterprise = work.store.get_enterprise(str(code or ""), work.scope.query())
    if enterprise is None:
        raise NotFound("企业不存在或不在辖区内", field="enterprise_code", code="enterprise.not_found")
    occurred = datetime.combine(record_in.occurred_on, datetime.min.time(), clock.LOCAL)
    doc = {"_id": new_id("ER"), "enterprise_code": enterprise["_id"], "kind": record_in.kind,
           "description": record_in.description, "occurred_on": record_in.occurred_on.isoformat(),
           "occurred_at": occurred, "recorded_by": work.actor_ref(), "recorded_at": clock.now()}

    def save(tx):
        work.store.add_enterprise_record(doc, tx.session)
        return refresh_enterprise(work, tx, enterprise["_id"])

    return present_rating(work.transaction(save))


# the debtor list -----------------------------------------------------------------------------------------
def read_debtor_file(filename: str, content: bytes) -> list[dict]:
    """Rows of a court list (.xlsx or .csv, headings in Chinese) as dicts of our field names."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        text = content.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception:  # noqa: BLE001 - anything unreadable is the same refusal to the user
            raise ValidationFailed("无法读取该Excel文件", field="file", code="import.unreadable") from None
        table = [[("" if c is None else c) for c in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise ValidationFailed("仅支持 .xlsx 或 .csv 文件", field="file", code="import.unsupported")
    if not table:
        raise ValidationFailed("文件为空", field="file", code="import.empty")
    headings = [DEBTOR_COLUMNS.get(str(h).strip()) for h in table[0]]
    if "name" not in headings or "case_number" not in headings:
        raise ValidationFailed("缺少表头：被执行人姓名/名称、执行案号", field="file", code="import.headings")
    rows = []
    for raw in table[1:MAX_ROWS + 1]:
        if not any(str(c).strip() for c in raw):
            continue
        row = {}
        for field, value in zip(headings, raw, strict=False):
            if field and str(value).strip():
                row[field] = value.date().isoformat() if isinstance(value, datetime) else (
                    value.isoformat() if isinstance(value, date) else str(value).strip())
        row["kind"] = KIND_WORDS.get(row.get("kind", ""), "enterprise" if row.get("enterprise_code") else "person")
        rows.append(row)
    return rows


def import_debtors(work, filename: str, content_base64: str, dry_run: bool, find_resident) -> dict:
    """Check every row first; write nothing when any row is wrong (each error with its row and field). A listing
    seen before (same case, same person or enterprise) is not listed twice."""
    try:
        content = base64.b64decode(content_base64 or "", validate=True)
    except ValueError:
        raise ValidationFailed("文件内容不是有效的base64", field="file") from None
    rows, errors = [], []
    for number, raw in enumerate(read_debtor_file(filename, content), start=2):
        try:
            rows.append((number, DebtorRow.model_validate(raw)))
        except ValidationError as exc:
            problem = from_pydantic(exc)
            errors.append({"row": number, "field": problem.field, "message": problem.message})
    if errors or dry_run:
        return {"dry_run": dry_run, "rows": len(rows) + len(errors), "errors": errors, "listed": 0, "known": 0}
    listed = known = 0
    for _number, row in rows:
        key = f"{row.case_number}:{work.store.id_index(row.id_number) if row.kind == 'person' else row.enterprise_code}"
        if work.store.listing_by_key(key):
            known += 1
            continue
        household_id = area_code = None
        if row.kind == "person":
            resident = find_resident(row.id_number)
            if resident:
                household_id, area_code = resident.get("household_id"), resident.get("area_code")
        else:
            enterprise = work.store.get_enterprise(row.enterprise_code)
            area_code = enterprise["area_code"] if enterprise else None
        if household_id:
            passbook = work.store.get_passbook(household_id)
            area_code = passbook.get("village_code") if passbook else area_code
        _list(work, row, key, household_id, area_code)
        listed += 1
    return {"dry_run": False, "rows": len(rows), "errors": [], "listed": listed, "known": known}


def _list(work, row: DebtorRow, key: str, household_id: str | None, area_code: str | None) -> None:
    flags = PERSON_DISCIPLINE if row.kind == "person" else ENTERPRISE_DISCIPLINE
    doc = {"_id": new_id("DL"), "listing_key": key, "subject_kind": row.kind, "name": row.name,
           "id_number": row.id_number, "enterprise_code": row.enterprise_code, "household_id": household_id,
           "area_code": area_code, "area_path": domain.area_path(area_code) if area_code else ["500229"],
           "case_number": row.case_number, "court": row.court, "obligation": row.obligation,
           "listed_on": row.listed_on.isoformat(),
           "expires_on": domain.listing_expiry(row.listed_on, row.expires_on).isoformat(), "flags": flags,
           "status": "active", "imported_by": work.actor_ref(), "imported_at": clock.now()}

    def save(tx):
        work.store.insert_listing(doc, tx.session)
        tx.emit(DishonestDebtorListed(listing_id=doc["_id"], subject_kind=row.kind, household_id=household_id,
                                      enterprise_code=row.enterprise_code, area_code=area_code, flags=flags),
                area_code=area_code)
        _refresh_subject(work, tx, doc)

    work.transaction(save)


def _refresh_subject(work, tx, listing: dict) -> None:
    if listing.get("household_id") and work.store.get_passbook(listing["household_id"], session=tx.session):
        refresh_household(work, tx, listing["household_id"])
    elif listing.get("enterprise_code") and work.store.get_enterprise(listing["enterprise_code"]):
        refresh_enterprise(work, tx, listing["enterprise_code"])


def delist(work, listing_id: str, reason: str) -> dict:
    listing = work.store.get_listing(str(listing_id or ""), work.scope.query())
    if listing is None:
        raise NotFound("名单记录不存在或不在辖区内", field="listing_id", code="listing.not_found")

    def save(tx):
        ended = work.store.end_listing(listing["_id"], {"delisted_at": clock.now(), "delisted_reason": reason,
                                                         "delisted_by": work.actor_ref()}, tx.session)
        if ended is None:
            raise Conflict("该记录已移出名单", field="listing_id", code="listing.not_active")
        tx.emit(DishonestDebtorDelisted(listing_id=ended["_id"], subject_kind=ended["subject_kind"],
                                        household_id=ended.get("household_id"),
                                        enterprise_code=ended.get("enterprise_code"), area_code=ended.get("area_code"),
                                        reason=reason), area_code=ended.get("area_code"))
        _refresh_subject(work, tx, ended)
        return ended

    return present_listing(work.transaction(save))


def expire_listings(work, as_of: str | None = None) -> dict:
    """Listings whose term has ended leave the list (run daily by the service's timer)."""
    today = (clock.now() if as_of is None else clock.parse_local(as_of, "as_of")).astimezone(clock.LOCAL).date()
    ended = []
    for listing in work.store.expired_listings(today.isoformat()):
        try:
            ended.append(delist(work, listing["_id"], "expired")["listing_id"])
        except Conflict:
            continue
    return {"expired": ended, "as_of": today.isoformat()}


def present_listing(listing: dict) -> dict:
    return {"listing_id": listing["_id"], "subject_kind": listing["subject_kind"],
            "name": pii.mask_name(listing.get("name")), "id_number": pii.mask_id_number(listing.get("id_number")),
            "enterprise_code": listing.get("enterprise_code"), "household_id": listing.get("household_id"),
            "area_code": listing.get("area_code"), "case_number": listing["case_number"], "court": listing["court"],
            "listed_on": listing["listed_on"], "expires_on": listing["expires_on"], "status": listing["status"],
            "status_label": "名单内" if listing["status"] == "active" else "已移出",
            "delisted_reason": listing.get("delisted_reason"),
            "flags": [{"code": f, "label": DISCIPLINE[f]} for f in listing["flags"]]}


def list_listings(work, status="active", area_code=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    if status:
        if status not in ("active", "delisted"):
            raise ValidationFailed("状态应为 active 或 delisted", field="status")
        query["status"] = status
    result = work.store.list_listings(query, paging.page, paging.page_size)
    return {**result, "items": [present_listing(item) for item in result["items"]]}


def joint_discipline(work, id_number=None, household_id=None, enterprise_code=None) -> dict:
    """For other services (honours, village posts, subsidies, bidding): is this person, household or enterprise
    under joint discipline, and which flags apply. Ids in, flags out; no personal data comes back."""
    if id_number:
        query = {"id_index": work.store.id_index(str(id_number).strip().upper())}
    elif household_id:
        query = {"household_id": str(household_id)}
    elif enterprise_code:
        query = {"enterprise_code": str(enterprise_code).strip().upper()}
    else:
        raise ValidationFailed("须提供身份证号、户编号或统一社会信用代码之一", field="id_number")
    listings = work.store.active_listings(query)
    flags = sorted({f for item in listings for f in item["flags"]})
    return {"listed": bool(listings), "flags": flags, "flag_labels": [DISCIPLINE[f] for f in flags],
            "listings": [{"listing_id": item["_id"], "case_number": item["case_number"], "court": item["court"],
                          "expires_on": item["expires_on"]} for item in listings]}


# appeals ----------------------------------------------------------------------------------------------
def submit_appeal(work, payload: dict) -> dict:
    appeal_in = parse(CreditAppealIn, payload)
    if appeal_in.target == "listing":
        target = work.store.get_listing(appeal_in.ref, work.scope.query())
        area_path = target["area_path"] if target else None
    else:
        kind = "enterprise" if len(appeal_in.ref) == 18 and work.store.get_enterprise(appeal_in.ref) else "household"
        target = work.store.get_rating(kind, appeal_in.ref)
        area_path = target["area_path"] if target and work.scope.allows(target["area_path"]) else None
        target = target if area_path is not None else None
    if target is None:
        raise NotFound("申诉对象不存在或不在辖区内", field="ref", code="appeal.target_not_found")
    doc = {"_id": new_id("AP"), "target": appeal_in.target, "ref": appeal_in.ref, "reason": appeal_in.reason,
           "area_path": area_path, "status": "open", "submitted_by": work.actor_ref(), "submitted_at": clock.now(),
           "outcome": None, "note": None}
    work.transaction(lambda tx: work.store.insert_appeal(doc, tx.session))
    return present_appeal(doc)


def decide_appeal(work, appeal_id: str, payload: dict) -> dict:
    decision = parse(CreditAppealDecision, payload)
    appeal = work.store.get_appeal(str(appeal_id or ""), work.scope.query())
    if appeal is None:
        raise NotFound("申诉不存在或不在辖区内", field="appeal_id", code="appeal.not_found")
    if appeal["status"] != "open":
        raise Conflict("该申诉已有结果", field="outcome", code="appeal.decided")
    changes = {"status": "decided", "outcome": decision.outcome, "note": decision.note,
               "decided_by": work.actor_ref(), "decided_at": clock.now()}
    decided = work.transaction(lambda tx: work.store.decide_appeal(appeal["_id"], changes, tx.session))
    if decided is None:
        raise Conflict("该申诉已有结果", field="outcome", code="appeal.decided")
    if decision.outcome == "upheld" and appeal["target"] == "listing":
        try:
            delist(work, appeal["ref"], "appeal")
        except Conflict:
            pass  # it had left the list meanwhile
    return present_appeal(decided)


def present_appeal(appeal: dict) -> dict:
    return {"appeal_id": appeal["_id"], "target": appeal["target"],
            "target_label": "失信名单" if appeal["target"] == "listing" else "诚信评级", "ref": appeal["ref"],
            "reason": pii.mask_text(appeal["reason"]), "status": appeal["status"],
            "status_label": "待处理" if appeal["status"] == "open" else "已处理", "outcome": appeal.get("outcome"),
            "outcome_label": {"upheld": "申诉成立", "dismissed": "维持原结果"}.get(appeal.get("outcome") or ""),
            "note": appeal.get("note"), "submitted_at": clock.iso(appeal["submitted_at"])}


def list_appeals(work, status=None) -> dict:
    query = work.scope.query()
    if status:
        if status not in ("open", "decided"):
            raise ValidationFailed("状态应为 open 或 decided", field="status")
        query["status"] = status
    return {"items": [present_appeal(a) for a in work.store.list_appeals(query)]}
