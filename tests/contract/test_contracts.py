"""The published contracts are what the code produces, and real envelopes satisfy them."""
import json
import re

import jsonschema
import pytest
import yaml

from services.grid.api import events as grid_events
from shared.events import REGISTRY, envelope_for
from suite import contracts

contracts.load_event_modules()


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


@pytest.mark.parametrize("cls", [c for (source, _, _), c in sorted(REGISTRY.items()) if source == "mediation"],
                         ids=lambda c: c.event_type())
def test_a_dispute_event_s_envelope_names_its_publisher_not_the_door_it_came_in_by(cls):
    """A dispute's body names its door (`source`: grid_case, talk_office …); the envelope's `source` is mediation."""
    extra = {"referred_to": "litigation", "from_level": "village", "judicial_confirmation_until": "2026-07-01",
             "days_to_resolve": 3.5, "performed": "fully", "outcome": "resolved"}
    fields = {"dispute_id": "DP1", "source": "grid_case", "source_ref": "CS1", "category": "neighbour",
              "major": False, "level": "village", "committee_id": "MC500229001001", "village_code": "500229001001",
              "township_code": "500229001", "status": "registered", "registered_at": "2026-06-01T01:00:00Z",
              "due_at": "2026-07-01T01:00:00Z", "resolved_at": None}
    body = cls.model_validate({**fields, **{k: v for k, v in extra.items() if k in cls.model_fields}})
    envelope = envelope_for(body, area_code="500229001001", correlation_id="c1").model_dump(mode="json")
    assert envelope["source"] == "mediation" and envelope["data"]["source"] == "grid_case"
    schema = json.loads((contracts.CONTRACTS / f"events/{cls.event_type()}.v{cls.version}.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(envelope)


def _asyncapi() -> dict:
    return yaml.safe_load((contracts.CONTRACTS / "asyncapi.yaml").read_text(encoding="utf-8"))


def test_the_asyncapi_document_validates_against_the_official_asyncapi_3_schema():
    # tests/fixtures/asyncapi-3.0.0.schema.json: the AsyncAPI Initiative's JSON Schema of the 3.0.0 document
    # (schemas/3.0.0-without-$id.json of @asyncapi/specs 6.11.1, Apache-2.0), vendored as published.
    official = json.loads((contracts.ROOT / "tests/fixtures/asyncapi-3.0.0.schema.json").read_text("utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
              for e in jsonschema.Draft7Validator(official).iter_errors(_asyncapi())]
    assert errors == []


def test_every_reference_in_the_asyncapi_document_resolves():
    doc = _asyncapi()
    refs = set(re.findall(r"'\$ref': '(#[^']+)'", str(doc)))
    dangling = []
    for ref in refs:
        node = doc
        for part in ref[2:].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            dangling.append(ref)
    assert dangling == [] and len(refs) > 100
