"""docs/org.md says what the org service does: its transfer table, figure definitions, roster roles, permissions
and events are the code's."""
from pathlib import Path

from services.gateway.accounts import O_MANAGE, O_READ, O_SENSITIVE, PERMISSIONS
from services.org import figures
from services.org.api import codes, events
from shared.events import REGISTRY

DOC = (Path(__file__).resolve().parents[2] / "docs" / "org.md").read_text(encoding="utf-8")


def test_the_transfer_table_and_the_figure_definitions_are_the_code_s():
    assert codes.MEMBERSHIP.markdown() in DOC
    for key, definition in figures.DEFINITIONS.items():
        assert f"| `{key}` | {definition} |" in DOC


def test_the_rosters_permissions_and_events_in_the_docs_are_the_code_s():
    for role, label in codes.ROSTER_LABELS.items():
        assert f"| {label} | `{role}` |" in DOC
    for permission in (O_READ, O_MANAGE, O_SENSITIVE):
        roles = ", ".join(r.value for r, granted in PERMISSIONS.items() if permission in granted)
        rows = [line for line in DOC.splitlines() if line.startswith(f"| `{permission}` |")]
        assert rows and rows[0].endswith(f"| {roles} |"), permission
    documented = [cls for (source, _, _), cls in REGISTRY.items() if source == events.SOURCE]
    assert len(documented) == 7
    for cls in documented:
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{cls.name}` |")), "")
        assert row.endswith(f"| {', '.join(cls.model_fields)} |"), cls.name
