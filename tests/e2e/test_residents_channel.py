"""The residents' channel: no account, a tracking code, status only with the code and the phone's last digits."""
import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.harness import database, fresh_rate_limits, running

REQUEST = {"kind": "service_order", "area_code": "500229001001", "content": "家中老人需要代办医保报销手续",
           "contact_name": "向大姐", "phone": "17100001234"}


@pytest.fixture
def channel(gateway_port):
    fresh_rate_limits()
    with running(GridService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        yield Client(gateway_port), root


def test_submit_then_track_with_code_and_last_four_digits(channel):
    public, staff = channel
    status, receipt = public.request("POST", "/api/v1/public/requests", REQUEST)
    assert status == 201 and set(receipt) == {"tracking_code", "status", "status_label"}
    code = receipt["tracking_code"]
    status, seen = public.request("POST", "/api/v1/public/requests/track", {"tracking_code": code,
                                                                             "phone_last4": "1234"})
    assert status == 200 and seen["kind_label"] == "服务点单"
    assert (seen["status"], seen["status_label"]) == ("ordered", "已点单")  # the order's own progress
    assert "17100001234" not in str(seen) and "向大姐" not in str(seen)
    status, body = public.request("POST", "/api/v1/public/requests/track", {"tracking_code": code,
                                                                             "phone_last4": "9999"})
    assert (status, body["code"]) == (404, "resident_request.not_found")
    listing = staff.request("GET", "/api/v1/resident-requests")[1]
    assert listing["items"][0]["phone"] == "171****1234" and listing["items"][0]["contact_name"] == "向**"
    event = database("grid").outbox.find_one({"event_type": "grid.resident_request.received"})
    assert "17100001234" not in str(event) and "向大姐" not in str(event)


@pytest.mark.parametrize("field, value", [("phone", "12345"), ("kind", "complaint"), ("content", "短"),
                                          ("area_code", "500229999999")])
def test_bad_fields_are_400_and_nothing_is_recorded(channel, field, value):
    public, _ = channel
    status, body = public.request("POST", "/api/v1/public/requests", {**REQUEST, field: value})
    assert (status, body["field"]) == (400, field)
    assert database("grid").resident_requests.count_documents({}) == 0


def test_a_flood_of_submissions_from_one_address_is_refused(channel):
    public, _ = channel
    statuses = [public.request("POST", "/api/v1/public/requests", REQUEST)[0] for _ in range(14)]
    assert statuses[:10] == [201] * 10 and set(statuses[10:]) == {429}
