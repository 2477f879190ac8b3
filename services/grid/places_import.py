"""Importing the registers of places: a dry run reports every problem of the sheet row by row in Chinese (and how
many entries are new or already known); a real run imports only a clean sheet, in batches, each batch one
transaction through the same commands staff use, so a second run of the same sheet changes nothing and emits
nothing. Progress and the report are kept on the job, which only the account that started it reads.
"""
import base64
import binascii

from shared import clock
from shared.errors import NotFound, ValidationFailed

from . import places, places_commands, places_sheets, video_coverage
from .places import Subject
from .places_sheets import KEY_AREA

BATCH = 100


def import_file(work, job_id: str, kind: str, filename: str, content_base64: str, dry_run: bool = True) -> dict:
    kind = places_sheets.kind_of(kind)
    actor = work.actor_ref()
    work.store.places.start_job(job_id, {"kind": kind, "filename": str(filename or "")[-80:], "dry_run": bool(dry_run),
                                         "actor_id": actor["id"] if actor else None})
    try:
        try:
            content = base64.b64decode(content_base64 or "", validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("文件内容无法解码", field="file", code="import.bad_encoding") from None
        rows = places_sheets.read_rows(kind, filename, content)
    except ValidationFailed as exc:
        work.store.places.update_job(job_id, state="rejected", error=exc.to_dict())
        raise
    return import_rows(work, kind, rows, dry_run, job_id)


def import_rows(work, kind: str, rows: list[dict], dry_run: bool = True, job_id: str | None = None) -> dict:
    """Validate every row; a real run imports a clean sheet. Rows are dicts of the sheet's field names."""
    kind = places_sheets.kind_of(kind)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValidationFailed("rows 应为行的列表", field="rows", code="import.bad_rows")
    rows = [{**r, "row": r.get("row") or number} for number, r in enumerate(rows, 2)]  # numbered as in a sheet
    checked = places_sheets.validate(kind, rows, _areas_in_scope(work, rows), _foreign_points(work, kind, rows))
    entries = checked["entries"]
    result = {"kind": kind, "kind_label": places_sheets.TITLES[kind], "dry_run": bool(dry_run),
              "total_rows": len(rows), "problems": checked["problems"], "ok": not checked["problems"],
              **_novelty(work, kind, entries), "imported": None}
    if job_id:
        work.store.places.update_job(job_id, total=len(entries), report=result)
    if dry_run or not result["ok"]:
        if job_id:
            work.store.places.update_job(job_id, state="done" if result["ok"] else "rejected")
        return result
    for start in range(0, len(entries), BATCH):
        _apply(work, kind, entries[start:start + BATCH])
        if job_id:
            work.store.places.update_job(job_id, processed=min(start + BATCH, len(entries)))
    result["imported"] = len(entries)
    if job_id:
        work.store.places.update_job(job_id, state="done", report=result)
    return result


def _apply(work, kind: str, batch: list) -> None:
    if kind != KEY_AREA:
        places_commands.save_places(work, Subject(kind), batch)
        return
    saved = video_coverage.save_key_areas(work, [area for area, _ in batch])
    docs = {a["key_area_id"]: work.store.places.get_key_area(a["key_area_id"]) for a in saved}
    points = [(docs[view["key_area_id"]], point) for view, (_, area_points) in zip(saved, batch, strict=True)
              for point in area_points]
    if points:
        video_coverage.save_points(work, points)


def _areas_in_scope(work, rows: list[dict]) -> dict:
    codes = {str(r.get(f)) for r in rows for f in ("area_code", "village_code") if r.get(f) is not None}
    return {code: area.kind for code, area in work.store.areas_by_code(codes).items() if work.scope.allows(area.path)}


def _foreign_points(work, kind: str, rows: list[dict]) -> set[str]:
    if kind != KEY_AREA:
        return set()
    codes = {str(r["point_code"]) for r in rows if r.get("point_code") is not None}
    return {code for code, point in work.store.places.points_by_code(codes).items()
            if not work.scope.allows(point["area_path"])}


def _novelty(work, kind: str, entries: list) -> dict:
    """How many of the sheet's entries the register does not hold yet (the rest are updated, or left alone when
    unchanged)."""
    store = work.store.places
    if kind != KEY_AREA:
        subject = Subject(kind)
        ids = [places.place_id(subject, places_commands.entry_area(e)) for e in entries]
        known = store.places_by_id(subject, ids)
        return {"entries": len(ids), "new": sum(1 for i in ids if i not in known)}
    known_areas = store.key_areas_by_name({(a.area_code, a.name) for a, _ in entries})
    codes = [p.code for _, points in entries for p in points]
    known_points = store.points_by_code(codes)
    return {"entries": len(entries), "new": sum(1 for a, _ in entries if (a.area_code, a.name) not in known_areas),
            "video_points": len(codes), "new_video_points": sum(1 for c in codes if c not in known_points)}


def get_job(work, job_id: str) -> dict:
    job = work.store.places.get_job(str(job_id or ""))
    if job is None or (work.actor is not None and job.get("actor_id") not in (None, work.actor.id)):
        raise NotFound("导入任务不存在", field="job_id", code="import.not_found")
    job["job_id"] = job.pop("_id")
    return {k: clock.iso(v) for k, v in job.items()}


def template(kind: str) -> dict:
    """An empty sheet of this register, with its Chinese headers, to fill in."""
    import io

    kind = places_sheets.kind_of(kind)
    buffer = io.BytesIO()
    places_sheets.write_xlsx(kind, [], buffer)
    return {"filename": f"{places_sheets.TITLES[kind]}导入模板.xlsx",
            "content_base64": base64.b64encode(buffer.getvalue()).decode()}
