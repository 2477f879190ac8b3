"""Writes what other systems rely on from the code itself: contracts/events/*.json (JSON Schema of each event's
envelope and body), contracts/asyncapi.yaml and contracts/openapi.yaml. `check` fails when the files on disk
differ from what the code would write.

    python -m shared.contracts write
    python -m shared.contracts check
"""
import copy
import importlib
import inspect
import json
import re
import sys
from pathlib import Path

import yaml

from shared import config
from shared.events import REGISTRY, Envelope

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ERROR_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["code", "message", "field"],
    "properties": {"code": {"type": "string", "description": "stable error code, e.g. resident.id_number_invalid"},
                   "message": {"type": "string", "description": "中文说明"},
                   "field": {"type": ["string", "null"], "description": "the offending field, if any"}},
}
STATUS_TEXT = {400: "输入有误", 401: "未登录或令牌无效", 403: "角色无权进行此操作", 404: "未找到（或不在权限范围内）",
               409: "与现有记录冲突", 429: "请求过于频繁", 503: "依赖的服务暂不可用"}


def load_event_modules() -> None:
    for name in config.SERVICES:
        try:
            importlib.import_module(f"services.{name}.events")
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith(f"services.{name}"):
                raise


def event_schema(cls) -> dict:
    envelope = Envelope.model_json_schema()
    body = cls.model_json_schema()
    defs = {**envelope.pop("$defs", {}), **body.pop("$defs", {})}
    schema = copy.deepcopy(envelope)
    full_type = cls.event_type()
    schema["properties"]["event_type"] = {"const": full_type, "type": "string",
                                          "description": envelope["properties"]["event_type"]["description"]}
    schema["properties"]["version"] = {"const": cls.version, "type": "integer"}
    schema["properties"]["source"] = {"const": cls.source, "type": "string"}
    schema["properties"]["data"] = {**body, "title": cls.__name__}
    out = {"$schema": SCHEMA_DIALECT, "$id": f"urn:xiangzhi:event:{full_type}:v{cls.version}", **schema,
           "title": f"{full_type} v{cls.version}", "description": cls.summary}
    if defs:
        out["$defs"] = defs
    return out


def event_files() -> dict[str, str]:
    load_event_modules()
    files = {}
    for (source, name, version), cls in sorted(REGISTRY.items()):
        files[f"events/{source}.{name}.v{version}.json"] = json.dumps(
            event_schema(cls), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return files


def asyncapi() -> dict:
    load_event_modules()
    channels, operations, messages, schemas = {}, {}, {}, {}
    for (source, name, version), cls in sorted(REGISTRY.items()):
        key = f"{source}.{name}.v{version}".replace(".", "_")
        schema = event_schema(cls)
        schema.pop("$schema", None)
        schemas[key] = schema
        messages[key] = {"name": f"{source}.{name}", "title": cls.summary, "contentType": "application/json",
                         "payload": {"$ref": f"#/components/schemas/{key}"},
                         "correlationId": {"location": "$message.payload#/correlation_id"},
                         "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": "0.3.0"}}}
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
                                        "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}]}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "乡治 Xiangzhi events", "version": "1",
                 "description": "Events the suite publishes. Subscribe by binding a durable queue of your own to "
                                "`<source>.events` with the routing key; deduplicate by `event_id`. Bodies carry "
                                "ids and codes only, never personal data. A breaking change is a new version "
                                "published beside the old one."},
        "defaultContentType": "application/json",
        "servers": {"broker": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
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
    for method_name, entrypoint, fn in sorted(_gateway_routes(), key=lambda r: (r[1].url, r[1].method)):
        spec = entrypoint.spec
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", entrypoint.url)
        operation = {"operationId": method_name, "summary": spec["summary"], "tags": [spec["tag"]]}
        choices = dict((name, values.split(",")) for values, name in
                       re.findall(r"<any\(([^)]*)\):(\w+)>", entrypoint.url))
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
            schema = body.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[body.__name__] = schema
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{body.__name__}"}}}}
        elif spec["upload"] is not None:
            fields = {"file": {"type": "string", "format": "binary"},
                      **{name: {"type": "string", "description": text} for name, text in spec["upload"].items()}}
            operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"], "properties": fields}}}}
        elif entrypoint.method in ("POST", "PUT", "PATCH"):
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"type": "object"}}}}
        ok = str(spec["status"])
        content_type = spec["produces"] or ("text/html" if spec["tag"] == "console" else "application/json")
        operation["responses"] = {ok: {"description": "成功", "content": {content_type: {"schema": {
            "type": "object"} if content_type == "application/json" else {"type": "string"}}}}}
        if spec["permission"]:
            operation["security"] = [{"bearer": []}]
            operation["description"] = f"权限：{spec['permission']}（按账号授权的辖区过滤）"
        for status, text in STATUS_TEXT.items():
            if status in (401, 403) and not spec["permission"] and spec["tag"] != "auth":
                continue
            if status in (400, 404, 409, 503) and spec["tag"] in ("console", "ops") and not (
                    status == 404 and "{" in path):  # a page or script named in its path can be unknown
                continue
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


def render() -> dict[str, str]:
    dump = lambda doc: yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120)  # noqa: E731
    return {**event_files(), "asyncapi.yaml": dump(asyncapi()), "openapi.yaml": dump(openapi())}


def drift() -> list[str]:
    expected = render()
    problems = [f"{name} differs from the code" for name, text in expected.items()
                if not (CONTRACTS / name).exists() or (CONTRACTS / name).read_text(encoding="utf-8") != text]
    stale = {str(p.relative_to(CONTRACTS)) for p in (CONTRACTS / "events").glob("*.json")} - set(expected)
    problems += [f"{name} matches no event in the code" for name in sorted(stale)]
    return problems


def write() -> None:
    (CONTRACTS / "events").mkdir(parents=True, exist_ok=True)
    expected = render()
    for stale in (CONTRACTS / "events").glob("*.json"):
        if str(stale.relative_to(CONTRACTS)) not in expected:
            stale.unlink()
    for name, text in expected.items():
        (CONTRACTS / name).write_text(text, encoding="utf-8")
        print("wrote contracts/" + name)


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        problems = drift()
        print("\n".join(problems) or "contracts match the code")
        sys.exit(1 if problems else 0)
    write()
