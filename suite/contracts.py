"""Writes what other systems rely on from the code itself: contracts/events/*.json (JSON Schema of each event's
envelope and body), contracts/asyncapi.yaml and contracts/openapi.yaml, and the suite's subscriber queues that
`shared.topology` declares (shared/subscriptions.json). `check` fails when the files on disk differ from what the
code would write.

The events come from the services' public faces (`services/<name>/api`), the routes from the gateway, the
subscriptions from the services' `@handles`.

    python -m suite.contracts write
    python -m suite.contracts check
"""
import ast
import copy
import importlib
import inspect
import json
import pkgutil
import re
import sys
import textwrap
from pathlib import Path

import yaml
from nameko.rpc import Rpc
from pydantic import BaseModel, TypeAdapter

from shared import config, topology
from shared.events import REGISTRY, Envelope
from shared.subscriber import queue_name

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
SUBSCRIPTIONS = str(topology.SUBSCRIPTIONS.relative_to(ROOT))
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ERROR_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["code", "message", "field"],
    "properties": {"code": {"type": "string", "description": "stable error code, e.g. resident.id_number_invalid"},
                   "message": {"type": "string", "description": "中文说明"},
                   "field": {"type": ["string", "null"], "description": "the offending field, if any"}},
}
# The rule that makes one matter's events one story (docs/adr/0018-typed-contracts-and-department-subscribers.md).
CORRELATION_RULE = ("The story this event belongs to: an event about a matter (a case, service order, dispute, "
                    "petition, award …) carries the correlation id of that matter's first event, whichever request "
                    "caused it; a matter opened by another service's event continues that event's story. Also the "
                    "AMQP correlation_id property of the message.")
STATUS_TEXT = {400: "输入有误", 401: "未登录或令牌无效", 403: "角色无权进行此操作", 404: "未找到（或不在权限范围内）",
               409: "与现有记录冲突", 429: "请求过于频繁", 503: "依赖的服务暂不可用"}


def _import_if_built(module: str):
    """The module, or None when its service is not built yet (config.SERVICES may name services to come)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if module == missing or module.startswith(missing + "."):
            return None
        raise


def load_event_modules() -> None:
    """Import every service's public face (an `api.py`, or an `api/` package and all its modules), which
    registers the events it publishes."""
    for name in config.SERVICES:
        face = _import_if_built(f"services.{name}.api")
        if face is not None and hasattr(face, "__path__"):
            for module in pkgutil.iter_modules(face.__path__):
                importlib.import_module(f"{face.__name__}.{module.name}")


def service_classes() -> list[type]:
    """The service class of every service that is built (the one in its service.py named like the service)."""
    found = []
    for name in config.SERVICES:
        module = _import_if_built(f"services.{name}.service")
        if module is None:
            continue
        found += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if cls.__module__ == module.__name__ and getattr(cls, "name", None) == name]
    return found


def subscriptions_file() -> str:
    rows = [{"source": source, "event": event, "service": service, "method": method,
             "queue": queue_name(source, event, service, method)}
            for source, event, service, method in topology.subscriptions_of(service_classes())]
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n"


def _merge_defs(into: dict, defs: dict, where: str) -> None:
    for name, schema in defs.items():
        if name in into and into[name] != schema:
            raise RuntimeError(f"two different models named {name} ({where})")
        into[name] = schema


def event_schema(cls, ref_template: str = "#/$defs/{model}") -> tuple[dict, dict]:
    """The JSON Schema of an event's envelope with its typed body, and the models it refers to (by
    `ref_template`: kept in the schema's own `$defs` for contracts/events, hoisted to the AsyncAPI components)."""
    envelope = Envelope.model_json_schema(ref_template=ref_template)
    body = cls.model_json_schema(ref_template=ref_template)
    defs: dict = {}
    _merge_defs(defs, envelope.pop("$defs", {}), cls.event_type())
    _merge_defs(defs, body.pop("$defs", {}), cls.event_type())
    schema = copy.deepcopy(envelope)
    full_type = cls.event_type()
    schema["properties"]["event_type"] = {"const": full_type, "type": "string",
                                          "description": envelope["properties"]["event_type"]["description"]}
    schema["properties"]["version"] = {"const": cls.version, "type": "integer"}
    schema["properties"]["source"] = {"const": cls.source, "type": "string",
                                      "description": envelope["properties"]["source"]["description"]}
    schema["properties"]["correlation_id"]["description"] = CORRELATION_RULE
    schema["properties"]["data"] = {**body, "title": cls.__name__}
    return {**schema, "title": f"{full_type} v{cls.version}", "description": cls.summary}, defs


