"""村务自治 (village self-governance): 一约 (village rules and their filing), 四会 (the four councils, family-event
reports, points-claim reviews), 四议两公开 (important matters in six steps with the legal quorum), 村民说事 (sessions
and their matters sent to the grid or mediation), and the figures. Entrypoints only: the rules are in domain.py,
village_rules.py, councils.py, sessions.py and figures.py, the service layer in the *_commands modules, the other
services' events in intake.py, what it asks them in lookups.py, storage in store.py.

The areas come from the grid's events into a read model of this service's own; the village's numbers for a quorum,
residents and households named by reference, and grid cases are asked of the grid, points rules and claims of the
credit service, by RPC before any transaction opens.
"""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands, council_commands, figure_commands, intake, matter_commands, rules_commands, session_commands
from .lookups import Lookups
from .store import VillageStore


class VillageService(ReliableService):
    name = "village"
    db = Storage(VillageStore)
    grid = RpcProxy("grid")
    credit = RpcProxy("credit")

    @property
    def lookups(self) -> Lookups:
        return Lookups(self.grid, self.credit)

    # other services' events ----------------------------------------------------------------------------------
    @handles("grid", "area.upserted")
    def keep_area(self, tx, envelope):
        intake.apply_area(self.db, tx, envelope)

    @handles("grid", "case.closed")
    def follow_closed_case(self, tx, envelope):
        intake.from_grid_case(self.db, tx, envelope)

    @handles("grid", "case.reopened")
    def follow_reopened_case(self, tx, envelope):
        intake.from_grid_case(self.db, tx, envelope)

    @handles("grid", "case.referred_to_mediation")
    def follow_case_sent_to_mediation(self, tx, envelope):
        intake.from_grid_case(self.db, tx, envelope)

    @handles("mediation", "dispute.registered")
    def follow_registered_dispute(self, tx, envelope):
        intake.from_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.resolved")
    def follow_resolved_dispute(self, tx, envelope):
        intake.from_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.failed")
    def follow_failed_dispute(self, tx, envelope):
        intake.from_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.declined")
    def follow_declined_dispute(self, tx, envelope):
        intake.from_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.referred")
    def follow_referred_dispute(self, tx, envelope):
        intake.from_dispute(self.db, tx, envelope)

    @handles("mediation", "dispute.closed")
    def follow_closed_dispute(self, tx, envelope):
        intake.from_dispute(self.db, tx, envelope)

    # reference, areas, the representatives' meeting ------------------------------------------------------------
    @rpc
    def reference(self) -> dict:
        return commands.reference()

    @rpc
    def list_areas(self, parent_code=None) -> dict:
        """The areas this service knows below one (its read model of the grid's tree)."""
        return commands.list_areas(self.db, parent_code)

    @rpc
    def save_representatives(self, village_code: str, payload: dict) -> dict:
        """村民代表会议组成人员 of a village: {resident_ids}, the whole list."""
        return commands.save_representatives(self.db, village_code, payload, self.lookups)

    @rpc
    def get_representatives(self, village_code: str) -> dict:
        return commands.get_representatives(self.db, village_code)

    @rpc
    def public_village(self, village_code: str) -> dict:
        """The residents' page of a village: its rules in force and the published resolutions and results."""
        return commands.public_village(self.db, village_code)

    # 一约 -----------------------------------------------------------------------------------------------------
    @rpc
    def create_rules_version(self, payload: dict) -> dict:
        """A new version of an area's rules, as a draft (clauses may link to points rules)."""
        return rules_commands.create_version(self.db, payload, self.lookups)

    @rpc
    def edit_rules_draft(self, rules_id: str, payload: dict) -> dict:
        return rules_commands.edit_draft(self.db, rules_id, payload, self.lookups)

    @rpc
    def act_on_rules(self, rules_id: str, payload: dict) -> dict:
        """adopt {meeting} (quorum checked), submit, review, file, return {reason}, publish (only once filed)."""
        return rules_commands.act(self.db, rules_id, payload, self.lookups)

    @rpc
    def get_rules(self, rules_id: str) -> dict:
        return rules_commands.get_version(self.db, rules_id)

    @rpc
    def list_rules(self, area_code=None, status=None, kind=None, page=1, page_size=20) -> dict:
        return rules_commands.list_versions(self.db, area_code, status, kind, page, page_size)

    @rpc
    def record_conduct(self, rules_id: str, payload: dict) -> dict:
        """A good deed or breach of a household under a clause linked to a points rule (an event to credit)."""
        return rules_commands.record_conduct(self.db, rules_id, payload, self.lookups)

    @rpc
    def list_conduct(self, area_code=None, rules_id=None, page=1, page_size=20) -> dict:
        return rules_commands.list_conduct(self.db, area_code, rules_id, page, page_size)

    # 四会 -----------------------------------------------------------------------------------------------------
    @rpc
    def save_council(self, payload: dict) -> dict:
        """Set up one of the four councils of a village, or change its term and members."""
        return council_commands.save_council(self.db, payload, self.lookups)

    @rpc
    def list_councils(self, area_code=None, kind=None) -> dict:
        return council_commands.list_councils(self.db, area_code, kind)

    @rpc
    def get_council(self, council_id: str) -> dict:
        return council_commands.get_council(self.db, council_id)

    @rpc
    def record_council_meeting(self, council_id: str, payload: dict) -> dict:
        return council_commands.record_meeting(self.db, council_id, payload)

    @rpc
    def report_family_event(self, council_id: str, payload: dict) -> dict:
        """婚丧事宜报备 to the village's 红白理事会."""
        return council_commands.report_family_event(self.db, council_id, payload, self.lookups)

    @rpc
    def act_on_family_event(self, report_id: str, payload: dict) -> dict:
        """check (a simple one is an event the credit service awards from) or cancel."""
        return council_commands.act_on_family_event(self.db, report_id, payload)

    @rpc
    def list_family_events(self, area_code=None, status=None, page=1, page_size=20) -> dict:
        return council_commands.list_family_events(self.db, area_code, status, page, page_size)

    @rpc
    def review_points_claim(self, council_id: str, payload: dict) -> dict:
        """道德评议会's opinion on a points claim awaiting the credit service's approval."""
        return council_commands.review_claim(self.db, council_id, payload, self.lookups)

    # 四议两公开 -----------------------------------------------------------------------------------------------
    @rpc
    def register_matter(self, payload: dict) -> dict:
        return matter_commands.register_matter(self.db, payload)

    @rpc
    def record_matter_step(self, matter_id: str, step: str, payload: dict) -> dict:
        """The next of the six steps; a skipped or repeated step, or a resolution without quorum, is a 400."""
        return matter_commands.record_step(self.db, matter_id, step, payload, self.lookups)

    @rpc
    def withdraw_matter(self, matter_id: str, payload: dict) -> dict:
        return matter_commands.withdraw(self.db, matter_id, payload)

    @rpc
    def get_matter(self, matter_id: str) -> dict:
        return matter_commands.get_matter(self.db, matter_id)

    @rpc
    def list_matters(self, area_code=None, status=None, flagged: bool = False, page=1, page_size=20) -> dict:
        return matter_commands.list_matters(self.db, area_code, status, flagged, page, page_size)

    @timer(interval=3600)
    def flag_overdue_matters(self):
        matter_commands.sweep_overdue(self.db)

    @rpc
    def sweep_overdue_matters(self, as_of=None) -> dict:
        """What the hourly timer does; `as_of` (a date) sweeps as if it were that day."""
        return matter_commands.sweep_overdue(self.db, as_of)

    # 村民说事 --------------------------------------------------------------------------------------------------
    @rpc
    def record_session(self, payload: dict) -> dict:
        return session_commands.record_session(self.db, payload, self.lookups)

    @rpc
    def act_on_session_matter(self, session_id: str, matter_id: str, payload: dict) -> dict:
        """refer_to_grid {item_code}, refer_to_mediation, or settle {note}."""
        return session_commands.act_on_matter(self.db, session_id, matter_id, payload, self.lookups)

    @rpc
    def get_session(self, session_id: str) -> dict:
        return session_commands.get_session(self.db, session_id)

    @rpc
    def list_sessions(self, area_code=None, kind=None, page=1, page_size=20) -> dict:
        return session_commands.list_sessions(self.db, area_code, kind, page, page_size)

    @rpc
    def get_session_matter_for_referral(self, matter_id: str) -> dict:
        """For the mediation service opening a dispute from a session's matter: its narrative."""
        return session_commands.matter_for_referral(self.db, matter_id)

    # figures ---------------------------------------------------------------------------------------------------
    @rpc
    def figures(self, area_code=None, since: str = "", until: str = "") -> dict:
        return figure_commands.compute(self.db, area_code, since, until)

    @timer(interval=3600)
    def close_last_month(self):
        figure_commands.close_period(self.db)

    @rpc
    def close_period(self, period=None) -> dict:
        """Send each village's and township's figures of an ended month once (`village.figures.period_closed`)."""
        return figure_commands.close_period(self.db, period)
