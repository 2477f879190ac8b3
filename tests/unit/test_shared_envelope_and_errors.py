import pickle

import pytest
from nameko.exceptions import deserialize, serialize
from pydantic import ValidationError

from services.grid.api.events import HouseholdMoved
from services.grid.api.rpc import AreaIn
from shared.errors import Conflict, NotFound, ValidationFailed, parse
from shared.events import Envelope, body_of, envelope_for
from shared.scope import Scope


def test_envelope_carries_type_version_and_correlation():
    env = envelope_for(HouseholdMoved(household_id="HH1", from_micro_grid_code=None,
                                      to_micro_grid_code="500229001001001001", to_grid_code="500229001001001"),
                       area_code="500229001001001001", correlation_id="c-1", causation_id="e-0")
    assert env.event_type == "grid.household.moved" and env.routing_key == "household.moved"
    assert env.version == 1 and env.occurred_at.tzinfo is not None
    again = Envelope.model_validate(env.model_dump(mode="json"))
    assert body_of(again) == HouseholdMoved.model_validate(env.data)


def test_envelope_refuses_unknown_fields():
    env = envelope_for(HouseholdMoved(household_id="HH1", from_micro_grid_code=None,
                                      to_micro_grid_code="5", to_grid_code="5"), area_code=None,
                       correlation_id="c").model_dump(mode="json")
    env["name"] = "张三"
    with pytest.raises(ValidationError):
        Envelope.model_validate(env)


@pytest.mark.parametrize("error, status", [(ValidationFailed, 400), (NotFound, 404), (Conflict, 409)])
def test_typed_errors_survive_rpc_serialisation(error, status):
    original = error("户号已存在", field="household_number", code="household.duplicate")
    again = deserialize(serialize(original))
    assert type(again) is error and again.status == status
    assert again.to_dict() == {"code": "household.duplicate", "message": "户号已存在", "field": "household_number"}
    assert pickle.loads(pickle.dumps(original)).to_dict() == original.to_dict()


def test_parse_names_the_field_in_chinese():
    with pytest.raises(ValidationFailed) as exc:
        parse(AreaIn, {"code": "500229001", "kind": "town", "parent_code": "500229"})
    assert exc.value.field == "name" and exc.value.message == "必填"


def test_scope_matches_any_ancestor_code():
    scope = Scope.from_context({"scope": ["500229001"]})
    assert scope.allows(["500229", "500229001", "500229001001"])
    assert not scope.allows(["500229", "500229002"])
    assert Scope.from_context({}).unrestricted and Scope.from_context({}).query() == {}