def event_document(cls) -> dict:
    """contracts/events/<type>.v<N>.json: a schema that stands alone."""
    schema, defs = event_schema(cls)
    out = {"$schema": SCHEMA_DIALECT, "$id": f"urn:xiangzhi:event:{cls.event_type()}:v{cls.version}", **schema}
    if defs:
        out["$defs"] = defs
    return out


def event_files() -> dict[str, str]:
    load_event_modules()
    files = {}
    for (source, name, version), cls in sorted(REGISTRY.items()):
        files[f"events/{source}.{name}.v{version}.json"] = json.dumps(
            event_document(cls), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return files


def asyncapi() -> dict:
    load_event_modules()
    channels, operations, messages, schemas = {}, {}, {}, {}
    for (source, name, version), cls in sorted(REGISTRY.items()):
        key = f"{source}.{name}.v{version}".replace(".", "_")
        schema, defs = event_schema(cls, "#/components/schemas/{model}")
        _merge_defs(schemas, defs, key)
        schemas[key] = schema
        messages[key] = {"name": f"{source}.{name}", "title": cls.summary, "contentType": "application/json",
                         "payload": {"$ref": f"#/components/schemas/{key}"},
                         "correlationId": {"$ref": "#/components/correlationIds/story"},
                         "bindings": {"amqp": {"messageType": f"{source}.{name}", "bindingVersion": "0.3.0"}}}
        channels[key] = {
            "address": name,
            "description": f"routing key `{name}` on the topic exchange `{source}.events`",
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "bindings": {"amqp": {"is": "routingKey", "exchange": {
                "name": f"{source}.events", "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"},
                "bindingVersion": "0.3.0"}},
        }
        operations[f"publish_{key}"] = {"action": "send", "channel": {"$ref": f"#/channels/{key}"},
                                        "summary": cls.summary,
                                        "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": "0.3.0"}},
                                        "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}]}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "乡治 Xiangzhi events", "version": "1",
                 "description": "Events the suite publishes. Subscribe by binding a durable queue of your own to "
                                "`<source>.events` with the routing key; deduplicate by `event_id`. Bodies carry "
                                "ids and codes only, never personal data. A breaking change is a new version "
                                "published beside the old one. Every message's AMQP `correlation_id` property is "
                                "its envelope's `correlation_id`, the story it belongs to: " + CORRELATION_RULE
                                + " The kit in `subscriber/` does all this with plain pika."},
        "defaultContentType": "application/json",
        "servers": {"broker": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas, "correlationIds": {"story": {
            "description": CORRELATION_RULE, "location": "$message.payload#/correlation_id"}}},
    }


def _gateway_routes():
    from services.gateway.service import GatewayService

    for method_name, member in inspect.getmembers(GatewayService, inspect.isfunction):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if hasattr(entrypoint, "spec"):
                yield method_name, entrypoint, member


