"""The credit service layer: posting to the ledger, passbooks, the rule catalogue, manual awards through approval
and notice, corrections, rankings and the notice board. Each command loads within the caller's scope, applies
domain.py and the award table (api.codes), and saves with its events in one transaction."""
import os
import random
import secrets
import time
from datetime import datetime, timedelta

from pymongo.errors import DuplicateKeyError

from shared import clock, pii
from shared.errors import Conflict, NotFound, Unavailable, ValidationFailed, parse
from shared.paging import page_request, sort_order

from . import domain, ledger, ratings
from .api.codes import AWARD_STATUS_LABELS, AWARD_WORKFLOW, CATEGORIES, EVIDENCE_LABELS, PERIODS, TRIGGERS, AwardStatus
from .api.events import PointsAwarded, PointsDeducted
from .api.rpc import AwardActionIn, AwardObjectionIn, CreditAwardIn, EntryCorrectionIn, PointsRuleIn
from .store import Contended, new_id

CAS_ATTEMPTS = 40


def notice_days() -> int:
    """How long a manual award is shown publicly before it posts (公示期, in days)."""
    return int(os.environ.get("CREDIT_NOTICE_DAYS", "5"))


def committed(work, fn):
    """Run fn(tx) in a transaction, again from the start while another worker keeps moving the same passbook."""
    for attempt in range(CAS_ATTEMPTS):
        try:
            return work.transaction(fn)
        except Contended:
            time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
    raise Unavailable("积分存折正忙，请稍后重试", code="passbook.busy")


# the ledger ---------------------------------------------------------------------------------------------
def post_entry(work, tx, *, household_id: str, rule: dict, delta: int, kind: str, source_ref: str,
               source_key: str, note: str, corrects: str | None = None, must_cover: bool = False,
               story: str | None = None) -> dict:
    """Append one entry to a passbook's chain and move its balance, inside the caller's transaction.

    A redemption (`must_cover`) is refused when the balance does not cover it; a deduction takes what is there,
    so a balance never goes below zero and the violation stays on record with its rule."""
    passbook = work.store.get_passbook(household_id, session=tx.session)
    if passbook is None:
        raise NotFound("该户尚无积分存折", field="household_id", code="passbook.not_found")
    if delta < 0 and passbook["balance"] + delta < 0:
        if must_cover:
            raise Conflict(f"积分余额不足（现有{passbook['balance']}分）", field="household_id",
                           code="passbook.insufficient")
        delta = -passbook["balance"]
    now = clock.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # what the store keeps, so the hash checks again
    entry = {"_id": new_id("L"), "passbook_id": passbook["_id"], "seq": passbook["seq"] + 1, "kind": kind,
             "rule_code": rule["code"], "rule_name": rule["name"], "category": rule["category"], "delta": delta,
             "balance_after": passbook["balance"] + delta, "source_key": source_key, "source_ref": source_ref,
             "corrects": corrects, "note": note, "actor": work.actor_ref(), "at": now,
             "prev_hash": passbook["head_hash"], "village_code": passbook.get("village_code"),
             "township_code": passbook.get("township_code"), "area_path": passbook["area_path"]}
    entry["hash"] = ledger.entry_hash(entry)
    work.store.advance(passbook, entry, tx.session)
    event = PointsAwarded if delta > 0 else PointsDeducted
    tx.emit(event(entry_id=entry["_id"], household_id=passbook["_id"], seq=entry["seq"], rule_code=rule["code"],
                  category=rule["category"], delta=delta, source_kind=kind, source_ref=source_ref,
                  village_code=entry["village_code"], township_code=entry["township_code"]),
            area_code=entry["village_code"], story=story)
    ratings.refresh_household(work, tx, passbook["_id"])
    return entry


