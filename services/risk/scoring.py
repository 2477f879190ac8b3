"""Scoring the signals of one transaction together, in constant time per signal.

The handlers of one transaction (a batch of events, shared.group_commit, or a single one) only add their signals
here; just before the commit, `flush` stores them and brings each touched village and township up to date with
a handful of writes whatever the batch holds: one read of the areas, one write of all of them (the folded sums
grow by `$inc`, the moment by `$max`), one insert of the signals, and for areas at an alert level one read and
one write of their alerts. No area's signals are read again, except the few that leave the window (each once)
and, when an area first reaches an alert level, its most recent ones for the alert's reasons.

Two transactions changing one area's document conflict and one is retried with the other's signals in view, so
the level compared against is never stale; a process applies its batches one after another, so its own
handlers do not conflict with each other.
"""
from datetime import datetime

from pymongo import UpdateOne

from shared import clock

from . import model, signals
from .api.events import AlertRaised, LevelChanged
from .store import SCORED_FIELDS, new_id

REASONS = 50          # an alert lists at most this many signals, largest part first
RAISE_SCAN = 500      # when an alert is raised, its reasons come from the area's most recent signals


class SignalBatch:
    KEY = "risk.signals"

    def __init__(self, work):
        self.work = work
        self.added: dict[str, tuple[dict, object]] = {}  # event id → (signal, the Work of the event behind it)

    def add(self, doc: dict, work) -> None:
        self.added.setdefault(doc["_id"], (doc, work))

    def flush(self, tx) -> None:
        db, session = self.work.db, tx.session
        ids = list(self.added)
        known = {d["_id"] for d in db.signals.find({"_id": {"$in": ids}}, {"_id": 1}, session=session)}
        new = [(doc, work) for doc, work in self.added.values() if doc["_id"] not in known]
        self.added.clear()
        if not new:
            return  # every one already counted (replayed under another handler): once
        by_area: dict[tuple[str, str], list[tuple[dict, object]]] = {}
        for doc, work in new:
            if doc["village_code"]:
                by_area.setdefault((doc["village_code"], "village"), []).append((doc, work))
            by_area.setdefault((doc["township_code"], "township"), []).append((doc, work))
        stored = {a["_id"]: a for a in db.areas.find({"_id": {"$in": [code for code, _ in by_area]}},
                                                     session=session)}
        changes = [self._area_change(code, kind, stored.get(code), found, session)
                   for (code, kind), found in by_area.items()]
        db.areas.bulk_write([c["write"] for c in changes], ordered=False, session=session)
        db.signals.insert_many([doc for doc, _ in new], session=session)
        for change in changes:
            if change["from_level"] != change["level"]:
                tx.work = change["work"]
                tx.emit(LevelChanged(area_code=change["code"], area_kind=change["kind"],
                                     township_code=change["township"], from_level=change["from_level"],
                                     to_level=change["level"], score=change["score"]), area_code=change["code"])
        alerting = [c for c in changes if c["level"] in model.ALERT_LEVELS]
        if alerting:
            self._alerts(tx, alerting)
        tx.work = self.work

    def _area_change(self, code: str, kind: str, area: dict | None, found: list[tuple[dict, object]],
                     session) -> dict:
        """The area's new sums, moment, score and level with the write that stores them."""
        area = area or {}
        township = found[0][0]["township_code"]
        sums = dict(area.get("sums", {}))
        original, oldest, before = area.get("signal_count", 0), area.get("oldest"), area.get("at")
        count = original
        at = max([doc["occurred_at"] for doc, _ in found] + ([before] if before else []))
        start = model.window_start(at)
        inc: dict[str, int] = {}
        if oldest is not None and oldest < start:
            # signals leave the window as the area's moment moves on: each is subtracted once
            field = "village_code" if kind == "village" else "township_code"
            gone = list(self.work.db.signals.find(
                {field: code, "occurred_at": {"$gte": model.window_start(before), "$lt": start}}, SCORED_FIELDS,
                session=session))
            for s in gone:
                era, value = model.units(s)
                inc[f"sums.{era}"] = inc.get(f"sums.{era}", 0) - value
            count -= len(gone)
            nxt = self.work.db.signals.find_one({field: code, "occurred_at": {"$gte": start}}, {"occurred_at": 1},
                                                sort=[("occurred_at", 1)], session=session)
            oldest = nxt["occurred_at"] if nxt else None
        counted = [(doc, work) for doc, work in found if doc["occurred_at"] >= start]
        for doc, _ in counted:
            era, value = model.units(doc)
            inc[f"sums.{era}"] = inc.get(f"sums.{era}", 0) + value
            oldest = doc["occurred_at"] if oldest is None else min(oldest, doc["occurred_at"])
        count += len(counted)
        for name, value in inc.items():
            era = name.split(".", 1)[1]
            sums[era] = sums.get(era, 0) + value
        score = model.score_at({e: v for e, v in sums.items() if v}, at)
        level = model.level_for(score, kind)
        now = clock.now()
        write = UpdateOne({"_id": code}, {
            "$inc": {**inc, "signal_count": count - original},
            "$max": {"at": at},
            "$set": {"score": score, "level": level, "oldest": oldest, "updated_at": now},
            "$setOnInsert": {"kind": kind, "township_code": township,
                             "area_path": [code[:6], township] + ([code] if kind == "village" else [])}},
            upsert=True)
        latest = max(found, key=lambda f: (f[0]["occurred_at"], f[0]["_id"]))
        return {"code": code, "kind": kind, "township": township, "at": at, "score": score, "level": level,
                "from_level": area.get("level", "blue"), "signals": [doc for doc, _ in counted], "work": latest[1],
                "signal_count": count, "write": write}

    def _alerts(self, tx, alerting: list[dict]) -> None:
        """Each area at an alert level has one open alert: raised now (once: a unique key), or brought up to
        date with the signals just scored."""
        db, session = self.work.db, tx.session
        open_alerts = {a["key"]: a for a in db.alerts.find({"key": {"$in": [f"{c['code']}:open" for c in alerting]}},
                                                           session=session)}
        writes = []
        for change in alerting:
            alert = open_alerts.get(f"{change['code']}:open")
            if alert is None:
                self._raise(tx, change)
                continue
            behind = [_signal_of(r) for r in alert.get("reasons", [])] + change["signals"]
            reasons = model.reasons(behind, change["at"], REASONS)
            units = sorted(set(alert.get("units", [])) | set(signals.units_of(change["signals"])))
            peak = max(alert.get("peak_level", "blue"), change["level"], key=model.rank)
            writes.append(UpdateOne({"_id": alert["_id"]}, {"$set": {
                "level": change["level"], "score": change["score"], "at": change["at"], "peak_level": peak,
                "reasons": labelled(reasons, behind), "category": signals.risk_category_of(reasons),
                "units": units, "signal_count": change["signal_count"], "updated_at": clock.now()}}))
        if writes:
            db.alerts.bulk_write(writes, ordered=False, session=session)

    def _raise(self, tx, change: dict) -> None:
        db, session = self.work.db, tx.session
        field = "village_code" if change["kind"] == "village" else "township_code"
        recent = list(db.signals.find({field: change["code"], "occurred_at": {"$gte": model.window_start(
            change["at"])}}, SCORED_FIELDS, session=session).sort("occurred_at", -1).limit(RAISE_SCAN))
        reasons = model.reasons(recent, change["at"], REASONS)
        behind_ids = {r["event_id"] for r in reasons}
        units = signals.units_of([s for s in recent if s["_id"] in behind_ids])
        category = signals.risk_category_of(reasons)
        now = clock.now()
        alert, made = self.work.store.upsert_open_alert(change["code"], {
            "_id": new_id("YJ"), "area_code": change["code"], "area_kind": change["kind"],
            "township_code": change["township"], "area_path": signals.area_path(change["code"]), "status": "open",
            "raised_at": now, "peak_level": change["level"]}, {"level": change["level"], "score": change["score"],
                                "at": change["at"], "reasons": labelled(reasons, recent), "category": category,
                                "units": units, "signal_count": change["signal_count"], "updated_at": now},
            session)
        if made:
            tx.work = change["work"]
            tx.emit(AlertRaised(alert_id=alert["_id"], area_code=change["code"], area_kind=change["kind"],
                                township_code=change["township"], level=change["level"], category=category,
                                score=change["score"], signal_count=change["signal_count"], units=units),
                    area_code=change["code"])


def _signal_of(reason: dict) -> dict:
    """A reason kept on an alert, as the signal it came from (what the model and the units read)."""
    occurred = reason["occurred_at"]
    return {"_id": reason["event_id"], "kind": reason["kind"], "category": reason.get("category"),
            "source": reason.get("source") or "grid",
            "occurred_at": datetime.fromisoformat(occurred) if isinstance(occurred, str) else occurred}


def labelled(reasons: list[dict], behind: list[dict]) -> list[dict]:
    """Each reason with its source and its category's name, as the publishing service calls it."""
    source = {s["_id"]: s.get("source", "") for s in behind}
    return [{**r, "source": source.get(r["event_id"], ""),
             "category_label": signals.category_label(source.get(r["event_id"], ""), r["category"])} for r in reasons]