def openapi() -> dict:
    paths: dict = {}
    schemas: dict = {"Error": ERROR_SCHEMA}
    for method_name, entrypoint, _ in sorted(_gateway_routes(), key=lambda r: (r[1].url, r[1].method)):
        spec = entrypoint.spec
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", entrypoint.url)
        operation = {"operationId": method_name, "summary": spec["summary"], "tags": [spec["tag"]]}
        choices = {name: values.split(",") for values, name in
                       re.findall(r"<any\(([^)]*)\):(\w+)>", entrypoint.url)}
        parameters = [{"name": p, "in": "path", "required": True,
                       "schema": {"type": "string", **({"enum": choices[p]} if p in choices else {})}}
                      for p in re.findall(r"{(\w+)}", path)]
        parameters += [{"name": q, "in": "query", "required": False, "description": text,
                        "schema": {"type": "integer" if q in ("page", "page_size") else
                                   "boolean" if q == "dry_run" else "string"}}
                       for q, text in spec["query"].items()]
        if parameters:
            operation["parameters"] = parameters
        body = spec["body"]
        if body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": _model_ref(schemas, body)}}}
        elif spec["upload"] is not None:
            fields = {"file": {"type": "string", "format": "binary"},
                      **{name: {"type": "string", "description": text} for name, text in spec["upload"].items()}}
            operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"], "properties": fields}}}}
        # A route without a body model or an upload takes no body (an action named by its URL alone).
        ok = str(spec["status"])
        content_type = spec["produces"] or ("text/html" if spec["tag"] == "console" else "application/json")
        answer = spec.get("response")
        if content_type != "application/json":
            answer_schema = {"type": "string", **({"format": "binary"} if "octet" in content_type or "pdf" in
                                                  content_type else {})}
        elif answer is None:  # a route that names no response model yet: an object, untyped
            answer_schema = {"type": "object"}
        else:
            answer_schema = _model_ref(schemas, answer)
        operation["responses"] = {ok: {"description": "成功", "content": {content_type: {"schema": answer_schema}}}}
        if spec["permission"]:
            operation["security"] = [{"bearer": []}]
            operation["description"] = f"权限：{spec['permission']}（按账号授权的辖区过滤）"
        for status, text in STATUS_TEXT.items():
            if status in (401, 403) and not spec["permission"] and spec["tag"] != "auth":
                continue
            if status in (400, 404, 409, 503) and spec["tag"] in ("console", "ops") and not (
                    status in (400, 404) and "{" in path):  # a page or script named in its path can be unknown,
                continue                                    # or refused at the edge (a control character in it)
            operation["responses"][str(status)] = {"description": text, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
        paths.setdefault(path, {}).setdefault(entrypoint.method.lower(), []).append(
            (operation, choices, spec["permission"]))
    paths = {path: {method: _one_operation(found) for method, found in methods.items()}
             for path, methods in paths.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "乡治 Xiangzhi gateway API", "version": "1",
                 "description": "Errors are {code, message, field}; lists are paged with page/page_size "
                                "(page_size at most 200). ID numbers never travel in URLs."},
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "access token from /api/v1/auth/login (15 minutes); refresh with /api/v1/auth/refresh"}}},
    }


