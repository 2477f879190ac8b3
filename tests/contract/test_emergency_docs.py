"""docs/emergency.md says what the emergency service does: its three tables, permissions and events are the code's."""
from pathlib import Path

from services.emergency import api, domain, plans
from services.gateway.accounts import E_COMMAND, E_PLAN, E_READ, E_REPORT, PERMISSIONS
from shared.events import REGISTRY

DOC = (Path(__file__).resolve().parents[2] / "docs" / "emergency.md").read_text(encoding="utf-8")


def test_the_plan_activation_and_household_tables_are_the_code_s():
    for workflow in (plans.PLAN, domain.ACTIVATION, domain.HOUSEHOLD):
        assert workflow.markdown() in DOC, workflow.noun
    for hazard, label in api.HAZARD_LABELS.items():
        assert f"`{hazard}` {label}" in DOC


def test_the_permissions_and_events_in_the_docs_are_the_code_s():
    for permission in (E_READ, E_PLAN, E_COMMAND, E_REPORT):
        roles = ", ".join(r.value for r, granted in PERMISSIONS.items() if permission in granted)
        rows = [line for line in DOC.splitlines() if line.startswith(f"| `{permission}` |")]
        assert rows and rows[0].endswith(f"| {roles} |"), permission
    documented = [cls for (source, _, _), cls in REGISTRY.items() if source == api.SOURCE]
    assert len(documented) == 7
    for cls in documented:
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{cls.name}` |")), "")
        assert row.endswith(f"| {', '.join(cls.model_fields)} |"), cls.name
