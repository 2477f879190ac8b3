"""考核评价 (assessment): the plan's eight targets as one scorecard for the county, every township and every
village, the areas ranked for the leader's first screen, the records behind every figure, the survey figures of
each year beside the city's average, and the months closed and published. Entrypoints only: the rules are in
scorecard.py, the service layer in commands.py, the other services' events in intake.py, storage in store.py.

It knows the other services only by their events (docs/adr/0021-assessment-reads-events.md): never their databases,
never their code beyond the mediation service's public definitions of its targets.
"""
from nameko.timer import timer

from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands, intake
from .api import codes
from .store import AssessmentStore


class AssessmentService(ReliableService):
    name = "assessment"
    db = Storage(AssessmentStore)

    # other services' events ----------------------------------------------------------------------------------
    @handles("grid", "area.upserted")
    def keep_area(self, tx, envelope):
        intake.apply_area(self.db, tx, envelope)

    @handles("grid", "governance_centre.upserted")
    def keep_governance_centre(self, tx, envelope):
        intake.apply_place(self.db, tx, envelope)

    @handles("grid", "service_facility.upserted")
    def keep_service_facility(self, tx, envelope):
        intake.apply_place(self.db, tx, envelope)

    @handles("grid", "key_area.upserted")
    def keep_key_area(self, tx, envelope):
        intake.apply_place(self.db, tx, envelope)

    @handles("mediation", "dispute.registered")
    def keep_registered_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.accepted")
    def keep_accepted_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.declined")
    def keep_declined_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.escalated")
    def keep_escalated_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.resolved")
    def keep_resolved_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.failed")
    def keep_failed_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.referred")
    def keep_referred_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.closed")
    def keep_closed_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("petitions", "petition.received")
    def keep_received_petition(self, tx, envelope):
        intake.apply_petition(self.db, tx, envelope)

    # the scorecard -----------------------------------------------------------------------------------------------
    @rpc
    def reference(self) -> dict:
        return {"targets": [t._asdict() for t in codes.TARGETS], "survey_indicators": codes.SURVEY_INDICATORS}

    @rpc
    def scorecard(self, area_code=None, since=None, until=None, as_of=None) -> dict:
        """The eight cards of an area for a period (default: this month so far), each with its 12-month trend."""
        return commands.get_scorecard(self.db, area_code, since, until, as_of)

    @rpc
    def ranking(self, area_code=None, since=None, until=None) -> dict:
        """The areas one level below, ranked by 目标达成指数 (the tile map and the ranking)."""
        return commands.ranking(self.db, area_code, since, until)

    @rpc
    def target_records(self, target: str, area_code=None, since=None, until=None) -> dict:
        """The records a target counts in its denominator, each saying whether it is in the numerator."""
        return commands.target_records(self.db, target, area_code, since, until)

    # surveys and closing ------------------------------------------------------------------------------------------
    @rpc
    def record_survey_figure(self, payload: dict) -> dict:
        return commands.record_survey_figure(self.db, payload)

    @rpc
    def list_survey_figures(self, area_code=None) -> dict:
        return commands.list_survey_figures(self.db, area_code)

    @rpc
    def close_period(self, payload: dict) -> dict:
        """Publish a finished month's scorecards of the county and its townships, once."""
        return commands.close_period(self.db, payload)

    @timer(interval=3600)
    def close_last_month_hourly(self):
        commands.close_last_month(self.db)
