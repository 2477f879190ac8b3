"""Grid registry (网格): the area tree down to micro-grids, grid workers, households and residents, imports.

Entrypoints only; the rules are in domain.py and commands.py, storage in store.py.
"""
import base64
import binascii

from nameko.timer import timer

from shared.errors import ValidationFailed
from shared.service import ReliableService, rpc
from shared.storage import Storage

from . import (
    affairs,
    commands,
    emergency_roster,
    holiday_calendar,
    places_commands,
    places_figures,
    places_import,
    population,
    video_coverage,
)
from .places_commands import subject_of
from .store import GridStore


class GridService(ReliableService):
    name = "grid"
    db = Storage(GridStore)

    @rpc
    def upsert_area(self, payload: dict) -> dict:
        """Create or change an area (county, township, village, grid, micro-grid); idempotent."""
        return commands.upsert_area(self.db, payload)

    @rpc
    def upsert_areas(self, areas: list[dict]) -> list[dict]:
        """Bulk form of upsert_area (parents before children), one transaction for up to 1,000 areas."""
        return commands.upsert_areas(self.db, areas)

    @rpc
    def get_area(self, code: str) -> dict:
        return commands.get_area(self.db, code)

    @rpc
    def list_areas(self, parent_code=None, kind=None, page=1, page_size=50) -> dict:
        return commands.list_areas(self.db, parent_code, kind, page, page_size)

    @rpc
    def create_grid_worker(self, payload: dict) -> dict:
        """Create a grid worker (an existing worker_id is updated, so loads can be repeated)."""
        return commands.save_grid_worker(self.db, payload)

    @rpc
    def save_grid_workers(self, workers: list[dict]) -> list[dict]:
        """Bulk create-or-update of grid workers keyed by worker_id, one transaction for up to 1,000."""
        return commands.save_grid_workers(self.db, workers)

    @rpc
    def update_grid_worker(self, worker_id: str, payload: dict) -> dict:
        commands.get_grid_worker(self.db, worker_id)
        return commands.save_grid_worker(self.db, payload, worker_id)

    @rpc
    def assign_grid_worker(self, worker_id: str, grid_code: str) -> dict:
        return commands.assign_grid_worker(self.db, worker_id, grid_code)

    @rpc
    def get_grid_worker(self, worker_id: str) -> dict:
        return commands.get_grid_worker(self.db, worker_id)

    @rpc
    def list_grid_workers(self, grid_code=None, page=1, page_size=50) -> dict:
        return commands.list_grid_workers(self.db, grid_code, page, page_size)

    @rpc
    def register_household(self, payload: dict) -> dict:
        """Register a household with its residents; a known household number or ID number is a conflict."""
        return commands.register_household(self.db, payload)

    @rpc
    def update_household(self, household_id: str, payload: dict) -> dict:
        return commands.update_household(self.db, household_id, payload)

    @rpc
    def get_household(self, household_id: str) -> dict:
        """The household and its residents, personal fields masked."""
        return commands.get_household(self.db, household_id)

    @rpc
    def list_households(self, area_code=None, household_number=None, page=1, page_size=20, sort=None) -> dict:
        """Households in scope; `sort` is household_number, registered_at or address, `-` for descending."""
        return commands.list_households(self.db, area_code, household_number, page, page_size, sort)

    @rpc
    def move_household(self, household_id: str, micro_grid_code: str) -> dict:
        return commands.move_household(self.db, household_id, micro_grid_code)

    @rpc
    def register_resident(self, payload: dict) -> dict:
        return commands.register_resident(self.db, payload)

    @rpc
    def get_resident(self, resident_id: str, unmasked: bool = False, reason: str | None = None) -> dict:
        """Masked unless `unmasked` with a reason, which is recorded with who asked."""
        return commands.get_resident(self.db, resident_id, unmasked, reason)

    @rpc
    def find_resident(self, id_number: str) -> dict:
        """Find a resident by ID number through its blind index (never stored in clear)."""
        return commands.find_resident(self.db, id_number)

    @rpc
    def list_residents(self, household_id=None, area_code=None, page=1, page_size=20, sort=None) -> dict:
        """Residents in scope, masked; `sort` is birth_year, registered_at or household_id, `-` for descending."""
        return commands.list_residents(self.db, household_id, area_code, page, page_size, sort)

    @rpc
    def count_population(self, area_code: str) -> dict:
        """Households, residents and residents aged 18 or over in an area (counts only), e.g. for a quorum."""
        return population.count_population(self.db, area_code)

    @rpc
    def check_coverage(self, area_code: str) -> dict:
        return commands.check_coverage(self.db, area_code)

    @rpc
    def import_rows(self, rows: list[dict], dry_run: bool = True) -> dict:
        return commands.import_rows(self.db, rows, dry_run)

    @rpc
    def import_file(self, job_id: str, filename: str, content_base64: str, dry_run: bool = True) -> dict:
        """Import an .xlsx or .csv of households and residents; progress readable with get_import_job."""
        try:
            content = base64.b64decode(content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("文件内容无法解码", field="file", code="import.bad_encoding") from None
        return commands.import_file(self.db, job_id, filename, content, dry_run)

    @rpc
    def submit_resident_request(self, payload: dict) -> dict:
        """A resident's service order, dispute or online petition; returns only the tracking code."""
        return commands.submit_resident_request(self.db, payload)

    @rpc
    def track_resident_request(self, tracking_code: str, phone_last4: str) -> dict:
        return commands.track_resident_request(self.db, tracking_code, phone_last4)

    @rpc
    def rate_resident_request(self, tracking_code: str, phone_last4: str, rating, comment=None) -> dict:
        """The resident rates the service delivered on their order; 2 or less reopens it."""
        return commands.rate_resident_request(self.db, tracking_code, phone_last4, rating, comment)

    @rpc
    def get_resident_request_for_intake(self, request_id: str) -> dict:
        """For the mediation and petitions services taking a request over (internal callers)."""
        return commands.resident_request_for_intake(self.db, request_id)

    @rpc
    def list_resident_requests(self, area_code=None, page=1, page_size=20) -> dict:
        return commands.list_resident_requests(self.db, area_code, page, page_size)

    @rpc
    def get_import_job(self, job_id: str) -> dict:
        return commands.get_import_job(self.db, job_id)

    # for the emergency service -----------------------------------------------------------------------------
    @rpc
    def emergency_roster(self, area_codes: list[str]) -> dict:
        """The grids (with workers) and households of activated areas, with the ids of residents listed for
        assisted evacuation: ids only, never why."""
        return emergency_roster.roster(self.db, area_codes)

    @rpc
    def visit_list(self, household_ids: list[str]) -> dict:
        """Household number, address and masked names (head, those to help out) for the caller's grids."""
        return emergency_roster.visit_list(self.db, household_ids)

    # grid affairs: the responsibility catalogue --------------------------------------------------------------
    @rpc
    def list_responsibility_items(self, include_inactive: bool = True) -> dict:
        return affairs.list_items(self.db, include_inactive)

    @rpc
    def responsibility_item_versions(self, code: str) -> dict:
        return affairs.item_versions(self.db, code)

    @rpc
    def save_responsibility_item(self, payload: dict) -> dict:
        """A new version of an item; cases keep the version they were opened under."""
        return affairs.save_item(self.db, payload)

    # patrols ---------------------------------------------------------------------------------------------
    @rpc
    def start_patrol(self, grid_code: str) -> dict:
        return affairs.start_patrol(self.db, grid_code)

    @rpc
    def end_patrol(self, patrol_id: str, notes: str | None = None) -> dict:
        return affairs.end_patrol(self.db, patrol_id, notes)

    @rpc
    def current_patrol(self) -> dict:
        return affairs.current_patrol(self.db)

    @rpc
    def list_patrols(self, area_code=None, mine: bool = False, page=1, page_size=20) -> dict:
        return affairs.list_patrols(self.db, area_code, mine, page, page_size)

    # cases -----------------------------------------------------------------------------------------------
    @rpc
    def open_case(self, payload: dict) -> dict:
        """A case discovered and collected by a grid worker (or entered for a resident who reported it)."""
        return affairs.open_case(self.db, payload)

    @rpc
    def act_on_case(self, case_id: str, payload: dict) -> dict:
        """One transition of the case table: {action, reason?, feedback?, assignee?, to?}."""
        return affairs.act_on_case(self.db, case_id, payload)

    @rpc
    def get_case(self, case_id: str) -> dict:
        return affairs.get_case(self.db, case_id)

    @rpc
    def get_case_for_referral(self, case_id: str) -> dict:
        return affairs.get_case_for_referral(self.db, case_id)

    @rpc
    def list_cases(self, status=None, area_code=None, category=None, assignee=None, overdue: bool = False,
                   page=1, page_size=20, sort=None) -> dict:
        return affairs.list_cases(self.db, status, area_code, category, assignee, overdue, page, page_size, sort)

    @rpc
    def attach_case_file(self, case_id: str, stage: str, filename: str, content_base64: str) -> dict:
        return affairs.attach_case_file(self.db, case_id, stage, filename, content_base64)

    @rpc
    def read_case_file(self, case_id: str, file_id: str) -> dict:
        return affairs.read_case_file(self.db, case_id, file_id)

    # service orders --------------------------------------------------------------------------------------
    @rpc
    def place_service_order(self, payload: dict) -> dict:
        return affairs.place_order(self.db, payload)

    @rpc
    def act_on_service_order(self, order_id: str, payload: dict) -> dict:
        """dispatch {assignee}, deliver {feedback} or rate {rating, comment?}."""
        return affairs.act_on_order(self.db, order_id, payload)

    @rpc
    def get_service_order(self, order_id: str) -> dict:
        return affairs.get_order(self.db, order_id)

    @rpc
    def list_service_orders(self, status=None, area_code=None, assignee=None, page=1, page_size=20) -> dict:
        return affairs.list_orders(self.db, status, area_code, assignee, page, page_size)

    # deadlines and figures ---------------------------------------------------------------------------------
    @timer(interval=60)
    def escalate_overdue(self):
        affairs.sweep_deadlines(self.db)

    @rpc
    def sweep_deadlines(self, as_of: str | None = None) -> dict:
        """What the minute timer does; `as_of` (tests only) sweeps as if it were that time."""
        return affairs.sweep_deadlines(self.db, as_of)

    # the holiday calendar (节假日安排) ------------------------------------------------------------------------
    @rpc
    def holiday_year(self, year: int) -> dict:
        """A year's days off and working weekend days as the suite counts them, their source, and its notices."""
        return holiday_calendar.year_view(self.db, year)

    @rpc
    def preview_holiday_notice(self, payload: dict) -> dict:
        """What loading a notice ({text} or {year, holidays, workdays}) would change; nothing is stored."""
        return holiday_calendar.preview(self.db, payload)

    @rpc
    def load_holiday_notice(self, payload: dict) -> dict:
        """Load a year's State Council notice (county only); open deadlines it moves are computed again, once."""
        return holiday_calendar.load(self.db, payload)

    @timer(interval=60, eager=True)
    def keep_holiday_calendar(self):
        holiday_calendar.apply(self.db)

    @rpc
    def affairs_figures(self, area_code=None, since: str = "", until: str = "", as_of=None) -> dict:
        return affairs.affairs_figures(self.db, area_code, since, until, as_of)

    # places: governance centres and service facilities (subject governance_centre or service_facility) ----------
    @rpc
    def places_reference(self) -> dict:
        """The code tables of places with their Chinese labels, and the video freshness window."""
        return places_commands.reference()

    @rpc
    def register_place(self, subject: str, payload: dict) -> dict:
        """Register the centre of an area or the facility of a village; the same area again changes it."""
        return places_commands.register(self.db, subject_of(subject), payload)

    @rpc
    def change_place(self, subject: str, place_id: str, payload: dict) -> dict:
        return places_commands.change(self.db, subject_of(subject), place_id, payload)

    @rpc
    def get_place(self, subject: str, place_id: str) -> dict:
        """The place, the current checklist items that apply to it, and its latest inspections."""
        return places_commands.get(self.db, subject_of(subject), place_id)

    @rpc
    def list_places(self, subject: str, area_code=None, level=None, status=None, active=None, page=1,
                    page_size=20) -> dict:
        return places_commands.list_places(self.db, subject_of(subject), area_code, level, status, active, page,
                                           page_size)

    @rpc
    def get_checklist(self, subject: str) -> dict:
        return places_commands.get_checklist(self.db, subject_of(subject))

    @rpc
    def save_checklist(self, subject: str, payload: dict) -> dict:
        """A new checklist version (county only); every place is judged against it from now on."""
        return places_commands.save_checklist(self.db, subject_of(subject), payload)

    @rpc
    def record_inspection(self, subject: str, place_id: str, payload: dict) -> dict:
        """An inspection by the caller under the current checklist, every applicable item judged."""
        return places_commands.record_inspection(self.db, subject_of(subject), place_id, payload)

    @rpc
    def get_inspection(self, inspection_id: str) -> dict:
        return places_commands.get_inspection(self.db, inspection_id)

    @rpc
    def list_inspections(self, area_code=None, subject=None, passed=None, page=1, page_size=20) -> dict:
        return places_commands.list_inspections(self.db, area_code, subject, passed, page, page_size)

    @rpc
    def attach_inspection_photo(self, inspection_id: str, item_code, filename: str, content_base64: str) -> dict:
        return places_commands.attach_photo(self.db, inspection_id, item_code, filename, content_base64)

    @rpc
    def read_inspection_photo(self, inspection_id: str, file_id: str) -> dict:
        return places_commands.read_photo(self.db, inspection_id, file_id)

    # places: key areas and their video points (雪亮工程) ---------------------------------------------------------
    @rpc
    def register_key_area(self, payload: dict) -> dict:
        """Register a key area; the same name in the same area again changes it."""
        return video_coverage.register_key_area(self.db, payload)

    @rpc
    def change_key_area(self, key_area_id: str, payload: dict) -> dict:
        return video_coverage.change_key_area(self.db, key_area_id, payload)

    @rpc
    def get_key_area(self, key_area_id: str) -> dict:
        return video_coverage.get_key_area(self.db, key_area_id)

    @rpc
    def list_key_areas(self, area_code=None, kind=None, covered=None, page=1, page_size=20) -> dict:
        return video_coverage.list_key_areas(self.db, area_code, kind, covered, page, page_size)

    @rpc
    def register_video_point(self, key_area_id: str, payload: dict) -> dict:
        """Register a video point on a key area by its code (a known code moves here), with an optional check."""
        return video_coverage.register_video_point(self.db, key_area_id, payload)

    @rpc
    def change_video_point(self, video_point_id: str, payload: dict) -> dict:
        return video_coverage.change_video_point(self.db, video_point_id, payload)

    @rpc
    def record_video_check(self, video_point_id: str, payload: dict) -> dict:
        """A point's online state found at a check; an older check than the last one known changes nothing."""
        return video_coverage.record_check(self.db, video_point_id, payload)

    @rpc
    def record_video_checks(self, payload: dict) -> dict:
        """The video platform's report of many points' states by code."""
        return video_coverage.record_checks(self.db, payload)

    @rpc
    def list_video_points(self, area_code=None, online=None, page=1, page_size=50) -> dict:
        return video_coverage.list_points(self.db, area_code, online, page, page_size)

    @timer(interval=300)
    def lapse_video_coverage(self):
        video_coverage.sweep(self.db)
        places_figures.refresh_gauges(self.db)

    @rpc
    def sweep_video_coverage(self, as_of: str | None = None) -> dict:
        """What the five-minute timer does; `as_of` (tests only) sweeps as if it were that time."""
        return video_coverage.sweep(self.db, as_of)

    # places: figures and imports -----------------------------------------------------------------------------
    @rpc
    def places_figures(self, area_code=None) -> dict:
        """规范化建成率, 达标率 and 覆盖率 of an area and of each area below it, with definitions and counts."""
        return places_figures.figures(self.db, area_code)

    @rpc
    def import_places_file(self, job_id: str, kind: str, filename: str, content_base64: str,
                           dry_run: bool = True) -> dict:
        """Import a register of places (.xlsx/.csv); progress and report readable with get_places_import."""
        return places_import.import_file(self.db, job_id, kind, filename, content_base64, dry_run)

    @rpc
    def import_place_rows(self, kind: str, rows: list[dict], dry_run: bool = True) -> dict:
        return places_import.import_rows(self.db, kind, rows, dry_run)

    @rpc
    def get_places_import(self, job_id: str) -> dict:
        return places_import.get_job(self.db, job_id)

    @rpc
    def places_import_template(self, kind: str) -> dict:
        return places_import.template(kind)
