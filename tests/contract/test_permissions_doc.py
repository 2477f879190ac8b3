"""docs/permissions.md is the permission matrix as the code has it (services/gateway/permissions.py)."""
from services.gateway import permissions


def test_the_permissions_page_matches_the_matrix_and_the_routes():
    assert permissions.DOC.read_text(encoding="utf-8") == permissions.render(), \
        "docs/permissions.md differs from the code: run scripts/xz contracts"


def test_the_page_lists_every_route_once():
    text = permissions.DOC.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| GET ") or line.startswith("| POST ")
            or line.startswith("| PUT ") or line.startswith("| PATCH ") or line.startswith("| DELETE ")]
    assert len(rows) == len(permissions.routes()) == len(set(rows))
