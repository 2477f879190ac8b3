"""Party organisation on the grids (党建引领): the organisation tree and its coverage of grids, members and their
transfers, "三亮双报到", cadres in the grids, joint building, the area rosters and the figures. Entrypoints only;
rules in domain.py and figures.py, storage in store.py, the service layer in commands.py, the read model
of the grid's areas in readmodel.py.

The grids come from the grid service's events into a read model of this service's own (through the inbox); the
org service never calls the grid service.

`sensitive` arguments are the area codes where the caller may see political status (the gateway passes the areas
of the caller's `org.sensitive` grants); without them political status is left out.
"""
from nameko.timer import timer

from shared.service import ReliableService, rpc
from shared.storage import Storage
from shared.subscriber import handles

from . import commands, contacts, readmodel
from .store import OrgStore


class OrgService(ReliableService):
    name = "org"
    db = Storage(OrgStore)

    # the grid's areas, as a read model ---------------------------------------------------------------------
    @handles("grid", "area.upserted")
    def keep_area(self, tx, envelope):
        readmodel.apply_area_event(self.db, tx, envelope)

    @handles("grid", "grid.upserted")
    def keep_grid(self, tx, envelope):
        readmodel.apply_grid_event(self.db, tx, envelope)

    @rpc
    def list_areas(self, parent_code=None) -> dict:
        """The areas this service knows below one (its read model of the grid's tree)."""
        return commands.list_areas(self.db, parent_code)

    # the organisation tree -------------------------------------------------------------------------------
    @rpc
    def reference(self) -> dict:
        return commands.reference()

    @rpc
    def save_party_org(self, payload: dict) -> dict:
        """Create or change a party organisation; on a grid it is the grid's branch or party group."""
        return commands.save_party_org(self.db, payload)

    @rpc
    def list_party_orgs(self, area_code=None) -> dict:
        """The tree under an area (with the organisations above it), parents before children."""
        return commands.list_party_orgs(self.db, area_code)

    @rpc
    def coverage_gaps(self, area_code=None, page=1, page_size=50) -> dict:
        """Grids with neither a branch nor a party group on them."""
        return commands.coverage_gaps(self.db, area_code, page, page_size)

    # members --------------------------------------------------------------------------------------------
    @rpc
    def register_member(self, payload: dict, sensitive=None) -> dict:
        return commands.register_member(self.db, payload, sensitive)

    @rpc
    def get_member(self, member_id: str, sensitive=None) -> dict:
        return commands.get_member(self.db, member_id, sensitive)

    @rpc
    def list_members(self, area_code=None, org_id=None, status=None, registration=None, page=1, page_size=20,
                     sensitive=None) -> dict:
        return commands.list_members(self.db, area_code, org_id, status, registration, page, page_size, sensitive)

    @rpc
    def transfer_member(self, member_id: str, payload: dict, sensitive=None) -> dict:
        """{action: transfer | transfer_out | transfer_in, to_org_id?, destination?, on, note?}; history kept."""
        return commands.transfer_member(self.db, member_id, payload, sensitive)

    @rpc
    def record_registration(self, member_id: str, payload: dict, sensitive=None) -> dict:
        """双报到: {kind: grid | community, area_code, registered_on, identity, duty, pledge}."""
        return commands.record_registration(self.db, member_id, payload, sensitive)

    # cadres in the grids, joint building ---------------------------------------------------------------
    @rpc
    def assign_cadre(self, payload: dict) -> dict:
        return commands.assign_cadre(self.db, payload)

    @rpc
    def record_cadre_activity(self, assignment_id: str, payload: dict) -> dict:
        return commands.record_cadre_activity(self.db, assignment_id, payload)

    @rpc
    def end_cadre_assignment(self, assignment_id: str, payload: dict) -> dict:
        return commands.end_cadre_assignment(self.db, assignment_id, payload)

    @rpc
    def list_cadres(self, area_code=None, status=None, page=1, page_size=20) -> dict:
        return commands.list_cadres(self.db, area_code, status, page, page_size)

    @rpc
    def pair_joint_building(self, payload: dict) -> dict:
        return commands.pair_joint_building(self.db, payload)

    @rpc
    def record_joint_activity(self, pair_id: str, payload: dict) -> dict:
        return commands.record_joint_activity(self.db, pair_id, payload)

    @rpc
    def list_joint_buildings(self, area_code=None, page=1, page_size=20) -> dict:
        return commands.list_joint_buildings(self.db, area_code, page, page_size)

    # rosters and figures ---------------------------------------------------------------------------------
    @rpc
    def save_roster(self, payload: dict) -> dict:
        """Who fills one roster role of an area: {role, area_code, people: [...]}."""
        return commands.save_roster(self.db, payload)

    @rpc
    def list_rosters(self, area_code=None) -> dict:
        """Every roster slot the area and the areas under it must fill, filled or not."""
        return commands.list_rosters(self.db, area_code)

    @rpc
    def record_deputy_visit(self, payload: dict) -> dict:
        """两代表一委员: a deputy's visit to a community on whose roster they are; the last contact moves to it."""
        return contacts.record_visit(self.db, payload)

    @rpc
    def list_deputy_visits(self, area_code=None, person_id=None, page=1, page_size=20) -> dict:
        return contacts.list_visits(self.db, area_code, person_id, page, page_size)

    @timer(interval=3600)
    def flag_overdue_contacts(self):
        contacts.flag_overdue(self.db)

    @rpc
    def flag_overdue_deputy_contacts(self, as_of=None) -> dict:
        """What the hourly timer does; `as_of` (a date) flags as if it were that day."""
        return contacts.flag_overdue(self.db, as_of)

    @timer(interval=300)
    def gauge_county_figures(self):
        """Keep the county's figures on the metrics page (the figures RPC for the county refreshes them too)."""
        commands.compute_figures(self.db, None)

    @rpc
    def figures(self, area_code=None) -> dict:
        """Branch coverage of grids, double-registration rate, cadres per grid, roster completeness; by area."""
        return commands.compute_figures(self.db, area_code)
