"""The points supermarket (积分超市): village stores, items priced in points, stock per store, and redemptions.

A redemption reserves the stock and the points together in one transaction (stock by a conditional `$inc`, points
by a ledger entry that must be covered), so neither can go below zero when redemptions race; it is then fulfilled
when the goods are handed over, or cancelled, which puts both back (the points by a compensating entry)."""

from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.errors import Conflict, NotFound, ValidationFailed, parse
from shared.paging import page_request

from . import domain
from .api.codes import REDEMPTION_STATUS_LABELS as STATUS_LABELS
from .api.events import PointsRedeemed, RedemptionCancelled
from .api.rpc import PointsItemIn, PointsStockIn, PointsStoreIn, RedeemIn
from .commands import committed, post_entry
from .store import new_id

REDEEM_RULE = {"code": "REDEEM", "name": "积分超市兑换", "category": "redemption"}


def save_store(work, payload: dict) -> dict:
    store = parse(PointsStoreIn, payload)
    path = domain.area_path(store.village_code)
    if not work.scope.allows(path):
        raise NotFound("区划不在辖区内", field="village_code", code="area.not_found")
    doc = {**store.model_dump(mode="json"), "area_path": path}
    work.transaction(lambda tx: work.store.save_store(doc, tx.session))
    return present_store(doc)


def present_store(store: dict) -> dict:
    return {"store_id": store["store_id"], "name": store["name"], "village_code": store["village_code"],
            "address": store.get("address")}


def list_stores(work, village_code=None) -> dict:
    return {"items": [present_store(s) for s in work.store.list_stores(work.scope.within(village_code))]}


def _store_in_scope(work, store_id: str) -> dict:
    store = work.store.get_store(str(store_id or ""), work.scope.query())
    if store is None:
        raise NotFound("积分超市不存在或不在辖区内", field="store_id", code="store.not_found")
    return store


def save_item(work, payload: dict) -> dict:
    item = parse(PointsItemIn, payload)
    doc = item.model_dump(mode="json")
    work.transaction(lambda tx: work.store.save_item(doc, tx.session))
    return doc


def list_items(work, active=None) -> dict:
    query = {} if active is None else {"active": bool(active)}
    return {"items": [{k: v for k, v in i.items() if k not in ("_id", "updated_at")}
                      for i in work.store.list_items(query)]}


def add_stock(work, store_id: str, payload: dict) -> dict:
    change = parse(PointsStockIn, payload)
    store = _store_in_scope(work, store_id)
    if work.store.get_item(change.item_id) is None:
        raise ValidationFailed("商品不存在", field="item_id", code="item.not_found")
    moved = work.transaction(lambda tx: work.store.add_stock(store["_id"], change.item_id, change.add, tx.session))
    if moved is None:
        raise Conflict("库存不足，不能减少这么多", field="add", code="stock.insufficient")
    return stock(work, store["_id"])


def stock(work, store_id: str) -> dict:
    store = _store_in_scope(work, store_id)
    items = {i["_id"]: i for i in work.store.list_items({})}
    rows = [{"item_id": s["item_id"], "name": items[s["item_id"]]["name"], "points": items[s["item_id"]]["points"],
             "unit": items[s["item_id"]]["unit"], "active": items[s["item_id"]]["active"], "quantity": s["quantity"]}
            for s in work.store.stock_of(store["_id"]) if s["item_id"] in items]
    return {**present_store(store), "stock": rows}


def reserve(work, payload: dict) -> dict:
    """Reserve an item at a store for a household: stock and points leave together, or neither does."""
    redeem = parse(RedeemIn, payload)
    if redeem.client_ref and (known := work.store.redemption_by_ref(redeem.client_ref)):
        return present_redemption(known)
    store = _store_in_scope(work, redeem.store_id)
    item = work.store.get_item(redeem.item_id)
    if item is None or not item["active"]:
        raise ValidationFailed("商品不存在或已下架", field="item_id", code="item.not_found")
    passbook = work.store.get_passbook(redeem.household_id, work.scope.query())
    if passbook is None:
        raise NotFound("积分存折不存在或不在辖区内", field="household_id", code="passbook.not_found")
    points = item["points"] * redeem.quantity
    redemption_id = new_id("RD")

    def save(tx):
        if work.store.add_stock(store["_id"], item["_id"], -redeem.quantity, tx.session) is None:
            raise Conflict(f"「{item['name']}」库存不足", field="item_id", code="stock.insufficient")
        entry = post_entry(work, tx, household_id=passbook["_id"], rule=REDEEM_RULE, delta=-points,
                           kind="redemption", source_ref=redemption_id, source_key=f"redeem:{redemption_id}",
                           note=f"{store['name']} 兑换 {item['name']} ×{redeem.quantity}", must_cover=True)
        doc = {"_id": redemption_id, "household_id": passbook["_id"], "holder": passbook.get("holder"),
               "store_id": store["_id"], "store_name": store["name"], "item_id": item["_id"],
               "item_name": item["name"], "quantity": redeem.quantity, "points": points,
               "village_code": store["village_code"], "area_path": store["area_path"], "status": "reserved",
               "entry_id": entry["_id"], "reserved_at": clock.now(), "reserved_by": work.actor_ref()}
        if redeem.client_ref:
            doc["client_ref"] = redeem.client_ref
        work.store.insert_redemption(doc, tx.session)
        tx.emit(PointsRedeemed(**_fields(doc)), area_code=doc["village_code"])
        return doc

    try:
        return present_redemption(committed(work, save))
    except DuplicateKeyError:
        if redeem.client_ref and (known := work.store.redemption_by_ref(redeem.client_ref)):
            return present_redemption(known)
        raise


