"""People's mediation (人民调解): committees, mediators, talk offices, disputes from five doors to closing, the
agreement, the case file and the plan's three targets. Entrypoints only; rules in domain.py and disputes.py,
storage in store.py, the service layer in commands.py and intake.py."""
import base64

from nameko.rpc import RpcProxy
from nameko.timer import timer

from shared.calls import call
from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import casefile, commands, intake, narratives
from .store import MediationStore

NARRATIVE_TIMEOUT_SECONDS = 5


class MediationService(ReliableService):
    name = "mediation"
    db = Storage(MediationStore)
    grid = RpcProxy("grid")
    petitions = RpcProxy("petitions")
    village = RpcProxy("village")

    # the doors that are other services' events ----------------------------------------------------------
    @handles("grid", "case.referred_to_mediation")
    def open_from_grid_case(self, tx, envelope):
        intake.from_grid_case(self.db, tx, envelope)

    @handles("grid", "resident_request.received")
    def open_from_resident_request(self, tx, envelope):
        intake.from_resident_request(self.db, tx, envelope)

    @handles("petitions", "petition.converted_to_mediation")
    def open_from_petition(self, tx, envelope):
        intake.from_petition(self.db, tx, envelope)

    @handles("village", "session_matter.referred_to_mediation")
    def open_from_village_session(self, tx, envelope):
        intake.from_village_session(self.db, tx, envelope)

    # reference data -----------------------------------------------------------------------------------
    @rpc
    def save_committee(self, payload: dict) -> dict:
        return commands.save_committee(self.db, payload)

    @rpc
    def list_committees(self, area_code=None) -> dict:
        return commands.list_committees(self.db, area_code)

    @rpc
    def save_mediator(self, payload: dict) -> dict:
        return commands.save_mediator(self.db, payload)

    @rpc
    def list_mediators(self, committee_id=None) -> dict:
        return commands.list_mediators(self.db, committee_id)

    @rpc
    def save_talk_office(self, payload: dict) -> dict:
        return commands.save_talk_office(self.db, payload)

    @rpc
    def list_talk_offices(self) -> dict:
        return commands.list_talk_offices(self.db)

    # disputes -----------------------------------------------------------------------------------------
    @rpc
    def register_dispute(self, payload: dict) -> dict:
        """A walk-in at the talk office: the parties (residents by id or outside persons), the matter, the category."""
        return commands.register_dispute(self.db, payload)

    @rpc
    def update_dispute(self, dispute_id: str, payload: dict) -> dict:
        """Complete or correct the parties, category, summary or major criteria of an open dispute."""
        return commands.update_dispute(self.db, dispute_id, payload, self._narrative)

    @rpc
    def act_on_dispute(self, dispute_id: str, payload: dict) -> dict:
        """One transition of the dispute table: {action, committee_id?, session?, agreement?, referral?, ...}."""
        return commands.act(self.db, dispute_id, payload)

    @rpc
    def get_dispute(self, dispute_id: str) -> dict:
        return commands.get_dispute(self.db, dispute_id, self._narrative)

    @rpc
    def list_disputes(self, status=None, area_code=None, committee_id=None, major=None, overdue: bool = False,
                      page=1, page_size=20, sort=None) -> dict:
        return commands.list_disputes(self.db, status, area_code, committee_id, major, overdue, page, page_size,
                                      sort)

    @rpc
    def case_file(self, dispute_id: str) -> dict:
        """The case file (卷宗) as a PDF, base64; it holds the parties' details in full."""
        dispute = commands.get_dispute(self.db, dispute_id)  # scope check
        stored = self.db.store.get_dispute(dispute["dispute_id"])
        committee = self.db.store.get_committee(stored["committee_id"]) if stored["committee_id"] else None
        return {"filename": f"人民调解卷宗-{stored['_id']}.pdf",
                "content_base64": base64.b64encode(casefile.render(stored, committee)).decode()}

    @rpc
    def targets(self, area_code=None, since: str = "", until: str = "", as_of=None) -> dict:
        """The three targets (基层化解率, 调解成功率, 重大纠纷化解率) with volumes, for disputes registered in a period."""
        return commands.compute_targets(self.db, area_code, since, until, as_of)

    # narratives still to be read from their source ---------------------------------------------------------
    @timer(interval=narratives.RETRY_SECONDS)
    def fill_pending_narratives(self):
        narratives.fill_pending(self.db, self._narrative)

    @rpc
    def list_missing_narratives(self, older_than_minutes=None, page=1, page_size=20) -> dict:
        """Disputes whose narrative is still not read from their source this long after registration (30 min)."""
        return narratives.list_missing(self.db, older_than_minutes, page, page_size)

    def _narrative(self, source: str, ref: str) -> dict | None:
        if source == "grid_case":
            case = call(self.grid, "get_case_for_referral", ref, timeout=NARRATIVE_TIMEOUT_SECONDS)
            return intake.narrative_of_case(case)
        if source == "resident_request":
            request = call(self.grid, "get_resident_request_for_intake", ref, timeout=NARRATIVE_TIMEOUT_SECONDS)
            return intake.narrative_of_request(request)
        if source == "petition":
            petition = call(self.petitions, "get_petition_for_mediation", ref, timeout=NARRATIVE_TIMEOUT_SECONDS)
            return intake.narrative_of_petition(petition)
        if source == "village_session":
            return {"summary": call(self.village, "get_session_matter_for_referral", ref,
                                    timeout=NARRATIVE_TIMEOUT_SECONDS)["summary"]}
        return None
