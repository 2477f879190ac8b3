"""Petitions (信访): registration on the four channels, the statutory clocks, first-handler responsibility,
assignment and supervision, leaders' ownership and visits, repeats and hard cases, conversion to mediation, the
figures, and the petitioner's own view. Entrypoints only; rules in domain.py, petitions.py, clocks.py and
figures.py, storage in store.py, the service layer in commands.py."""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from shared.calls import call
from shared.holiday_notices import KeepsHolidayCalendar
from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands, mediation, recompute, reference
from .store import PetitionsStore

INTAKE_TIMEOUT_SECONDS = 5


class PetitionsService(KeepsHolidayCalendar, ReliableService):
    name = "petitions"
    db = Storage(PetitionsStore)
    grid = RpcProxy("grid")

    # the online channel: residents' requests the grid service receives ---------------------------------------
    @handles("grid", "resident_request.received", lookup="_intake_of")
    def open_from_resident_request(self, tx, envelope, request):
        commands.from_resident_request(self.db, tx, envelope, request)

    # the mediation a petition was converted to: what the mediator may read, and its course coming back --------
    @rpc
    def get_petition_for_mediation(self, petition_id: str) -> dict:
        """The matter and petitioners of a petition converted to mediation (internal caller: the mediation service,
        which keeps them encrypted and shows them masked); refused for any other petition."""
        return mediation.for_mediation(self.db, petition_id)

    @handles("mediation", "dispute.accepted")
    def mediation_accepted(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    @handles("mediation", "dispute.escalated")
    def mediation_escalated(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    @handles("mediation", "dispute.resolved")
    def mediation_resolved(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    @handles("mediation", "dispute.failed")
    def mediation_failed(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    @handles("mediation", "dispute.declined")
    def mediation_declined(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    @handles("mediation", "dispute.referred")
    def mediation_referred(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    @handles("mediation", "dispute.followed_up")
    def mediation_followed_up(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    @handles("mediation", "dispute.closed")
    def mediation_closed(self, tx, envelope):
        mediation.record_result(self.db, tx, envelope)

    # registration and transitions -----------------------------------------------------------------------------
    @rpc
    def register_petition(self, payload: dict) -> dict:
        """A petition by letter, visit or phone (or online on the petitioner's behalf), registered by an officer."""
        return commands.register(self.db, payload)

    @rpc
    def act_on_petition(self, petition_id: str, payload: dict, as_of: str | None = None) -> dict:
        """One transition of the petition's table: {action, unit?, reason?, notice?, reply?, opinion?, days?, ...};
        `as_of` (tests only) acts as if it were that time."""
        return commands.act(self.db, petition_id, payload, as_of)

    @rpc
    def supervise(self, petition_id: str, payload: dict) -> dict:
        return commands.supervise(self.db, petition_id, payload)

    @rpc
    def own_case(self, petition_id: str, payload: dict) -> dict:
        return commands.own_case(self.db, petition_id, payload)

    @rpc
    def record_visit(self, petition_id: str, payload: dict) -> dict:
        return commands.record_visit(self.db, petition_id, payload)

    @rpc
    def mark_hard_case(self, petition_id: str, payload: dict) -> dict:
        return commands.mark_hard_case(self.db, petition_id, payload)

    @rpc
    def attach_file(self, petition_id: str, filename: str, content_base64: str) -> dict:
        return commands.attach_file(self.db, petition_id, filename, content_base64)

    @rpc
    def read_file(self, petition_id: str, file_id: str) -> dict:
        return commands.read_file(self.db, petition_id, file_id)

    # reads -----------------------------------------------------------------------------------------------------
    @rpc
    def reference(self) -> dict:
        """Channels, categories, units, visit kinds and supervision levels with their labels, the statutory clocks
        and the transition table."""
        return reference.reference()

    @rpc
    def get_petition(self, petition_id: str) -> dict:
        commands.fill_pending_intakes(self.db, self._intake, commands.READ_FILL_LIMIT)
        return commands.get(self.db, petition_id)

    @rpc
    def list_petitions(self, status=None, area_code=None, unit=None, channel=None, leader=None, supervised=False,
                       hard_case=None, repeat=None, page=1, page_size=20, sort=None) -> dict:
        commands.fill_pending_intakes(self.db, self._intake, commands.READ_FILL_LIMIT)
        return commands.list_petitions(self.db, status, area_code, unit, channel, leader, supervised, hard_case,
                                       repeat, page, page_size, sort)

    @rpc
    def figures(self, area_code=None, since: str = "", until: str = "", as_of=None) -> dict:
        return commands.compute_figures(self.db, area_code, since, until, as_of)

    # the petitioner's own view (residents' channel) ------------------------------------------------------------
    @rpc
    def track_petition(self, tracking_code: str, phone_last4: str) -> dict:
        return commands.track(self.db, tracking_code, phone_last4, self._intake)

    @rpc
    def request_review_publicly(self, payload: dict) -> dict:
        return commands.request_review_publicly(self.db, payload)

    @rpc
    def rate_publicly(self, payload: dict) -> dict:
        return commands.rate_publicly(self.db, payload)

    # the clocks --------------------------------------------------------------------------------------------------
    @timer(interval=60)
    def sweep_every_minute(self):
        commands.sweep(self.db, None, self._intake)

    @rpc
    def sweep_deadlines(self, as_of: str | None = None) -> dict:
        """What the minute timer does; `as_of` (tests only) sweeps as if it were that time."""
        return commands.sweep(self.db, as_of, self._intake)

    def recompute_deadlines(self, job, before, after):
        """A holiday notice was loaded (KeepsHolidayCalendar): announce the running clocks whose end it moves."""
        recompute.recompute_deadlines(self.db, job, before, after)

    def _intake_of(self, envelope) -> dict | None:
        """The grid's copy of an online petition, before the handler's transaction; None while the grid is away."""
        if envelope.data.get("kind") != "petition":
            return None
        return commands.fetch_intake(self._intake, envelope.data["request_id"])

    def _intake(self, request_id: str) -> dict:
        return call(self.grid, "get_resident_request_for_intake", request_id, timeout=INTAKE_TIMEOUT_SECONDS)