def cap_room(work, tx, household_id: str, rule: dict, points: int) -> int:
    """How many of `points` the rule's cap still allows this household in the current period."""
    if not rule.get("cap_points") or points < 0:
        return points
    since = domain.period_start(rule.get("cap_period", "year"), clock.now(), clock.LOCAL)
    used = work.store.rule_points_since(household_id, rule["code"], since, tx.session)
    return domain.within_cap(points, used, rule["cap_points"])


# passbooks -------------------------------------------------------------------------------------------------
def _passbook_in_scope(work, household_id: str) -> dict:
    passbook = work.store.get_passbook(str(household_id or ""), work.scope.query())
    if passbook is None:
        raise NotFound("积分存折不存在或不在辖区内", field="household_id", code="passbook.not_found")
    return passbook


def fill_holders(work, fetch, passbooks: list[dict]) -> list[dict]:
    """The household number and the masked name of the head, read once from the grid for passbooks that opened
    from the event (which carries ids only); when the grid is away they are read next time."""
    out = []
    for passbook in passbooks:
        if passbook.get("holder_pending"):
            try:
                holder = fetch(passbook["_id"])
            except Exception:  # noqa: BLE001 - the passbook stays usable without its holder's name
                holder = None
            if holder:
                work.store.fill_holder(passbook["_id"], holder)
                passbook = {**passbook, **holder, "holder_pending": False}
        out.append(passbook)
    return out


def open_passbook(work, household: dict) -> dict:
    """Open the passbook of a household registered before the credit service ran (the demo loader and ops do
    this; a new household's passbook opens from the grid's event). Idempotent."""
    micro = household.get("micro_grid_code")
    if not micro or not work.scope.allows(domain.area_path(micro)):
        raise ValidationFailed("户未入格或不在辖区内", field="household_id", code="passbook.no_micro_grid")
    path = domain.area_path(micro)
    passbook = {"_id": household["household_id"], **holder_of(household), "holder_pending": False, "area_path": path,
                "village_code": path[2], "township_code": path[1], "balance": 0, "seq": 0,
                "head_hash": ledger.GENESIS, "earned_total": 0, "opened_at": clock.now()}
    work.transaction(lambda tx: work.store.open_passbook(passbook, tx.session))
    return present_passbook(work.store.get_passbook(household["household_id"]))


def holder_of(household: dict) -> dict:
    """What the credit service keeps of a household from the grid: its number and the head's masked name."""
    residents = household.get("residents") or []
    head = next((r for r in residents if r.get("relation") == "head"), residents[0] if residents else None)
    return {"household_number": household["household_number"],
            "holder": pii.mask_name(head.get("name")) if head else None}


def present_entry(entry: dict) -> dict:
    return {"entry_id": entry["_id"], "seq": entry["seq"], "kind": entry["kind"],
            "kind_label": KIND_LABELS[entry["kind"]],
            "rule_code": entry["rule_code"], "rule_name": entry["rule_name"], "category": entry["category"],
            "category_label": CATEGORIES.get(entry["category"], "积分兑换" if entry["kind"] == "redemption" else
                                             entry["category"]),
            "delta": entry["delta"], "balance_after": entry["balance_after"], "source_ref": entry["source_ref"],
            "corrects": entry.get("corrects"), "note": entry["note"], "at": clock.iso(entry["at"]),
            "hash": entry["hash"]}


KIND_LABELS = {"event": "业务触发", "award": "申报评议", "redemption": "积分兑换", "correction": "冲正更正"}


def present_passbook(passbook: dict) -> dict:
    return {"household_id": passbook["_id"], "household_number": passbook.get("household_number"),
            "holder": passbook.get("holder"), "village_code": passbook.get("village_code"),
            "township_code": passbook.get("township_code"), "balance": passbook["balance"],
            "earned_total": passbook.get("earned_total", 0), "entries": passbook["seq"],
            "opened_at": clock.iso(passbook.get("opened_at"))}


