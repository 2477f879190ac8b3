"""The published contracts are what the code produces, and real envelopes satisfy them."""
import json
import re

import jsonschema
import pytest
import yaml

from services.grid import events as grid_events
from shared import contracts
from shared.events import REGISTRY, envelope_for


def test_committed_contracts_match_the_code():
    assert contracts.drift() == [], "run `make contracts` and commit the result"


@pytest.mark.parametrize("path", sorted((contracts.CONTRACTS / "events").glob("*.json")), ids=lambda p: p.name)
def test_each_event_schema_is_valid_json_schema_and_closed(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["data"]["additionalProperties"] is False


def test_a_real_envelope_validates_and_an_extra_field_does_not():
    body = grid_events.HouseholdRegistered(household_id="HH1", micro_grid_code="500229001001001001",
                                           grid_code="500229001001001", village_code="500229001001",
                                           township_code="500229001", resident_count=3)
    envelope = envelope_for(body, area_code="500229001001001001", correlation_id="c1").model_dump(mode="json")
    schema = json.loads((contracts.CONTRACTS / "events/grid.household.registered.v1.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(envelope)
    envelope["data"]["name"] = "张三"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(envelope)


def test_asyncapi_lists_every_registered_event_on_its_exchange():
    doc = yaml.safe_load((contracts.CONTRACTS / "asyncapi.yaml").read_text(encoding="utf-8"))
    contracts.load_event_modules()
    addressed = {(c["bindings"]["amqp"]["exchange"]["name"], c["address"]) for c in doc["channels"].values()}
    assert addressed == {(f"{source}.events", name) for source, name, _ in REGISTRY}


def test_openapi_covers_every_gateway_route():
    doc = yaml.safe_load((contracts.CONTRACTS / "openapi.yaml").read_text(encoding="utf-8"))
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    routes = {(re.sub(r"<(?:string|any\([^)]*\)):(\w+)>", r"{\1}", entrypoint.url), entrypoint.method.lower())
              for _, entrypoint, _ in contracts._gateway_routes()}
    assert documented == routes and len(routes) > 15


def test_no_event_body_has_a_personal_field():
    contracts.load_event_modules()
    forbidden = {"name", "id_number", "phone", "religion", "health", "special_group", "address"}
    for cls in REGISTRY.values():
        assert not forbidden & set(cls.model_fields), cls