def _fields(doc: dict) -> dict:
    return {"redemption_id": doc["_id"], "household_id": doc["household_id"], "store_id": doc["store_id"],
            "item_id": doc["item_id"], "quantity": doc["quantity"], "points": doc["points"],
            "village_code": doc["village_code"]}


def _redemption_in_scope(work, redemption_id: str) -> dict:
    redemption = work.store.get_redemption(str(redemption_id or ""), work.scope.query())
    if redemption is None:
        raise NotFound("兑换记录不存在或不在辖区内", field="redemption_id", code="redemption.not_found")
    return redemption


def fulfil(work, redemption_id: str) -> dict:
    redemption = _redemption_in_scope(work, redemption_id)
    done = work.transaction(lambda tx: work.store.settle_redemption(
        redemption["_id"], "fulfilled", {"fulfilled_at": clock.now(), "fulfilled_by": work.actor_ref()}, tx.session))
    if done is None:
        raise Conflict(f"该兑换{STATUS_LABELS[redemption['status']]}，不能再领取", field="redemption_id",
                       code="redemption.not_reserved")
    return present_redemption(done)


def cancel(work, redemption_id: str, reason: str | None = None) -> dict:
    """Cancel a reserved redemption: the stock goes back on the shelf and the points back to the passbook."""
    redemption = _redemption_in_scope(work, redemption_id)
    if not reason or len(str(reason).strip()) < 2:
        raise ValidationFailed("取消兑换须填写原因", field="reason")

    def save(tx):
        done = work.store.settle_redemption(redemption["_id"], "cancelled", {
            "cancelled_at": clock.now(), "cancelled_by": work.actor_ref(), "cancel_reason": str(reason).strip()[:200]},
            tx.session)
        if done is None:
            raise Conflict(f"该兑换{STATUS_LABELS[redemption['status']]}，不能取消", field="redemption_id",
                           code="redemption.not_reserved")
        work.store.add_stock(done["store_id"], done["item_id"], done["quantity"], tx.session)
        post_entry(work, tx, household_id=done["household_id"], rule=REDEEM_RULE, delta=done["points"],
                   kind="redemption", source_ref=done["_id"], source_key=f"redeem:{done['_id']}:cancel",
                   note=f"取消兑换 {done['item_name']} ×{done['quantity']}", corrects=done["entry_id"])
        tx.emit(RedemptionCancelled(**_fields(done)), area_code=done["village_code"])
        return done

    return present_redemption(committed(work, save))


def list_redemptions(work, store_id=None, status=None, household_id=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.query()
    if store_id:
        query["store_id"] = store_id
    if status:
        if status not in STATUS_LABELS:
            raise ValidationFailed(f"状态应为以下之一：{'、'.join(STATUS_LABELS)}", field="status")
        query["status"] = status
    if household_id:
        query["household_id"] = household_id
    result = work.store.list_redemptions(query, paging.page, paging.page_size)
    return {**result, "items": [present_redemption(r) for r in result["items"]]}


def present_redemption(r: dict) -> dict:
    return {"redemption_id": r["_id"], "household_id": r["household_id"], "holder": r.get("holder"),
            "store_id": r["store_id"], "store_name": r["store_name"], "item_id": r["item_id"],
            "item_name": r["item_name"], "quantity": r["quantity"], "points": r["points"], "status": r["status"],
            "status_label": STATUS_LABELS[r["status"]], "reserved_at": clock.iso(r["reserved_at"]),
            "fulfilled_at": clock.iso(r.get("fulfilled_at")), "cancelled_at": clock.iso(r.get("cancelled_at")),
            "cancel_reason": r.get("cancel_reason")}