def get_passbook(work, household_id: str, fetch=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    passbook = _passbook_in_scope(work, household_id)
    if fetch is not None:
        passbook = fill_holders(work, fetch, [passbook])[0]
    history = work.store.history(passbook["_id"], paging.page, paging.page_size)
    rating = work.store.get_rating("household", passbook["_id"])
    return {**present_passbook(passbook), "rating": ratings.present_rating(rating) if rating else None,
            "history": {**history, "items": [present_entry(e) for e in history["items"]]}}


PASSBOOK_SORTS = {"balance": "balance", "earned_total": "earned_total", "household_number": "household_number"}


def list_passbooks(work, area_code=None, household_number=None, page=1, page_size=20, sort=None, fetch=None) -> dict:
    paging = page_request(page, page_size)
    order = sort_order(sort, PASSBOOK_SORTS, "-balance")
    query = work.scope.within(area_code)
    if household_number:
        query["household_number"] = str(household_number)
    result = work.store.list_passbooks(query, paging.page, paging.page_size, order)
    items = fill_holders(work, fetch, result["items"]) if fetch else result["items"]
    return {**result, "items": [present_passbook(p) for p in items]}


def public_passbook(work, household_number: str, phone_last4: str, find_household) -> dict:
    """The household's own passbook on the residents' channel: its number plus the last four digits of a phone
    registered for one of its members (asked of the grid, which holds the phones); a wrong pair is not found."""
    number, last4 = str(household_number or "").strip()[:30], str(phone_last4 or "").strip()
    not_found = NotFound("未找到该户的积分存折，请核对户号和手机号后四位", code="passbook.not_found")
    if not number or len(last4) != 4 or not last4.isdigit():
        raise not_found
    household = find_household(number)
    phones = [r.get("phone") or "" for r in (household or {}).get("residents", [])]
    if not household or not any(len(p) >= 4 and secrets.compare_digest(p[-4:], last4) for p in phones):
        raise not_found
    passbook = work.store.get_passbook(household["household_id"])
    if passbook is None:
        raise not_found
    if passbook.get("holder_pending"):
        work.store.fill_holder(passbook["_id"], holder_of(household))
        passbook = {**passbook, **holder_of(household)}
    history = work.store.history(passbook["_id"], 1, 50)
    rating = work.store.get_rating("household", passbook["_id"])
    return {**present_passbook(passbook),
            "rating": {"level": rating["level"], "level_label": rating["level_label"]} if rating else None,
            "history": [{k: v for k, v in present_entry(e).items() if k not in ("hash", "source_ref", "corrects")}
                        for e in history["items"]]}


# rules ------------------------------------------------------------------------------------------------
def save_rule(work, payload: dict) -> dict:
    rule = parse(PointsRuleIn, payload)
    doc = rule.model_dump(mode="json")
    work.transaction(lambda tx: work.store.save_rule(doc, tx.session))
    return present_rule(doc)


def list_rules(work, trigger=None, active=None) -> dict:
    query: dict = {}
    if trigger:
        query["trigger"] = trigger
    if active is not None:
        query["active"] = bool(active)
    return {"items": [present_rule(r) for r in work.store.list_rules(query)]}


def present_rule(rule: dict) -> dict:
    return {"code": rule["code"], "name": rule["name"], "category": rule["category"],
            "category_label": CATEGORIES[rule["category"]], "points": rule["points"], "trigger": rule["trigger"],
            "trigger_label": "手工申报" if rule["trigger"] == "manual" else TRIGGERS.get(rule["trigger"]),
            "conditions": rule.get("conditions", []), "cap_points": rule.get("cap_points"),
            "cap_period": rule.get("cap_period", "year"),
            "cap_period_label": PERIODS[rule.get("cap_period", "year")], "active": rule["active"]}


# manual awards ---------------------------------------------------------------------------------------
def submit_award(work, payload: dict, fetch=None) -> dict:
    award_in = parse(CreditAwardIn, payload)
    if award_in.client_ref and (known := work.store.award_by_ref(award_in.client_ref)):
        return present_award(known, full=True)
    rule = work.store.get_rule(award_in.rule_code)
    if rule is None or not rule["active"] or rule["trigger"] != "manual":
        raise ValidationFailed("规则不存在、已停用或不是手工申报的规则", field="rule_code", code="rule.not_manual")
    passbook = _passbook_in_scope(work, award_in.household_id)
    if fetch is not None:
        passbook = fill_holders(work, fetch, [passbook])[0]
    now = clock.now()
    doc = {"_id": new_id("AW"), "household_id": passbook["_id"], "household_number": passbook.get("household_number"),
           "holder": passbook.get("holder"), "area_path": passbook["area_path"],
           "village_code": passbook.get("village_code"),
           "rule": {k: rule[k] for k in ("code", "name", "category", "points")}, "reason": award_in.reason,
           "occurred_on": award_in.occurred_on.isoformat(),
           "evidence": [e.model_dump(mode="json") for e in award_in.evidence],
           "status": AwardStatus.submitted.value, "submitted_by": work.actor_ref(), "submitted_at": now,
           "notice_until": None, "objections": [], "entry_id": None, "revision": 0,
           "correlation_id": work.correlation_id,  # the award's story, carried by the entry's event when it posts
           "history": [{"action": "submit", "from": None, "to": "submitted", "at": now, "actor": work.actor_ref(),
                        "note": award_in.reason}]}
    if award_in.client_ref:
        doc["client_ref"] = award_in.client_ref
    try:
        work.transaction(lambda tx: work.store.insert_award(doc, tx.session))
    except DuplicateKeyError:
        return present_award(work.store.award_by_ref(award_in.client_ref), full=True)
    return present_award(doc, full=True)


def _award_in_scope(work, award_id: str) -> dict:
    award = work.store.get_award(str(award_id or ""), work.scope.query())
    if award is None:
        raise NotFound("积分申报不存在或不在辖区内", field="award_id", code="award.not_found")
    return award


def act_on_award(work, award_id: str, payload: dict, public: bool = False, now: datetime | None = None) -> dict:
    command = parse(AwardActionIn, payload)
    # The residents' channel has no area scope: a resident may object to any award on a notice board.
    award = work.store.get_award(str(award_id or "")) if public else _award_in_scope(work, award_id)
    if award is None:
        raise NotFound("公示事项不存在", field="award_id", code="award.not_found")
    transition = AWARD_WORKFLOW.step(award["status"], command.action, command.model_dump())
    now = now or clock.now()
    actor = {"id": "public", "role": None, "name": "群众"} if public else work.actor_ref()
    changes: dict = {"status": transition.target.value}
    if command.action == "approve":
        submitter = (award.get("submitted_by") or {}).get("id")
        if actor is None or actor["id"] == submitter:
            raise Conflict("复核须由申报人以外的工作人员进行", field="action", code="award.same_person")
        changes["notice_until"] = now + timedelta(days=notice_days())
        changes["approved_by"] = actor
    elif command.action == "object":
        changes["objections"] = [*award.get("objections", []), {"reason": command.reason, "at": now,
                                                                 "by": "public" if public else actor}]
    elif command.action == "post" and award["notice_until"] > now:
        raise Conflict(f"公示期至{clock.iso(award['notice_until'].astimezone(clock.LOCAL).date())}，期满后入账",
                       field="action", code="award.notice_running")
    entry = {"action": command.action, "from": award["status"], "to": transition.target.value, "at": now,
             "actor": actor, "note": command.reason}

    def save(tx):
        moved = work.store.move_award(award, changes, entry, tx.session)
        if moved is None:
            raise Conflict("该申报刚被他人处理，请刷新后重试", field="action", code="award.changed")
        if command.action == "post":
            current = work.store.get_rule(moved["rule"]["code"], tx.session) or {}  # the cap as it stands now
            rule = {**moved["rule"], "cap_points": current.get("cap_points"), "cap_period": current.get("cap_period")}
            points = cap_room(work, tx, moved["household_id"], rule, rule["points"])
            if points == 0:
                return work.store.move_award(moved, {"posted_points": 0}, {
                    **entry, "action": "entry", "note": "本周期该规则积分已达上限，未入账"}, tx.session)
            posted = post_entry(work, tx, household_id=moved["household_id"], rule=rule, delta=points,
                                kind="award", source_ref=moved["_id"], source_key=f"award:{moved['_id']}",
                                note=moved["reason"], story=moved.get("correlation_id"))
            moved = work.store.move_award(moved, {"entry_id": posted["_id"], "posted_points": posted["delta"]},
                                          {**entry, "action": "entry", "note": f"入账{posted['delta']}分"},
                                          tx.session)
        return moved

    return present_award(committed(work, save), full=not public)


def object_publicly(work, award_id: str, reason) -> dict:
    """A resident's objection from the residents' channel, to an award on a notice board."""
    objection = parse(AwardObjectionIn, {"reason": reason})
    return act_on_award(work, award_id, {"action": "object", "reason": objection.reason}, public=True)


def post_due_awards(work, as_of: str | None = None, award_ids: list[str] | None = None) -> dict:
    """Post every approved award whose notice period has ended without a standing objection (or only those of
    `award_ids`, for the demo loader, which must not post the awards it leaves on the notice board)."""
    now = clock.now() if as_of is None else clock.parse_local(as_of, "as_of")
    posted = []
    for award in work.store.due_awards(now):
        if award_ids is not None and award["_id"] not in award_ids:
            continue
        try:
            posted.append(act_on_award(work, award["_id"], {"action": "post"}, now=now)["award_id"])
        except Conflict:
            continue  # moved by someone meanwhile; it is no longer due
    return {"posted": posted, "as_of": now.isoformat()}


AWARD_SORTS = {"submitted_at": "submitted_at", "notice_until": "notice_until", "status": "status"}


def list_awards(work, status=None, area_code=None, page=1, page_size=20, sort=None) -> dict:
    paging = page_request(page, page_size)
    order = sort_order(sort, AWARD_SORTS, "-submitted_at")
    query = work.scope.within(area_code)
    wanted = AWARD_WORKFLOW.statuses(status)
    if wanted is not None:
        query["status"] = {"$in": wanted}
    result = work.store.list_awards(query, paging.page, paging.page_size, order)
    return {**result, "items": [present_award(a) for a in result["items"]]}


def get_award(work, award_id: str) -> dict:
    return present_award(_award_in_scope(work, award_id), full=True)


def notices(work, village_code=None, page=1, page_size=50, public: bool = False) -> dict:
    """The notice board (公示栏): awards in their notice period or under objection, names masked. On the
    residents' channel (no scope) it is one village's board."""
    paging = page_request(page, page_size)
    if public and (not village_code or len(str(village_code)) != 12):
        raise ValidationFailed("请选择村（社区）", field="village_code")
    query = {"village_code": str(village_code)} if public else work.scope.within(village_code)
    query["status"] = {"$in": [AwardStatus.in_notice.value, AwardStatus.objected.value]}
    result = work.store.list_awards(query, paging.page, paging.page_size, [("notice_until", 1), ("_id", 1)])
    return {**result, "items": [present_notice(a) for a in result["items"]]}


def present_notice(award: dict) -> dict:
    return {"award_id": award["_id"], "holder": pii.mask_name(award.get("holder")),
            "village_code": award.get("village_code"),
            "rule_name": award["rule"]["name"], "category_label": CATEGORIES[award["rule"]["category"]],
            "points": award["rule"]["points"], "reason": pii.mask_text(award["reason"]),
            "status": award["status"], "status_label": AWARD_STATUS_LABELS[award["status"]],
            "notice_until": clock.iso(award.get("notice_until"))}


def present_award(award: dict, full: bool = False) -> dict:
    view = {**present_notice(award), "household_id": award["household_id"],
            "household_number": award.get("household_number"), "rule": award["rule"],
            "occurred_on": award["occurred_on"], "submitted_by": (award.get("submitted_by") or {}).get("name"),
            "submitted_at": clock.iso(award["submitted_at"]), "entry_id": award.get("entry_id"),
            "posted_points": award.get("posted_points"), "actions": AWARD_WORKFLOW.allowed(award["status"])}
    if full:
        view["evidence"] = [{**e, "kind_label": EVIDENCE_LABELS[e["kind"]]} for e in award["evidence"]]
        view["objections"] = [{"reason": o["reason"], "at": clock.iso(o["at"]),
                               "by": "群众" if o["by"] == "public" else (o["by"] or {}).get("name")}
                              for o in award.get("objections", [])]
        labels = {t.action: t.label for t in AWARD_WORKFLOW.transitions.values()} | {
            "submit": "申报", "entry": "记入存折", "council_review": "道德评议会评议"}
        view["council_reviews"] = [{"opinion": r["opinion"], "opinion_label": "同意" if r["opinion"] == "support"
                                    else "不同意", "held_on": r["held_on"]} for r in award.get("council_reviews", [])]
        view["history"] = [{"action": h["action"], "label": labels.get(h["action"], h["action"]),
                            "to_label": AWARD_STATUS_LABELS.get(h["to"], h["to"]), "at": clock.iso(h["at"]),
                            "actor": (h.get("actor") or {}).get("name"), "note": h.get("note")}
                           for h in award.get("history", [])]
    return view


# corrections ----------------------------------------------------------------------------------------
def correct_entry(work, entry_id: str, payload: dict) -> dict:
    """Undo an entry by a compensating one (never an edit); an entry is corrected at most once."""
    correction = parse(EntryCorrectionIn, payload)
    original = work.store.get_entry(str(entry_id or ""))
    if original is None or not work.scope.allows(original["area_path"]):
        raise NotFound("流水不存在或不在辖区内", field="entry_id", code="entry.not_found")
    if original["kind"] in ("correction", "redemption"):
        raise Conflict("冲正和兑换流水不能再冲正（兑换请取消兑换）", field="entry_id", code="entry.not_correctable")
    if original["delta"] == 0:
        raise Conflict("该流水未变动积分，无需冲正", field="entry_id", code="entry.not_correctable")
    rule = {"code": original["rule_code"], "name": original["rule_name"], "category": original["category"]}

    def save(tx):
        return post_entry(work, tx, household_id=original["passbook_id"], rule=rule, delta=-original["delta"],
                          kind="correction", source_ref=original["_id"], source_key=f"correct:{original['_id']}",
                          note=correction.reason, corrects=original["_id"], must_cover=True)

    try:
        return present_entry(committed(work, save))
    except DuplicateKeyError:
        raise Conflict("该流水已冲正过", field="entry_id", code="entry.already_corrected") from None


# rankings --------------------------------------------------------------------------------------------
def ranking(work, village_code: str, limit: int = 20, fetch=None, public: bool = False) -> dict:
    """Households of a village by the points they have earned (spending does not lower a rank), names masked."""
    if not village_code or len(str(village_code)) != 12:
        raise ValidationFailed("请选择村（社区）", field="village_code")
    limit = max(1, min(int(limit or 20), 100))
    query = {"village_code": str(village_code)} if public else work.scope.within(str(village_code))
    rows = work.store.list_passbooks(query, 1, limit, [("earned_total", -1), ("_id", 1)])["items"]
    if fetch:
        rows = fill_holders(work, fetch, rows)
    return {"village_code": village_code, "items": [
        {"rank": i + 1, "holder": p.get("holder") or "（待同步）", "earned_total": p.get("earned_total", 0),
         "balance": p["balance"]} for i, p in enumerate(rows)]}
