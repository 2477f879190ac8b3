"""平战转换 (emergency): plans per county, township and village; activation (平→战) with the wartime command filled
from today's data; tasks to the grids and to every household; the grid workers' household reports; the live
situation board; deactivation (战→平) with the closing report; drills. Entrypoints only: plans in planning.py,
activations in commands.py, field work in field.py, reads in views.py, the read models of the grid's and the org
service's events in readmodel.py, rules in domain.py, plans.py, tasks.py and board.py, storage in store.py.

The grid service is asked (by RPC, outside any transaction) for the households of the areas being activated and
the ids of residents listed for assisted evacuation; who they are never leaves the grid registry."""
from nameko.rpc import RpcProxy

from shared.calls import call
from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands, field, planning, readmodel, views
from .store import EmergencyStore

ASK_TIMEOUT = 20


class EmergencyService(ReliableService):
    name = "emergency"
    db = Storage(EmergencyStore)
    grid = RpcProxy("grid")
    org = RpcProxy("org")

    def ask(self, service: str, method: str, *args):
        """Another service's answer, with the caller's scope travelling along; Unavailable when it is away."""
        return call(getattr(self, service), method, *args, timeout=ASK_TIMEOUT)

    # read models of the grid's and the org service's events ------------------------------------------------
    @handles("grid", "area.upserted")
    def keep_area(self, tx, envelope):
        readmodel.apply_area(self.db, tx, envelope)

    @handles("grid", "grid_worker.assigned")
    def keep_worker(self, tx, envelope):
        readmodel.apply_worker(self.db, tx, envelope)

    @handles("grid", "household.registered")
    def keep_household(self, tx, envelope):
        readmodel.apply_household(self.db, tx, envelope)

    @handles("grid", "household.moved")
    def keep_household_move(self, tx, envelope):
        readmodel.apply_household(self.db, tx, envelope)

    @handles("org", "party_org.created")
    def keep_party_org(self, tx, envelope):
        readmodel.apply_party_org(self.db, tx, envelope)

    @handles("org", "party_member.registered")
    def keep_member(self, tx, envelope):
        readmodel.apply_member_registered(self.db, tx, envelope)

    @handles("org", "party_member.transferred")
    def keep_member_transfer(self, tx, envelope):
        readmodel.apply_member_transferred(self.db, tx, envelope)

    @rpc
    def read_model_counts(self) -> dict:
        """How many areas, workers, households, party organisations and members the read models hold."""
        return self.db.store.read_model_counts()

    # plans ------------------------------------------------------------------------------------------------
    @rpc
    def reference(self) -> dict:
        return views.reference()

    @rpc
    def save_plan(self, plan_id: str, payload: dict) -> dict:
        """A draft of the plan (a new version when the current one is published)."""
        return planning.save_plan(self.db, plan_id, payload)

    @rpc
    def publish_plan(self, plan_id: str, payload: dict | None = None) -> dict:
        """Publish the draft, or review the plan in force (the yearly review)."""
        return planning.publish_plan(self.db, plan_id, payload)

    @rpc
    def get_plan(self, plan_id: str) -> dict:
        return planning.get_plan(self.db, plan_id)

    @rpc
    def list_plans(self, area_code=None, hazard=None, outdated: bool = False) -> dict:
        return planning.list_plans(self.db, area_code, hazard, outdated)

    # activations ------------------------------------------------------------------------------------------
    @rpc
    def activate(self, payload: dict) -> dict:
        """平→战: tasks for every household and grid of the areas, to the right grid workers."""
        return commands.activate(self.db, payload, self.ask)

    @rpc
    def change_level(self, activation_id: str, payload: dict) -> dict:
        return commands.change_level(self.db, activation_id, payload)

    @rpc
    def extend_activation(self, activation_id: str, payload: dict) -> dict:
        return commands.extend(self.db, activation_id, payload, self.ask)

    @rpc
    def deactivate(self, activation_id: str, payload: dict) -> dict:
        """战→平: the board freezes and the closing report is written from it."""
        return commands.deactivate(self.db, activation_id, payload,
                                   lambda activation, now, session: views.build_board(self.db, activation, now,
                                                                                      session))

    @rpc
    def get_activation(self, activation_id: str) -> dict:
        return views.get_activation(self.db, activation_id)

    @rpc
    def list_activations(self, status=None, drill=None, page=1, page_size=20) -> dict:
        return views.list_activations(self.db, status, drill, page, page_size)

    @rpc
    def board(self, activation_id: str) -> dict:
        """The situation board with its version (unchanged version, unchanged board)."""
        return views.board(self.db, activation_id)

    @rpc
    def closing_report(self, activation_id: str) -> dict:
        return views.closing_report(self.db, activation_id)

    @rpc
    def list_tasks(self, activation_id: str, grid_code=None, status=None) -> dict:
        return views.list_tasks(self.db, activation_id, grid_code, status)

    # the field -------------------------------------------------------------------------------------------
    @rpc
    def my_work(self) -> dict:
        """The caller's running activations with their households and tasks; empty in peacetime."""
        return views.my_work(self.db)

    @rpc
    def my_household_ids(self, activation_id: str) -> list[str]:
        return views.my_household_ids(self.db, activation_id)

    @rpc
    def report_household(self, activation_id: str, household_id: str, payload: dict) -> dict:
        """One household's status; a report id sent again counts once."""
        return field.report_household(self.db, activation_id, household_id, payload)

    @rpc
    def attach_report_photo(self, report_id: str, filename: str, content_base64: str) -> dict:
        return field.attach_photo(self.db, report_id, filename, content_base64)

    @rpc
    def read_report_photo(self, report_id: str) -> dict:
        return field.read_photo(self.db, report_id)

    @rpc
    def hourly_report(self, activation_id: str, payload: dict) -> dict:
        return field.hourly_report(self.db, activation_id, payload)

    @rpc
    def complete_task(self, task_id: str, payload: dict) -> dict:
        return field.complete_task(self.db, task_id, payload)
