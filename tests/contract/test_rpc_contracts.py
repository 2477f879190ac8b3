"""The gateway calls the services' RPC methods by keyword, with keywords the methods take: a renamed or removed
parameter fails here instead of silently shifting the arguments of a call. contracts/rpc/<service>.yaml lists
every method with its parameters (the face's model where the gateway sends one) and is checked for drift with the
other contracts."""
import ast
import inspect
from pathlib import Path

import pytest
import yaml

from suite import contracts

GATEWAY = contracts.ROOT / "services/gateway"
CLASSES = {cls.name: cls for cls in contracts.service_classes()}


def rpc_calls():
    """(file:line, service, method, positional count, keywords) of every RPC the gateway makes."""
    for path in sorted(GATEWAY.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.name}:{node.lineno}"
            if getattr(node.func, "id", None) == "call" and len(node.args) >= 2:
                if not isinstance(node.args[0], ast.Attribute):  # /status asks each service by name for health
                    continue
                yield where, node.args[0].attr, node.args[1].value, len(node.args) - 2, node.keywords
            elif getattr(node.func, "attr", None) == "call_async":  # self.<service>.<method>.call_async(...)
                method = node.func.value
                yield where, method.value.attr, method.attr, len(node.args), node.keywords


CALLS = list(rpc_calls())


def test_the_gateway_makes_its_rpc_calls_by_keyword():
    assert len(CALLS) > 150
    positional = [f"{where} {service}.{method}" for where, service, method, count, _ in CALLS if count]
    assert positional == []


@pytest.mark.parametrize("where, service, method, keywords",
                         [(w, s, m, k) for w, s, m, _, k in CALLS], ids=lambda v: v if isinstance(v, str) else "")
def test_each_call_names_a_method_and_parameters_the_service_has(where, service, method, keywords):
    fn = getattr(CLASSES[service], method, None)
    assert fn is not None and hasattr(fn, "nameko_entrypoints"), f"{where}: {service} has no RPC {method}"
    parameters = inspect.signature(fn).parameters
    given = {k.arg for k in keywords if k.arg} - {"timeout"}
    assert given <= set(parameters), f"{where}: {service}.{method} takes no {sorted(given - set(parameters))}"
    if not any(k.arg is None for k in keywords):  # **spread arguments are checked by the method itself
        required = {n for n, p in list(parameters.items())[1:] if p.default is inspect.Parameter.empty}
        assert required <= given, f"{where}: {service}.{method} needs {sorted(required - given)}"


@pytest.mark.parametrize("path", sorted((contracts.CONTRACTS / "rpc").glob("*.yaml")), ids=lambda p: p.name)
def test_each_rpc_contract_lists_every_method_of_its_service(path: Path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    cls = CLASSES[doc["service"]]
    rpc_methods = {name for name, fn in inspect.getmembers(cls, inspect.isfunction)
                   if hasattr(fn, "nameko_entrypoints") and "Rpc" in str(fn.nameko_entrypoints)}
    assert set(doc["methods"]) == rpc_methods and "list_dead_letters" in rpc_methods


def test_a_payload_the_gateway_sends_is_described_by_the_face_s_model():
    grid = yaml.safe_load((contracts.CONTRACTS / "rpc/grid.yaml").read_text(encoding="utf-8"))
    assert grid["methods"]["upsert_area"]["params"]["payload"]["schema"] == {"$ref": "#/components/schemas/AreaIn"}
    assert grid["methods"]["act_on_case"]["params"]["payload"]["schema"] == {
        "$ref": "#/components/schemas/CaseActionIn"}
    assert "action" in grid["components"]["schemas"]["CaseActionIn"]["properties"]
