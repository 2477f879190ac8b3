"""Personal data never reaches a log line or a metric label: registrations, failures and reads are driven
through the real service while every log record and the metrics page are collected and scanned."""
import io
import logging

import pytest
from prometheus_client import generate_latest

from services.grid.service import GridService
from shared import logs, pii
from shared.errors import Conflict, ValidationFailed
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("grid", stream=stream)
    root.setLevel(logging.DEBUG)
    yield stream
    root.handlers[:], level = saved[0], saved[1]
    root.setLevel(level)


def test_no_id_number_phone_or_name_in_logs_or_metrics(env, captured_logs):
    households = [factories.household("500229001001001001", n_residents=3) for _ in range(3)]
    secrets = {r[k] for h in households for r in h["residents"] for k in ("id_number", "phone", "name") if r.get(k)}
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2):
            proxy.grid.upsert_area(area)
        for household in households:
            proxy.grid.register_household(household)
        with pytest.raises(Conflict):
            proxy.grid.register_household(households[0])
        broken = factories.household("500229001001001001", n_residents=1)
        broken["residents"][0]["id_number"] = broken["residents"][0]["id_number"][:17] + "Z"
        secrets.add(broken["residents"][0]["id_number"])
        with pytest.raises(ValidationFailed):
            proxy.grid.register_household(broken)
        with pytest.raises(ValidationFailed):
            proxy.grid.find_resident(broken["residents"][0]["id_number"])
        logging.getLogger("probe").warning("caller typed %s", households[1]["residents"][0]["id_number"])
    text = captured_logs.getvalue() + generate_latest().decode()
    assert "register_household" in text  # the scan saw the traffic it is meant to check
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []
    assert pii.id_numbers_in(text) == []
    assert not pii.PHONE_IN_TEXT.search(text)


def test_service_orders_keep_contacts_out_of_logs_events_and_the_store(env, captured_logs):
    contact, phone = "向春花", "17100004321"
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        order = proxy.grid.place_service_order({"area_code": "500229001001001", "content": "帮助老人代办医保报销",
                                                "contact_name": contact, "phone": phone})
        with pytest.raises(ValidationFailed):
            proxy.grid.place_service_order({"area_code": "500229001001001", "content": "帮助老人代办医保报销",
                                            "contact_name": contact, "phone": phone[:-1]})
        seen = proxy.grid.get_service_order(order["order_id"])
    assert seen["phone"] == "171****4321" and contact not in str(seen)
    db = database("grid")
    stored = str(db.service_orders.find_one({"_id": order["order_id"]})) + str(list(db.outbox.find()))
    text = captured_logs.getvalue() + generate_latest().decode()
    assert "place_service_order" in text and "grid.service_order.placed" in stored
    assert [s for s in (contact, phone, phone[:-1]) if s in text + stored] == []
