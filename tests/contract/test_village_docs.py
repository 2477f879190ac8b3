"""docs/village.md says what the village service does: its four tables, the figure definitions, the permissions
and the events are the code's."""
from pathlib import Path

from services.gateway.accounts import PERMISSIONS, V_FILE, V_MANAGE, V_READ
from services.village import councils, domain, figures, sessions, village_rules
from services.village.api import codes
from shared.events import REGISTRY

DOC = (Path(__file__).resolve().parents[2] / "docs" / "village.md").read_text(encoding="utf-8")


def test_the_four_tables_in_the_docs_are_the_code_s():
    for workflow in (village_rules.WORKFLOW, councils.FAMILY_EVENT, domain.MATTER, sessions.WORKFLOW):
        assert workflow.markdown() in DOC, workflow.noun


def test_the_kinds_and_figure_definitions_in_the_docs_are_the_code_s():
    for code, label in (*codes.RULES_KINDS.items(), *codes.COUNCIL_KINDS.items()):
        assert f"| `{code}` | {label} |" in DOC
    for key, definition in figures.DEFINITIONS.items():
        assert f"| `{key}` | {definition} |" in DOC


def test_the_permissions_and_events_in_the_docs_are_the_code_s():
    for permission in (V_READ, V_MANAGE, V_FILE):
        roles = ", ".join(r.value for r, granted in PERMISSIONS.items() if permission in granted)
        rows = [line for line in DOC.splitlines() if line.startswith(f"| `{permission}` |")]
        assert rows and rows[0].endswith(f"| {roles} |"), permission
    documented = [cls for (source, _, _), cls in REGISTRY.items() if source == codes.SOURCE]
    assert len(documented) == 18
    for cls in documented:
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{cls.name}` |")), "")
        assert row.endswith(f"| {', '.join(cls.model_fields)} |"), cls.name
