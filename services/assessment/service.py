"""考核评价 (assessment): the plan's eight targets as one scorecard for the county, every township and every
village, the areas ranked for the leader's first screen, the records behind every figure, the survey figures of
each year beside the city's average, and the months closed and published. Entrypoints only: the rules are in
scorecard.py, the service layer in commands.py, the other services' events in intake.py, storage in store.py.

It knows the other services only by their events (docs/adr/0021-assessment-reads-events.md): never their
databases, never their code beyond the mediation service's public definitions of its targets. Its handlers apply
what the process holds in one transaction (docs/adr/0020-inbox-group-commit.md).
"""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from shared.calls import call
from shared.errors import XiangzhiError
from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands, intake, scheme_commands, selection_commands, survey_commands
from .api import codes
from .store import AssessmentStore


class AssessmentService(ReliableService):
    name = "assessment"
    db = Storage(AssessmentStore)
    grid = RpcProxy("grid")

    # other services' events ----------------------------------------------------------------------------------
    @handles("grid", "area.upserted", batch=True)
    def keep_area(self, tx, envelope):
        intake.apply_area(self.db, tx, envelope)

    @handles("grid", "governance_centre.upserted", batch=True)
    def keep_governance_centre(self, tx, envelope):
        intake.apply_place(self.db, tx, envelope)

    @handles("grid", "service_facility.upserted", batch=True)
    def keep_service_facility(self, tx, envelope):
        intake.apply_place(self.db, tx, envelope)

    @handles("grid", "key_area.upserted", batch=True)
    def keep_key_area(self, tx, envelope):
        intake.apply_place(self.db, tx, envelope)

    @handles("mediation", "dispute.registered", batch=True)
    def keep_registered_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.accepted", batch=True)
    def keep_accepted_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.declined", batch=True)
    def keep_declined_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.escalated", batch=True)
    def keep_escalated_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.resolved", batch=True)
    def keep_resolved_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.failed", batch=True)
    def keep_failed_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.referred", batch=True)
    def keep_referred_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.closed", batch=True)
    def keep_closed_dispute(self, tx, envelope):
        intake.apply_dispute(self.db, tx, envelope)

    @handles("grid", "household.registered", batch=True)
    def keep_household(self, tx, envelope):
        intake.apply_household(self.db, tx, envelope)

    @handles("grid", "household.moved", batch=True)
    def keep_household_move(self, tx, envelope):
        intake.apply_household(self.db, tx, envelope)

    @handles("petitions", "petition.received", batch=True)
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

    # surveys ----------------------------------------------------------------------------------------------------------
    @rpc
    def open_survey(self, payload: dict) -> dict:
        """The year's survey: the questionnaire and the sample per village, with the one-time codes (shown once)."""
        return survey_commands.open_survey(self.db, payload, self._doors)

    def _doors(self, household_ids: list[str]) -> dict[str, dict]:
        """The 户号, address and masked head of the drawn households, asked of the grid for the slips; without the
        grid the slips carry the household ids only."""
        found: dict[str, dict] = {}
        try:
            for start in range(0, len(household_ids), 2000):
                for item in call(self.grid, "visit_list", household_ids[start:start + 2000])["items"]:
                    found[item["household_id"]] = item
        except XiangzhiError:
            return {}
        return found

    @rpc
    def list_surveys(self) -> dict:
        return survey_commands.list_surveys(self.db)

    @rpc
    def survey_results(self, survey_id: str, area_code=None) -> dict:
        return survey_commands.results_of(self.db, survey_id, area_code)

    @rpc
    def close_survey(self, survey_id: str, payload: dict) -> dict:
        return survey_commands.close_survey(self.db, survey_id, payload)

    @rpc
    def survey_questions(self, payload: dict) -> dict:
        """The residents' page: the questions for a one-time code."""
        return survey_commands.questions_for(self.db, payload)

    @rpc
    def answer_survey(self, payload: dict) -> dict:
        """The residents' page: a household's answers with its one-time code, accepted once."""
        return survey_commands.answer(self.db, payload)

    # 线上考核 ------------------------------------------------------------------------------------------------------
    @rpc
    def save_scheme(self, payload: dict) -> dict:
        """The county's annual scheme (a draft until activated; at most 12 indicators, 4 of them manual)."""
        return scheme_commands.save_scheme(self.db, payload)

    @rpc
    def activate_scheme(self, scheme_id: str) -> dict:
        return scheme_commands.activate_scheme(self.db, scheme_id)

    @rpc
    def list_schemes(self) -> dict:
        return scheme_commands.list_schemes(self.db)

    @rpc
    def start_round(self, payload: dict) -> dict:
        """Score every area of a finished period: the automatic indicators now, the manual ones left open."""
        return scheme_commands.start_round(self.db, payload)

    @rpc
    def get_round(self, round_id: str) -> dict:
        return scheme_commands.get_round(self.db, round_id)

    @rpc
    def list_rounds(self, scheme_id=None) -> dict:
        return scheme_commands.list_rounds(self.db, scheme_id)

    @rpc
    def score_manual(self, round_id: str, payload: dict) -> dict:
        return scheme_commands.score_manual(self.db, round_id, payload)

    @rpc
    def start_round_notice(self, round_id: str, payload=None) -> dict:
        return scheme_commands.start_notice(self.db, round_id, payload)

    @rpc
    def appeal(self, round_id: str, payload: dict) -> dict:
        """An area's appeal of one point, with evidence, within the notice."""
        return scheme_commands.appeal(self.db, round_id, payload)

    @rpc
    def decide_appeal(self, appeal_id: str, payload: dict) -> dict:
        return scheme_commands.decide_appeal(self.db, appeal_id, payload)

    @rpc
    def publish_round(self, round_id: str) -> dict:
        """Publish once the notice has passed and no appeal is pending."""
        return scheme_commands.publish_round(self.db, round_id)

    # 评选 -------------------------------------------------------------------------------------------------------------
    @rpc
    def save_selection(self, payload: dict) -> dict:
        return selection_commands.save_selection(self.db, payload)

    @rpc
    def list_selections(self) -> dict:
        return selection_commands.list_selections(self.db)

    @rpc
    def get_selection(self, selection_id: str) -> dict:
        return selection_commands.get_selection(self.db, selection_id)

    @rpc
    def nominate(self, selection_id: str, payload: dict) -> dict:
        return selection_commands.nominate(self.db, selection_id, payload)

    @rpc
    def decide_nomination(self, nomination_id: str, payload: dict) -> dict:
        return selection_commands.decide_nomination(self.db, nomination_id, payload)

    @rpc
    def start_selection_notice(self, selection_id: str, payload=None) -> dict:
        return selection_commands.start_notice(self.db, selection_id, payload)

    @rpc
    def object_to_nomination(self, nomination_id: str, payload: dict) -> dict:
        return selection_commands.object_to(self.db, nomination_id, payload)

    @rpc
    def decide_objection(self, nomination_id: str, objection_id: str, payload: dict) -> dict:
        return selection_commands.decide_objection(self.db, nomination_id, objection_id, payload)

    @rpc
    def award_selection(self, selection_id: str) -> dict:
        return selection_commands.award(self.db, selection_id)

    @timer(interval=3600)
    def close_last_month_hourly(self):
        commands.close_last_month(self.db)
