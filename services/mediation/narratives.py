"""Narratives still to be read from the service a dispute came from (a grid case, a resident's request, a
petition): a timer reads them in the background, not only when someone opens the page, and staff see the disputes
whose narrative is still missing after a while, with how often it was tried and why it failed."""
from datetime import timedelta

from shared import clock
from shared.errors import ValidationFailed
from shared.paging import page_request

from .commands import SOURCE_LABELS, fill_narrative

ROUND = 50                        # disputes one timer round reads
RETRY_SECONDS = 15                # a pending narrative is tried again this often (the query is on an index)
MISSING_AFTER = timedelta(minutes=30)


def fill_pending(work, fetch, limit: int = ROUND) -> int:
    """Read the narratives still pending; a source that fails once is left for the next round (it is away or
    slow), the others go on. Returns how many were filled."""
    filled, away = 0, set()
    for dispute in work.store.pending_narratives(limit):
        if dispute["source"] in away:
            continue
        done = fill_narrative(work, dispute, fetch)
        if done.get("narrative_pending"):
            away.add(dispute["source"])
        else:
            filled += 1
    return filled


def list_missing(work, older_than_minutes=None, page=1, page_size=20) -> dict:
    """Disputes in scope whose narrative is still not read this long after registration (30 minutes by default)."""
    try:
        minutes = int(older_than_minutes) if older_than_minutes not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationFailed("应为分钟数", field="older_than_minutes") from None
    if minutes is not None and not 0 <= minutes <= 60 * 24 * 365:
        raise ValidationFailed("分钟数应在0到525600之间", field="older_than_minutes")
    after = timedelta(minutes=minutes) if minutes is not None else MISSING_AFTER
    paging = page_request(page, page_size)
    query = {**work.scope.query(), "narrative_pending": True, "registered_at": {"$lt": clock.now() - after}}
    result = work.store.list_disputes(query, paging.page, paging.page_size, [("registered_at", 1)])
    result["items"] = [{"dispute_id": d["_id"], "source": d["source"], "source_label": SOURCE_LABELS[d["source"]],
                        "source_ref": d["source_ref"], "area_code": d["area_code"], "status": d["status"],
                        "registered_at": clock.iso(d["registered_at"]),
                        "attempts": d.get("narrative_attempts", 0), "tried_at": clock.iso(d.get("narrative_tried_at")),
                        "error": d.get("narrative_error")} for d in result["items"]]
    return result
