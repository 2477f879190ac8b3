"""The docs say what the code does: the transition tables and the starting catalogue in docs/grid-affairs.md are
the ones in the code."""
from pathlib import Path

from services.grid import responsibility
from services.grid.api import codes as grid_codes
from services.grid.api.rpc import DeadlineRule
from services.mediation.api import codes as mediation_codes
from services.petitions import clocks
from services.petitions.api import codes as petition_codes

DOC = (Path(__file__).resolve().parents[2] / "docs" / "grid-affairs.md").read_text(encoding="utf-8")


def test_the_case_and_order_tables_in_the_docs_are_the_code_s():
    assert grid_codes.CASE_WORKFLOW.markdown() in DOC
    assert grid_codes.ORDER_WORKFLOW.markdown() in DOC


def test_the_starting_catalogue_in_the_docs_is_the_code_s():
    for item in responsibility.DEFAULT_ITEMS:
        category = grid_codes.CATEGORIES[item["code"].split(".")[0]]
        rule = DeadlineRule.model_validate(item["deadline"])
        row = (f"| {category} | `{item['code']}` {item['name']} | {item['owner_department']} | {rule.label} | "
               f"{'是' if item['verify_on_site'] else '否'} |")
        assert row in DOC, row


def test_the_dispute_table_in_the_docs_is_the_code_s():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "mediation.md").read_text(encoding="utf-8")
    assert mediation_codes.WORKFLOW.markdown() in doc
    for text in mediation_codes.MAJOR_CRITERIA.values():
        assert text in doc


def test_the_petition_table_and_clocks_in_the_docs_are_the_code_s():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "petitions.md").read_text(encoding="utf-8")
    assert petition_codes.WORKFLOW.markdown() in doc
    assert clocks.markdown() in doc


def test_the_risk_weights_and_thresholds_in_the_docs_are_the_code_s():
    from services.risk import domain as risk_domain
    from services.risk import model

    doc = (Path(__file__).resolve().parents[2] / "docs" / "risk.md").read_text(encoding="utf-8")
    assert model.markdown() in doc
    for level, days, to in risk_domain.ESCALATION:
        assert f"| {level} | {days} | {to} |" in doc
