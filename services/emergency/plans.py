"""The rules of an emergency plan (应急预案): versions, publication, the yearly review and what a plan provides at
each response level. Plain data; no I/O.

A plan keeps its id across versions. Saving it makes a draft (a new version when the current one is published);
publishing the draft makes it the plan in force and the version before it superseded. A plan is reviewed every
year (`REVIEW_DAYS`): publishing again, changed or not, is the review. Past its review date a plan is outdated.
"""
from datetime import date, timedelta

from shared.workflow import Transition, Workflow

from .api import LEVEL_LABELS, P_PLAN, PLAN_STATUS_LABELS, REVIEW_DAYS, SEVERITY, TASK_KIND_LABELS, Level, PlanIn
from .api import PlanStatus as S

PLAN = Workflow("emergency_plan", {str(k): v for k, v in PLAN_STATUS_LABELS.items()}, [
    Transition("publish", frozenset({S.draft}), S.published, P_PLAN, "发布"),
    Transition("supersede", frozenset({S.published}), S.superseded, P_PLAN, "由新版本替代"),
])


def area_level(code: str) -> str:
    return {6: "county", 9: "township", 12: "village"}[len(code)]


def review_due_on(reviewed_on: date) -> date:
    return reviewed_on + timedelta(days=REVIEW_DAYS)


def outdated(plan: dict, today: date) -> bool:
    """A published plan past its review date (预案过期未复审)."""
    return plan["status"] == S.published and date.fromisoformat(plan["review_due_on"]) < today


def next_version(versions: list[dict]) -> tuple[int, dict | None]:
    """The version a save writes and the draft it replaces: an unpublished draft is overwritten, otherwise the
    next number is taken."""
    if not versions:
        return 1, None
    latest = max(versions, key=lambda v: v["version"])
    if latest["status"] == S.draft:
        return latest["version"], latest
    return latest["version"] + 1, None


def draft_of(plan_in: PlanIn, version: int, today: date) -> dict:
    """The stored form of a saved plan (contacts' phones are sealed by the store)."""
    body = plan_in.model_dump(mode="json")
    reviewed = plan_in.reviewed_on or today
    return {**body, "version": version, "status": S.draft, "reviewed_on": reviewed.isoformat(),
            "review_due_on": review_due_on(reviewed).isoformat(), "level": area_level(plan_in.area_code)}


def levels_of(plan: dict) -> list[str]:
    """The response levels at which the plan has tasks, gravest first (a level-IV task applies at every level)."""
    lowest = min(SEVERITY[Level(t["min_level"])] for t in plan["task_templates"])
    return [str(level) for level in sorted(SEVERITY, key=SEVERITY.get, reverse=True) if SEVERITY[level] >= lowest]


def templates_at(plan: dict, level: str) -> list[dict]:
    return [t for t in plan["task_templates"] if SEVERITY[Level(level)] >= SEVERITY[Level(t["min_level"])]]


def newly_applying(plan: dict, old: str, new: str) -> list[dict]:
    """Templates that apply at `new` but did not at `old` (a graver level adds tasks; a lighter one keeps them)."""
    before = {id(t) for t in templates_at(plan, old)}
    return [t for t in templates_at(plan, new) if id(t) not in before]


def summary_of_levels(plan: dict) -> list[dict]:
    """Per level, the tasks it brings: what the plan page shows."""
    return [{"level": level, "label": LEVEL_LABELS[Level(level)],
             "tasks": [f"{TASK_KIND_LABELS[t['kind']]}：{t['title']}" for t in templates_at(plan, level)]}
            for level in levels_of(plan)]
