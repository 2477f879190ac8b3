"""A transition table: which action moves a record from which statuses to which, who may take it, and what it
needs. Each service writes its table once; `Workflow.step` is the one place a status changes, so an illegal move is
refused the same way everywhere, with the status and the action named in Chinese."""
from dataclasses import dataclass, field

from shared.errors import Conflict, ValidationFailed


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    duty: str                      # the permission the caller needs (checked by scope in the service's queries)
    label: str                     # the action in the staff's words
    needs: tuple[str, ...] = field(default=())  # fields the command must carry, e.g. reason, assignee


class Workflow:
    def __init__(self, noun: str, status_labels: dict[str, str], transitions: list[Transition]):
        self.noun = noun
        self.status_labels = status_labels
        self.transitions = {t.action: t for t in transitions}
        unknown = {s for t in transitions for s in (*t.sources, t.target)} - set(status_labels)
        if unknown:
            raise ValueError(f"statuses without a label: {sorted(unknown)}")

    def get(self, action: str) -> Transition:
        transition = self.transitions.get(action)
        if transition is None:
            raise ValidationFailed(f"操作应为以下之一：{'、'.join(self.transitions)}", field="action",
                                   code=f"{self.noun}.unknown_action")
        return transition

    def step(self, status: str, action: str, given: dict) -> Transition:
        """The transition `action` takes from `status`; refused when illegal or when a needed field is missing."""
        transition = self.get(action)
        if status not in transition.sources:
            raise Conflict(f"当前状态为「{self.status_labels[status]}」，不能{transition.label}",
                           field="action", code=f"{self.noun}.illegal_transition")
        for name in transition.needs:
            if not given.get(name):
                raise ValidationFailed(f"{transition.label}须填写此项", field=name, code="validation")
        return transition

    def statuses(self, value: str | None, only=None) -> list[str] | None:
        """The statuses a list asks for ("a,b"), checked against the table's; `only` narrows them (to the open
        ones, say, when only overdue records are wanted). None when nothing narrows the list."""
        wanted = [s for s in str(value or "").split(",") if s]
        if any(s not in self.status_labels for s in wanted):
            raise ValidationFailed(f"状态应为以下之一：{'、'.join(self.status_labels)}", field="status")
        if only is not None:
            return [s for s in (wanted or [str(o) for o in only]) if s in only]
        return wanted or None

    def actions_for(self, duty: str) -> list[str]:
        """The actions a permission covers (the gateway has one route per permission)."""
        return [a for a, t in self.transitions.items() if t.duty == duty]

    def allowed(self, status: str) -> list[str]:
        """The actions open from `status`, for the console's buttons."""
        return [a for a, t in self.transitions.items() if status in t.sources]

    def table(self) -> list[dict]:
        """The table itself, for the docs and the console."""
        return [{"action": t.action, "label": t.label, "from": sorted(t.sources), "to": t.target,
                 "duty": t.duty, "needs": list(t.needs)} for t in self.transitions.values()]

    def markdown(self) -> str:
        """The table as the docs show it; a test keeps the docs and the code the same."""
        rows = ["| action | from | to | permission | needs |", "|---|---|---|---|---|"]
        rows += [f"| `{t.action}` {t.label} | {', '.join(f'`{s}`' for s in sorted(t.sources))} | `{t.target}` | "
                 f"`{t.duty}` | {', '.join(t.needs) or '—'} |" for t in self.transitions.values()]
        return "\n".join(rows)
