"""Joint risk assessment ("16+N"): signals from the other services' events, explainable scores per village and
township, alerts shared with the member units whose domain they concern, the risk register, assessment meetings
with opinions and follow-up tasks, and the peace-building designations. Entrypoints only; the scoring model in
model.py, rules in domain.py and signals.py, storage in store.py, the service layer in commands.py."""
from nameko.timer import timer

from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands
from .store import RiskStore


class RiskService(ReliableService):
    name = "risk"
    db = Storage(RiskStore)

    # signals: one per event, through the inbox ------------------------------------------------------------------
    @handles("grid", "case.reported", batch=True)
    def on_case_reported(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("grid", "case.overdue", batch=True)
    def on_case_overdue(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("grid", "case.escalated", batch=True)
    def on_case_escalated(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("mediation", "dispute.registered", batch=True)
    def on_dispute_registered(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("mediation", "dispute.failed", batch=True)
    def on_dispute_failed(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("mediation", "dispute.referred", batch=True)
    def on_dispute_referred(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("petitions", "petition.received", batch=True)
    def on_petition_received(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("petitions", "petition.repeat_detected", batch=True)
    def on_petition_repeat(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("petitions", "petition.overdue", batch=True)
    def on_petition_overdue(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("credit", "dishonest_debtor.listed", batch=True)
    def on_debtor_listed(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    @handles("emergency", "activation.activated")
    def on_emergency_activated(self, tx, envelope):
        commands.record_signal(self.db, tx, envelope)

    # scores and alerts ---------------------------------------------------------------------------------------------
    @rpc
    def reference(self) -> dict:
        """The scoring model (weights, decay, thresholds), categories, designations and escalation steps."""
        return commands.reference()

    @rpc
    def heat(self, township_code: str | None = None) -> dict:
        return commands.heat(self.db, township_code)

    @rpc
    def explain_score(self, area_code: str, as_of: str | None = None) -> dict:
        return commands.explain(self.db, area_code, as_of)

    @rpc
    def rebuild_scores(self) -> dict:
        """Every score recomputed from the stored signals and compared with the live one."""
        return commands.rebuild(self.db)

    @rpc
    def list_alerts(self, status=None, area_code=None, page=1, page_size=20) -> dict:
        return commands.list_alerts(self.db, status, area_code, page, page_size)

    @rpc
    def get_alert(self, alert_id: str) -> dict:
        return commands.get_alert(self.db, alert_id)

    # member units and the register --------------------------------------------------------------------------------
    @rpc
    def list_units(self) -> list[dict]:
        return commands.list_units(self.db)

    @rpc
    def save_unit(self, payload: dict) -> dict:
        return commands.save_unit(self.db, payload)

    @rpc
    def create_risk_item(self, payload: dict) -> dict:
        return commands.create_item(self.db, payload)

    @rpc
    def update_risk_item(self, item_id: str, payload: dict) -> dict:
        return commands.update_item(self.db, item_id, payload)

    @rpc
    def list_risk_items(self, area_code=None, level=None, status=None, category=None, page=1, page_size=20) -> dict:
        return commands.list_items(self.db, area_code, level, status, category, page, page_size)

    # assessment meetings -------------------------------------------------------------------------------------------
    @rpc
    def convene_meeting(self, payload: dict) -> dict:
        return commands.convene(self.db, payload)

    @rpc
    def give_opinion(self, meeting_id: str, payload: dict) -> dict:
        return commands.give_opinion(self.db, meeting_id, payload)

    @rpc
    def conclude_meeting(self, meeting_id: str, payload: dict) -> dict:
        return commands.conclude(self.db, meeting_id, payload)

    @rpc
    def get_meeting(self, meeting_id: str) -> dict:
        return commands.get_meeting(self.db, meeting_id)

    @rpc
    def list_meetings(self, page=1, page_size=20) -> dict:
        return commands.list_meetings(self.db, page, page_size)

    @rpc
    def list_tasks(self, status=None, page=1, page_size=50) -> dict:
        return commands.list_tasks(self.db, status, page, page_size)

    @rpc
    def complete_task(self, task_id: str, payload: dict) -> dict:
        return commands.complete_task(self.db, task_id, payload)

    # the clocks and the designations -------------------------------------------------------------------------------
    @timer(interval=600)
    def sweep_every_ten_minutes(self):
        commands.sweep(self.db, None)

    @rpc
    def sweep_tasks(self, as_of: str | None = None) -> dict:
        """What the timer does; `as_of` (tests only) sweeps as if it were that time."""
        return commands.sweep(self.db, as_of)

    @timer(interval=3600)
    def designations_every_hour(self):
        commands.assess_designations(self.db, None)

    @rpc
    def assess_designations(self, as_of: str | None = None, township_codes: list[str] | None = None) -> dict:
        return commands.assess_designations(self.db, as_of, township_codes)

    @rpc
    def list_designations(self, township_code: str | None = None) -> list[dict]:
        return commands.list_designations(self.db, township_code)
