"""Fixtures of the fault tests."""
import pytest

from tests.fault.processes import Processes


@pytest.fixture
def processes(env, tmp_path):
    """Service processes of this test's own, every one of them ended afterwards."""
    started = Processes(env, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()
