"""docs/assessment.md says what the assessment service does: its eight targets, permissions and events are the
code's."""
from pathlib import Path

from services.assessment.api import codes
from services.gateway.accounts import PERMISSIONS
from shared.events import REGISTRY
from suite import contracts

DOC = (Path(__file__).resolve().parents[2] / "docs" / "assessment.md").read_text(encoding="utf-8")


def test_the_eight_targets_in_the_docs_are_the_code_s():
    assert len(codes.TARGETS) == 8
    for target in codes.TARGETS:
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{target.code}` |")), "")
        assert f"| {target.label} |" in row and row.endswith(f"| {target.definition} | {target.source} |"), target.code


def test_the_permissions_and_events_in_the_docs_are_the_code_s():
    for permission in (codes.AS_READ, codes.AS_MANAGE, codes.AS_APPEAL):
        roles = ", ".join(r.value for r, granted in PERMISSIONS.items() if permission in granted)
        rows = [line for line in DOC.splitlines() if line.startswith(f"| `{permission}` |")]
        assert rows and rows[0].endswith(f"| {roles} |"), permission
    contracts.load_event_modules()
    documented = [cls for (source, _, _), cls in REGISTRY.items() if source == "assessment"]
    assert len(documented) == 6
    for cls in documented:
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{cls.name}` |")), "")
        assert row.endswith(f"| {', '.join(cls.model_fields)} |"), cls.name
