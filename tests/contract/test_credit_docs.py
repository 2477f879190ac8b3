"""docs/credit.md says what the credit code does: the award's table, the categories, the discipline flags."""
from pathlib import Path

from services.credit.api import codes

DOC = (Path(__file__).resolve().parents[2] / "docs" / "credit.md").read_text(encoding="utf-8")


def test_the_award_table_in_the_docs_is_the_code_s():
    assert codes.AWARD_WORKFLOW.markdown() in DOC


def test_categories_triggers_and_flags_in_the_docs_are_the_code_s():
    for code, label in codes.CATEGORIES.items():
        assert f"| `{code}` | {label} |" in DOC
    for trigger in codes.TRIGGERS:
        assert f"`{trigger}`" in DOC
    for label in codes.DISCIPLINE.values():
        assert label in DOC