def _model_ref(schemas: dict, model) -> dict:
    """A $ref to `model` in components/schemas, with the models it uses. One name is one model in the document: a
    model whose name another service's model already holds is named after its service (`Level` of the emergency
    service → `EmergencyLevel`), and the references to it are rewritten."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        name = model.__name__
        defs = {**schema.pop("$defs", {}), name: schema}
    else:  # a list of models, or another type pydantic describes
        schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        name, defs = None, schema.pop("$defs", {})
    service = (getattr(model, "__module__", "") or "").split(".")
    prefix = service[1].title() if len(service) > 2 and service[0] == "services" else "Shared"
    renamed = {n: prefix + n for n, d in defs.items() if n in schemas and schemas[n] != d}
    if renamed:
        text = json.dumps(defs if name else {"__root__": schema, **defs})
        for old, new in renamed.items():
            text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
        rewritten = json.loads(text)
        schema = rewritten.pop("__root__", schema) if not name else schema
        defs = {renamed.get(n, n): d for n, d in rewritten.items()}
        name = renamed.get(name, name)
    _merge_defs(schemas, defs, name or str(model))
    return {"$ref": f"#/components/schemas/{name}"} if name else schema


def _one_operation(found: list[tuple[dict, dict, str | None]]) -> dict:
    """Routes that share a URL template and method, told apart by the values of an <any(...)> segment (each value
    needing its own permission), are one operation to OpenAPI: the values are joined, and the description says
    which permission each value needs."""
    if len(found) == 1:
        return found[0][0]
    merged = copy.deepcopy(found[0][0])
    merged["operationId"] = "_or_".join(operation["operationId"] for operation, _, _ in found)
    merged["summary"] = "；".join(operation["summary"] for operation, _, _ in found)
    for parameter in merged.get("parameters", []):
        if "enum" in parameter["schema"]:
            parameter["schema"]["enum"] = [v for _, choices, _ in found for v in choices.get(parameter["name"], [])]
    if any(permission for _, _, permission in found):
        merged["description"] = "权限按操作：" + "；".join(
            f"{'、'.join(v for values in choices.values() for v in values)} 须 {permission}"
            for _, choices, permission in found) + "（按账号授权的辖区过滤）"
    return merged



# RPC: each service's methods, called by keyword ----------------------------------------------------------------
RPC_ABOUT = ("nameko RPC over AMQP (the exchange `nameko-rpc`, routing key `<service>.<method>`). Arguments are "
             "passed by keyword; a refusal is a typed error (shared/errors.py: validation 400, not found 404, "
             "conflict 409, forbidden 403, unavailable 503) with a stable code and a Chinese message. The caller's "
             "scope, actor and correlation id travel as context data (shared/scope.py).")


def _json_default(value):
    return value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)


def _payload_models() -> dict[tuple[str, str, str], type]:
    """(service, method, parameter) → the face model the gateway's route sends as that parameter: the route's
    body model, or its `…In` twin that adds the action named by the URL (CaseActionBody → CaseActionIn)."""
    found = {}
    for _, entrypoint, fn in _gateway_routes():
        body = entrypoint.spec["body"]
        if body is None:
            continue
        twin = getattr(sys.modules[body.__module__], body.__name__.replace("Body", "In"), None)
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "call" and len(node.args) >= 2):
                continue
            service, method = getattr(node.args[0], "attr", None), getattr(node.args[1], "value", None)
            for keyword in node.keywords:
                if keyword.arg == "payload" or "json_body" in ast.unparse(keyword.value):
                    merged = isinstance(keyword.value, ast.Dict) and twin is not None
                    found[(service, method, keyword.arg)] = twin if merged else body
    return found


def rpc_contract(cls, payloads: dict) -> dict:
    schemas: dict = {}
    methods = {}
    for name, fn in sorted(inspect.getmembers(cls, inspect.isfunction)):
        if not any(isinstance(e, Rpc) for e in getattr(fn, "nameko_entrypoints", ())):
            continue
        params = {}
        for param in list(inspect.signature(fn).parameters.values())[1:]:
            model = payloads.get((cls.name, name, param.name))
            if model is not None:
                schema = _model_ref(schemas, model)
            elif param.annotation is inspect.Parameter.empty:
                schema = {}
            else:
                schema = TypeAdapter(param.annotation).json_schema(ref_template="#/components/schemas/{model}")
                _merge_defs(schemas, schema.pop("$defs", {}), f"{cls.name}.{name}")
            entry = {"required": param.default is inspect.Parameter.empty, "schema": schema}
            if param.default is not inspect.Parameter.empty:
                entry["default"] = _json_default(param.default)
            params[param.name] = entry
        returned = inspect.signature(fn).return_annotation
        methods[name] = {"summary": (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " "),
                         "params": params,
                         "returns": {} if returned is inspect.Signature.empty else
                         TypeAdapter(returned).json_schema(ref_template="#/components/schemas/{model}")}
    return {"service": cls.name, "transport": RPC_ABOUT, "methods": methods,
            **({"components": {"schemas": schemas}} if schemas else {})}


def rpc_files() -> dict[str, str]:
    load_event_modules()
    payloads = _payload_models()
    dump = lambda doc: yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120)  # noqa: E731
    return {f"rpc/{cls.name}.yaml": dump(rpc_contract(cls, payloads)) for cls in service_classes()}


def render() -> dict[str, str]:
    """Every generated file by its path under contracts/ (the subscriptions, which shared reads, under shared/)."""
    dump = lambda doc: yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120)  # noqa: E731
    return {**event_files(), **rpc_files(), "asyncapi.yaml": dump(asyncapi()), "openapi.yaml": dump(openapi()),
            SUBSCRIPTIONS: subscriptions_file()}


def _path(name: str) -> Path:
    return ROOT / name if name == SUBSCRIPTIONS else CONTRACTS / name


def drift() -> list[str]:
    expected = render()
    problems = [f"{name} differs from the code" for name, text in expected.items()
                if not _path(name).exists() or _path(name).read_text(encoding="utf-8") != text]
    problems += [f"{name} matches nothing in the code" for name in sorted(_generated() - set(expected))]
    return problems


def _generated() -> set[str]:
    """The generated files on disk (an event or service that is gone leaves one behind)."""
    return {str(p.relative_to(CONTRACTS)) for pattern in ("events/*.json", "rpc/*.yaml")
            for p in CONTRACTS.glob(pattern)}


def write() -> None:
    for folder in ("events", "rpc"):
        (CONTRACTS / folder).mkdir(parents=True, exist_ok=True)
    expected = render()
    for stale in _generated() - set(expected):
        (CONTRACTS / stale).unlink()
    for name, text in expected.items():
        _path(name).write_text(text, encoding="utf-8")
        print("wrote " + str(_path(name).relative_to(ROOT)))


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        problems = drift()
        print("\n".join(problems) or "contracts match the code")
        sys.exit(1 if problems else 0)
    write()
