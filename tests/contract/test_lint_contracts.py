"""The import contracts of pyproject.toml hold on this tree and catch what they are for: each check runs
import-linter on a copy of the code with one forbidden import added, as a branch that made it would."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def tree(tmp_path) -> Path:
    """The packages the contracts cover and the configuration, without caches."""
    for package in ("shared", "services", "suite"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120)


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")


def test_the_contracts_hold_on_this_tree(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_the_gateway_importing_a_service_internal_breaks_the_lint(tree):
    add_line(tree / "services/gateway/service.py", "from services.grid.domain import area_from")
    result = lint(tree)
    assert result.returncode == 1
    assert "services.gateway.service -> services.grid.domain" in result.stdout
    assert "only through their public faces" in result.stdout


def test_a_service_importing_another_service_s_commands_breaks_the_lint(tree):
    add_line(tree / "services/risk/signals.py", "from services.petitions import commands")
    result = lint(tree)
    assert result.returncode == 1
    assert "services.risk.signals -> services.petitions.commands" in result.stdout


def test_a_face_importing_its_own_service_s_internals_breaks_the_lint(tree):
    add_line(tree / "services/mediation/api/codes.py", "from services.mediation import disputes")
    result = lint(tree)
    assert result.returncode == 1
    assert "public face holds no service code" in result.stdout


def test_shared_importing_a_service_breaks_the_lint(tree):
    add_line(tree / "shared/topology.py", "import services.grid.api.events")
    result = lint(tree)
    assert result.returncode == 1
    assert "shared.topology -> services.grid.api.events" in result.stdout


def test_a_new_service_folder_is_covered_without_editing_the_contracts(tree):
    newcomer = tree / "services/newcomer"  # a service the suite does not have
    newcomer.mkdir()
    (newcomer / "__init__.py").write_text("")
    (newcomer / "api.py").write_text('"""The new service\'s public face."""\nCODE = "newcomer"\n')
    (newcomer / "commands.py").write_text('"""Private."""\nfrom .api import CODE  # noqa\n')
    add_line(tree / "services/grid/commands.py", "from services.newcomer.api import CODE")
    assert lint(tree).returncode == 0, "a face of the new service may be used"
    add_line(tree / "services/grid/commands.py", "from services.newcomer import commands")
    result = lint(tree)
    assert result.returncode == 1
    assert "services.grid.commands -> services.newcomer.commands" in result.stdout
