"""Grid registry (网格): the area tree down to micro-grids, grid workers, households and residents, imports.

Entrypoints only; the rules are in domain.py and commands.py, storage in store.py.
"""
import base64
import binascii

from shared.errors import ValidationFailed
from shared.service import ReliableService, rpc
from shared.storage import Storage

from . import commands
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
    def list_resident_requests(self, area_code=None, page=1, page_size=20) -> dict:
        return commands.list_resident_requests(self.db, area_code, page, page_size)

    @rpc
    def get_import_job(self, job_id: str) -> dict:
        return commands.get_import_job(self.db, job_id)
