"""docs/credit.md says what the credit code does: the award's table, the categories, the discipline flags."""
from pathlib import Path

from services.credit import awards, domain

DOC = (Path(__file__).resolve().parents[2] / "docs" / "credit.md").read_text(encoding="utf-8")


def test_the_award_table_in_the_docs_is_the_code_s():
    assert awards.WORKFLOW.markdown() in DOC


def test_categories_triggers_and_flags_in_the_docs_are_the_code_s():
    for code, label in domain.CATEGORIES.items():
        assert f"| `{code}` | {label} |" in DOC
    for trigger in domain.TRIGGERS:
        assert f"`{trigger}`" in DOC
    for label in domain.DISCIPLINE.values():
        assert label in DOC
