"""The credit demo loads through the real services on top of a small grid demo, only once, and the reconciliation
command finds every chain and balance of it sound."""
import os
import subprocess
import sys

from services.credit import demo, reconcile
from services.credit.service import CreditService
from services.grid import demo as grid_demo
from services.grid.service import GridService
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running


def test_the_demo_loads_once_and_reconciles(env):
    with running(GridService, CreditService), rpc(COUNTY_SCOPE) as internal, rpc(demo.SUBMITTER) as staff, \
            rpc(demo.APPROVER) as approver:
        grid_demo.load(lambda method, *args: getattr(internal.grid, method)(*args),
                       grid_demo.generate(households=60), progress=lambda _: None)
        calls = (lambda method, *a: getattr(staff.credit, method)(*a),
                 lambda method, *a: getattr(approver.credit, method)(*a),
                 lambda method, *a: getattr(internal.grid, method)(*a))
        demo.load(*calls, households=24, progress=lambda _: None)
        credit = database("credit")
        counts = {name: credit[name].count_documents({}) for name in ("ledger", "awards", "redemptions", "listings")}
        demo.load(*calls, households=24, progress=lambda _: None)
        assert {name: credit[name].count_documents({}) for name in counts} == counts
        wait_until(lambda: credit.passbooks.count_documents({}) == 60, what="every demo household's passbook")
    assert counts["ledger"] > 24 and counts["listings"] == 3 and counts["redemptions"] > 0
    assert credit.awards.count_documents({"status": "in_notice"}) >= 1
    assert credit.awards.count_documents({"status": "objected"}) == 1
    checked, problems = reconcile.check(credit)
    assert checked == 60 and problems == []
    command = subprocess.run([sys.executable, "-m", "services.credit.reconcile"], capture_output=True, text=True,
                             env=dict(os.environ), timeout=60)
    assert command.returncode == 0 and "核对存折 60 本：全部相符" in command.stdout, command.stdout + command.stderr
