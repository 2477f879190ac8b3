"""Credit and points (道德银行、积分存折、积分超市、诚信城口): passbooks, the rule catalogue, manual awards through
approval and notice, the hash-chained ledger, the points supermarket, integrity ratings and the debtor list.
Entrypoints only; rules in domain.py (the award table in api.codes), storage in store.py, the service layer in
commands.py, market.py, ratings.py and intake.py."""
import copy

from nameko.rpc import RpcProxy, ServiceProxy
from nameko.timer import timer

from shared.calls import call
from shared.errors import NotFound
from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands, intake, market, ratings, village_intake
from .store import CreditStore

LOOKUP_TIMEOUT_SECONDS = 5


def _on_own_account(proxy: ServiceProxy) -> ServiceProxy:
    """The same proxy without the caller's area scope. A resident on the residents' channel comes with an empty
    scope, which would find nothing; the lookup that checks their household number and phone digits is the credit
    service's own, and only what that check allows goes back to them."""
    context = copy.copy(proxy.worker_ctx)
    context.data = {k: v for k, v in proxy.worker_ctx.data.items() if k != "scope"}
    return ServiceProxy(context, proxy.service_name, proxy.reply_listener, **proxy.options)


class CreditService(ReliableService):
    name = "credit"
    db = Storage(CreditStore)
    grid = RpcProxy("grid")
    mediation = RpcProxy("mediation")

    # other services' events ------------------------------------------------------------------------------
    @handles("grid", "household.registered")
    def open_passbook(self, tx, envelope):
        intake.open_passbook(self.db, tx, envelope)

    @handles("grid", "household.moved")
    def move_passbook(self, tx, envelope):
        intake.move_passbook(self.db, tx, envelope)

    @handles("grid", "case.verified", lookup="_households_of")
    def award_for_verified_case(self, tx, envelope, households):
        intake.award_from_event(self.db, tx, envelope, households)

    @handles("mediation", "dispute.resolved", lookup="_households_of")
    def award_for_resolved_dispute(self, tx, envelope, households):
        intake.award_from_event(self.db, tx, envelope, households)

    @handles("grid", "service_order.rated", lookup="_households_of")
    def award_for_rated_service_order(self, tx, envelope, households):
        intake.award_from_event(self.db, tx, envelope, households)

    @handles("village", "family_event_report.checked")
    def submit_for_checked_family_event(self, tx, envelope):
        village_intake.submit_from_event(self.db, tx, envelope)

    @handles("village", "conduct.recorded")
    def submit_for_recorded_conduct(self, tx, envelope):
        village_intake.submit_from_event(self.db, tx, envelope)

    @handles("village", "points_claim.reviewed")
    def record_council_review(self, tx, envelope):
        village_intake.record_council_review(self.db, tx, envelope)

    @timer(interval=600)
    def post_due_awards(self):
        commands.post_due_awards(self.db)

    @timer(interval=3600)
    def expire_listings(self):
        ratings.expire_listings(self.db)

    @timer(interval=60)
    def fill_holders(self):
        commands.fill_holders(self.db, self._holder, self.db.store.pending_holders(200))

    # passbooks and the ledger -----------------------------------------------------------------------------
    @rpc
    def get_passbook(self, household_id: str, page=1, page_size=20) -> dict:
        """Balance, rating and the ledger's lines (newest first) with the rule behind each."""
        return commands.get_passbook(self.db, household_id, self._holder, page, page_size)

    @rpc
    def list_passbooks(self, area_code=None, household_number=None, page=1, page_size=20, sort=None) -> dict:
        # Lists do not wait on the grid for names not read yet (the timer reads them); one passbook's page does.
        return commands.list_passbooks(self.db, area_code, household_number, page, page_size, sort)

    @rpc
    def public_notices(self, village_code: str, page=1, page_size=50) -> dict:
        """A village's notice board for the residents' channel (names masked)."""
        return commands.notices(self.db, village_code, page, page_size, public=True)

    @rpc
    def public_ranking(self, village_code: str, limit: int = 20) -> dict:
        return commands.ranking(self.db, village_code, limit, None, public=True)

    @rpc
    def public_passbook(self, household_number: str, phone_last4: str) -> dict:
        """The residents' channel: household number plus the last four digits of a member's registered phone."""
        return commands.public_passbook(self.db, household_number, phone_last4, self._household_by_number)

    @rpc
    def open_passbook_for(self, household_id: str) -> dict:
        """Open the passbook of a household registered before the credit service ran (demo loader, ops)."""
        return commands.open_passbook(self.db, call(self.grid, "get_household", household_id,
                                                    timeout=LOOKUP_TIMEOUT_SECONDS))

    @rpc
    def correct_entry(self, entry_id: str, payload: dict) -> dict:
        """A compensating entry for `entry_id` ({reason}); the original stays as it is. Once per entry."""
        return commands.correct_entry(self.db, entry_id, payload)

    @rpc
    def ranking(self, village_code: str, limit: int = 20) -> dict:
        """A village's households by points earned, names masked."""
        return commands.ranking(self.db, village_code, limit)

    # rules and manual awards -------------------------------------------------------------------------------
    @rpc
    def save_rule(self, payload: dict) -> dict:
        """Add or change a points rule: category, points, cap per period, trigger (manual or an event type)."""
        return commands.save_rule(self.db, payload)

    @rpc
    def list_rules(self, trigger=None, active=None) -> dict:
        return commands.list_rules(self.db, trigger, active)

    @rpc
    def submit_award(self, payload: dict) -> dict:
        """A manual award with its evidence; it waits for a second person's approval."""
        return commands.submit_award(self.db, payload, self._holder)

    @rpc
    def act_on_award(self, award_id: str, payload: dict) -> dict:
        """approve, reject, object, uphold, dismiss or post."""
        return commands.act_on_award(self.db, award_id, payload)

    @rpc
    def object_publicly(self, award_id: str, reason: str) -> dict:
        """An objection from the residents' channel to an award on the notice board."""
        return commands.object_publicly(self.db, award_id, reason)

    @rpc
    def get_award(self, award_id: str) -> dict:
        return commands.get_award(self.db, award_id)

    @rpc
    def list_awards(self, status=None, area_code=None, page=1, page_size=20, sort=None) -> dict:
        return commands.list_awards(self.db, status, area_code, page, page_size, sort)

    @rpc
    def notices(self, village_code=None, page=1, page_size=50) -> dict:
        return commands.notices(self.db, village_code, page, page_size)

    @rpc
    def post_due(self, as_of=None, award_ids=None) -> dict:
        """Post the awards whose notice period has ended (the timer does this every ten minutes)."""
        return commands.post_due_awards(self.db, as_of, award_ids)

    # the points supermarket -------------------------------------------------------------------------------
    @rpc
    def save_store(self, payload: dict) -> dict:
        return market.save_store(self.db, payload)

    @rpc
    def list_stores(self, village_code=None) -> dict:
        return market.list_stores(self.db, village_code)

    @rpc
    def save_item(self, payload: dict) -> dict:
        return market.save_item(self.db, payload)

    @rpc
    def list_items(self, active=None) -> dict:
        return market.list_items(self.db, active)

    @rpc
    def add_stock(self, store_id: str, payload: dict) -> dict:
        return market.add_stock(self.db, store_id, payload)

    @rpc
    def stock(self, store_id: str) -> dict:
        return market.stock(self.db, store_id)

    @rpc
    def reserve(self, payload: dict) -> dict:
        """Reserve an item at a store for a household: stock and points together, or neither (409)."""
        return market.reserve(self.db, payload)

    @rpc
    def fulfil(self, redemption_id: str) -> dict:
        """The goods were handed over; a reservation is fulfilled or cancelled once."""
        return market.fulfil(self.db, redemption_id)

    @rpc
    def cancel(self, redemption_id: str, reason=None) -> dict:
        """Cancel a reservation: the stock goes back on the shelf, the points back by a compensating entry."""
        return market.cancel(self.db, redemption_id, reason)

    @rpc
    def list_redemptions(self, store_id=None, status=None, household_id=None, page=1, page_size=20) -> dict:
        return market.list_redemptions(self.db, store_id, status, household_id, page, page_size)

    # integrity ratings, enterprises, the debtor list, appeals ---------------------------------------------
    @rpc
    def get_rating(self, subject_kind: str, subject_id: str) -> dict:
        """A household's or enterprise's level with the reasons and the evidence that produced it."""
        return ratings.get_rating(self.db, subject_kind, subject_id)

    @rpc
    def list_ratings(self, subject_kind=None, level=None, area_code=None, page=1, page_size=20) -> dict:
        return ratings.list_ratings(self.db, subject_kind, level, area_code, page, page_size)

    @rpc
    def save_enterprise(self, payload: dict) -> dict:
        return ratings.save_enterprise(self.db, payload)

    @rpc
    def list_enterprises(self, area_code=None) -> dict:
        return ratings.list_enterprises(self.db, area_code)

    @rpc
    def add_enterprise_record(self, enterprise_code: str, payload: dict) -> dict:
        """A commendation or violation of an enterprise; its level is computed again."""
        return ratings.add_enterprise_record(self.db, enterprise_code, payload)

    @rpc
    def import_debtors(self, filename: str, content_base64: str, dry_run: bool = True) -> dict:
        """The court's list (.xlsx or .csv): every row checked first, nothing written when one is wrong."""
        return ratings.import_debtors(self.db, filename, content_base64, dry_run, self._resident_by_id_number)

    @rpc
    def list_listings(self, status="active", area_code=None, page=1, page_size=20) -> dict:
        return ratings.list_listings(self.db, status, area_code, page, page_size)

    @rpc
    def delist(self, listing_id: str) -> dict:
        """The court has lifted a listing before its term."""
        return ratings.delist(self.db, listing_id, "court")

    @rpc
    def expire_due_listings(self, as_of=None) -> dict:
        return ratings.expire_listings(self.db, as_of)

    @rpc
    def joint_discipline(self, id_number=None, household_id=None, enterprise_code=None) -> dict:
        """For other services: the joint-discipline flags on a person, household or enterprise."""
        return ratings.joint_discipline(self.db, id_number, household_id, enterprise_code)

    @rpc
    def submit_appeal(self, payload: dict) -> dict:
        """An appeal against a listing or a rating, to be decided with an outcome."""
        return ratings.submit_appeal(self.db, payload)

    @rpc
    def decide_appeal(self, appeal_id: str, payload: dict) -> dict:
        """upheld or dismissed, with a note; an upheld appeal against a listing ends it."""
        return ratings.decide_appeal(self.db, appeal_id, payload)

    @rpc
    def list_appeals(self, status=None) -> dict:
        return ratings.list_appeals(self.db, status)

    # lookups in the grid and mediation services ---------------------------------------------------------
    def _holder(self, household_id: str) -> dict:
        return commands.holder_of(call(self.grid, "get_household", household_id, timeout=LOOKUP_TIMEOUT_SECONDS))

    def _household_by_number(self, household_number: str) -> dict | None:
        grid = _on_own_account(self.grid)
        found = call(grid, "list_households", None, household_number, 1, 1, timeout=LOOKUP_TIMEOUT_SECONDS)
        if not found["items"]:
            return None
        return call(grid, "get_household", found["items"][0]["household_id"], timeout=LOOKUP_TIMEOUT_SECONDS)

    def _resident_by_id_number(self, id_number: str) -> dict | None:
        try:
            return call(self.grid, "find_resident", id_number, timeout=LOOKUP_TIMEOUT_SECONDS)
        except NotFound:  # not registered in the county: listed, without a household
            return None

    def _households_of(self, envelope) -> list[str]:
        """The households an event's record concerns, asked of its service before the handler's transaction; none
        to ask for when no rule is triggered."""
        if not intake.rules_triggered(self.db, envelope):
            return []
        event_type, data = envelope.event_type, envelope.data
        if event_type == "grid.service_order.rated":  # the order names the household it served (or none)
            return [data["household_id"]] if data.get("household_id") else []
        if event_type == "grid.case.verified":
            case = call(self.grid, "get_case", data["case_id"], timeout=LOOKUP_TIMEOUT_SECONDS)
            residents = case["party_resident_ids"]
        else:
            dispute = call(self.mediation, "get_dispute", data["dispute_id"], timeout=LOOKUP_TIMEOUT_SECONDS)
            residents = [p["resident_id"] for p in dispute["parties"] if p.get("resident_id")]
        households = []
        for resident_id in residents:
            try:
                household_id = call(self.grid, "get_resident", resident_id,
                                    timeout=LOOKUP_TIMEOUT_SECONDS)["household_id"]
            except NotFound:
                continue  # no longer registered: nobody to award
            if household_id and household_id not in households:
                households.append(household_id)
        return households
