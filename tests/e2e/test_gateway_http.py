"""The gateway over real HTTP, with the grid service behind it on the real broker and store."""
import io
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from services.gateway.service import GatewayService
from services.grid import importing
from services.grid.service import GridService
from tests import factories
from tests.conftest import free_port
from tests.harness import database, running

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


ADMIN_PASSWORD = "Chengkou-Initial-2026!"
NEW_PASSWORD = "Chengkou-Changed-2026!"


class Client:
    def __init__(self, port, token=None):
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def sign_in(self, username, password):
        status, body = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password})
        assert status == 200, body
        self.token = body["access_token"]
        return body

    def request(self, method, path, body=None, raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = dict(headers or {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, _decode(resp)
        except urllib.error.HTTPError as err:
            return err.code, _decode(err)

    def upload(self, path, filename, content):
        boundary = "xzboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", path, raw=body,
                            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def _decode(resp):
    raw, kind = resp.read(), resp.headers.get_content_type()
    if kind == "application/json":
        return json.loads(raw.decode())
    return raw.decode() if kind.startswith("text/") else raw  # a spreadsheet or a PDF stays bytes


@pytest.fixture
def gateway_port(env, monkeypatch):
    port = free_port()
    monkeypatch.setenv("GATEWAY_PORT", str(port))
    monkeypatch.setenv("ADMIN_INITIAL_PASSWORD", ADMIN_PASSWORD)
    return port


def admin(port) -> Client:
    """The first administrator, past the forced change of the initial password."""
    client = Client(port)
    first = client.sign_in("admin", ADMIN_PASSWORD)
    assert first["must_change_password"] is True
    status, changed = client.request("POST", "/api/v1/auth/password",
                                     {"old_password": ADMIN_PASSWORD, "new_password": NEW_PASSWORD})
    assert status == 200, changed
    client.token = changed["access_token"]
    return client


@pytest.fixture
def http(gateway_port):
    with running(GridService, GatewayService):
        client = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2):
            status, _ = client.request("PUT", f"/api/v1/areas/{area['code']}", area)
            assert status == 200
        yield client


def test_health_and_console_page(http):
    assert http.request("GET", "/health") == (200, {"status": "ok"})
    status, body = http.request("GET", "/ready")
    assert status == 200 and body["gateway"]["service"] == "gateway"
    status, body = http.request("GET", "/status")
    assert status == 200 and body["services"]["grid"]["status"] == "up"
    # Only the grid runs here: every other service the gateway calls is reported down, by name.
    assert body["services"]["mediation"]["status"] == "down" and body["status"] == "degraded"
    assert body["down"] == sorted(name for name in body["services"] if name != "grid")
    status, page = http.request("GET", "/")
    assert status == 200 and "乡治" in page


def test_bad_id_number_is_400_with_field_and_chinese_message(http):
    payload = factories.household("500229001001001001", n_residents=1)
    payload["residents"][0]["id_number"] = payload["residents"][0]["id_number"][:17] + "Y"
    status, body = http.request("POST", "/api/v1/households", payload)
    assert status == 400
    assert body["field"] == "residents.0.id_number" and body["code"] == "validation"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    assert database("grid").households.count_documents({}) == 0


def test_register_read_conflict_and_not_found(http):
    payload = factories.household("500229001001001001", n_residents=2)
    status, created = http.request("POST", "/api/v1/households", payload)
    assert status == 201
    status, read = http.request("GET", f"/api/v1/households/{created['household_id']}")
    assert status == 200 and read["residents"][0]["id_number"].count("*") == 8
    assert http.request("POST", "/api/v1/households", payload)[0] == 409
    status, body = http.request("GET", "/api/v1/households/HHnope")
    assert status == 404 and body["code"] == "household.not_found"
    status, body = http.request("POST", "/api/v1/residents/search",
                                {"id_number": payload["residents"][1]["id_number"]})
    assert status == 200 and body["household_id"] == created["household_id"]


def test_bad_json_and_bad_paging_are_400(http):
    status, body = http.request("POST", "/api/v1/households", raw=b"{not json",
                                headers={"Content-Type": "application/json"})
    assert (status, body["field"]) == (400, "body")
    status, body = http.request("GET", "/api/v1/households?page_size=5000")
    assert (status, body["field"]) == (400, "page_size")
    status, body = http.request("GET", "/api/v1/households?page=abc")
    assert (status, body["field"]) == (400, "page")


def test_client_cannot_widen_its_scope_with_context_headers(http):
    status, body = http.request("GET", "/api/v1/areas?kind=county",
                                headers={"nameko-scope": "999999", "nameko.scope": "999999"})
    assert status == 200 and [a["code"] for a in body["items"]] == ["500229"]


def _wait_job(http, job_id):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, job = http.request("GET", f"/api/v1/imports/{job_id}")
        if status == 200 and job["state"] != "running":
            return job
        time.sleep(0.2)
    raise AssertionError("import did not finish")


def test_import_bad_file_reports_rows_and_writes_nothing(http):
    content = (FIXTURES / "households-bad.csv").read_bytes()
    status, job = http.upload("/api/v1/imports?dry_run=false", "households-bad.csv", content)
    assert status == 202
    done = _wait_job(http, job["job_id"])
    assert done["state"] == "rejected"
    problems = done["report"]["problems"]
    assert {p["row"] for p in problems} >= {3, 4, 5, 6, 7}
    assert all(p["reason"] and p["column"] for p in problems)
    assert database("grid").households.count_documents({}) == 0


def test_import_xlsx_then_reimport_updates_without_duplicates(http):
    rows = factories.rows(["500229001001001001", "500229001001001002"], count=12, seed=7)
    buffer = io.BytesIO()
    importing.write_xlsx(rows, buffer)
    status, job = http.upload("/api/v1/imports?dry_run=true", "户籍.xlsx", buffer.getvalue())
    dry = _wait_job(http, job["job_id"])
    assert dry["state"] == "done" and dry["report"]["problems"] == []
    assert database("grid").households.count_documents({}) == 0
    status, job = http.upload("/api/v1/imports?dry_run=false", "户籍.xlsx", buffer.getvalue())
    first = _wait_job(http, job["job_id"])
    households = first["report"]["households"]
    assert first["report"]["imported"]["households_created"] == households == 12
    status, job = http.upload("/api/v1/imports?dry_run=false", "户籍.xlsx", buffer.getvalue())
    second = _wait_job(http, job["job_id"])
    assert second["report"]["imported"]["households_created"] == 0
    assert second["report"]["imported"]["residents_created"] == 0
    assert database("grid").households.count_documents({}) == 12


def test_unsupported_file_is_rejected_with_reason(http):
    status, job = http.upload("/api/v1/imports", "notes.txt", b"hello")
    done = _wait_job(http, job["job_id"])
    assert done["state"] == "rejected" and done["error"]["code"] == "import.unsupported_file"


def test_grid_down_gives_503(gateway_port):
    with running(GatewayService):
        status, body = admin(gateway_port).request("GET", "/api/v1/areas")
    assert status == 503 and body["code"].startswith("gateway.")


def test_request_id_becomes_the_correlation_id_of_the_event(http):
    payload = factories.household("500229001001001001", n_residents=1)
    status, created = http.request("POST", "/api/v1/households", payload, headers={"X-Request-Id": "req-0042-abcd"})
    assert status == 201
    entry = database("grid").outbox.find_one({"envelope.data.household_id": created["household_id"],
                                              "event_type": "grid.household.registered"})
    assert entry["envelope"]["correlation_id"] == "req-0042-abcd"
    assert entry["envelope"]["actor"]["role"] == "county_admin"


def test_lists_sort_by_an_allowed_field_either_way_and_refuse_others(http):
    for n in range(3):
        payload = factories.household("500229001001001001", n_residents=1)
        payload["household_number"] = f"500229-S0000{n}"
        assert http.request("POST", "/api/v1/households", payload)[0] == 201
    numbers = lambda path: [h["household_number"] for h in http.request("GET", path)[1]["items"]]  # noqa: E731
    assert numbers("/api/v1/households?sort=household_number") == ["500229-S00000", "500229-S00001", "500229-S00002"]
    assert numbers("/api/v1/households?sort=-household_number") == ["500229-S00002", "500229-S00001", "500229-S00000"]
    assert numbers("/api/v1/households?sort=-household_number&page_size=1&page=2") == ["500229-S00001"]
    status, body = http.request("GET", "/api/v1/households?sort=id_number")
    assert (status, body["field"]) == (400, "sort")
