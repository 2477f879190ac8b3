"""What the village service asks other services by RPC, always before a transaction opens (no transaction waits on
another service). The caller's area scope travels with each call, so the other service answers only for records
the caller may see. A service that is down becomes the typed Unavailable (503), never a guess."""
from shared.calls import call
from shared.errors import NotFound

TIMEOUT_SECONDS = 5
CONDUCT_TRIGGER = "village.conduct.recorded"


class Lookups:
    def __init__(self, grid=None, credit=None):
        self.grid, self.credit = grid, credit

    def population(self, area_code: str) -> dict:
        """{households, residents, adults} registered in an area: counts only, no person."""
        return call(self.grid, "count_population", area_code, timeout=TIMEOUT_SECONDS)

    def resident(self, resident_id: str) -> dict | None:
        try:
            return call(self.grid, "get_resident", resident_id, timeout=TIMEOUT_SECONDS)
        except NotFound:
            return None

    def residents(self, resident_ids) -> dict[str, dict | None]:
        return {rid: self.resident(rid) for rid in dict.fromkeys(resident_ids)}

    def household(self, household_id: str) -> dict | None:
        try:
            return call(self.grid, "get_household", household_id, timeout=TIMEOUT_SECONDS)
        except NotFound:
            return None

    def conduct_rules(self) -> dict[str, dict]:
        """The credit service's active points rules that a conduct record may trigger, by code."""
        found = call(self.credit, "list_rules", CONDUCT_TRIGGER, True, timeout=TIMEOUT_SECONDS)
        return {r["code"]: r for r in found["items"]}

    def award(self, award_id: str) -> dict | None:
        try:
            return call(self.credit, "get_award", award_id, timeout=TIMEOUT_SECONDS)
        except NotFound:
            return None

    def open_case(self, payload: dict) -> dict:
        """A grid case, collected and reported to the township; the client reference makes a retry the same case."""
        case = call(self.grid, "open_case", payload, timeout=TIMEOUT_SECONDS)
        if case["status"] == "collected":
            case = call(self.grid, "act_on_case", case["case_id"], {"action": "report"}, timeout=TIMEOUT_SECONDS)
        return case
