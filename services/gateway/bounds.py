"""What the gateway refuses at its edge, before any worker or service sees it: bodies too large or nested too deep,
control characters (NUL and the like) anywhere, page numbers and sizes out of range, objects and lists where a
plain value belongs. Each refusal is a 400 {code, message (Chinese), field}."""
import json
import re

from werkzeug.exceptions import RequestEntityTooLarge

from shared.errors import ValidationFailed
from shared.paging import MAX_PAGE, MAX_PAGE_SIZE

MAX_JSON_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 21 * 1024 * 1024  # the largest file a route takes (an import sheet, 20 MB) and its form fields
MAX_DEPTH = 32
MAX_INT = 10 ** 15
# C0 controls but tab, line feed and carriage return, DEL, and the C1 controls: no text a person types has them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
INT_BOUNDS = {"page": (1, MAX_PAGE), "page_size": (1, MAX_PAGE_SIZE)}


def refuse(message: str, field: str, code: str = "request.invalid"):
    raise ValidationFailed(message, field=field, code=code)


def check_text(value: str, field: str) -> None:
    if CONTROL.search(value):
        refuse("不能包含控制字符", field, "request.control_character")


def check_length(request, upload: bool) -> None:
    limit = MAX_UPLOAD_BYTES if upload else MAX_JSON_BYTES
    request.max_content_length = limit  # a body without Content-Length is cut off at the limit as it is read
    length = request.content_length
    if length is not None and length > limit:
        refuse(f"请求体过大（上限{limit // 1024 // 1024}MB）", "body", "request.too_large")


def check_form(request) -> None:
    try:
        fields = list(request.form.items(multi=True))
        names = [part.filename or "" for part in request.files.values()]
    except RequestEntityTooLarge:
        refuse(f"请求体过大（上限{MAX_UPLOAD_BYTES // 1024 // 1024}MB）", "body", "request.too_large")
    for name, value in fields:
        check_text(name, name)
        check_text(value, name)
    for name in names:
        check_text(name, "file")


def parse_json(request) -> dict | None:
    """The JSON object of a request, checked: size, depth, control characters. None when there is no body."""
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        refuse(f"请求体过大（上限{MAX_JSON_BYTES // 1024 // 1024}MB）", "body", "request.too_large")
    if not raw:
        return None
    if len(raw) > MAX_JSON_BYTES:
        refuse(f"请求体过大（上限{MAX_JSON_BYTES // 1024 // 1024}MB）", "body", "request.too_large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        refuse("请求体应为UTF-8编码的JSON", "body", "request.bad_json")
    _check_depth(text)
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        refuse("请求体不是有效的JSON", "body", "request.bad_json")
    if not isinstance(body, dict):
        refuse("请求体应为JSON对象", "body", "request.bad_json")
    _check_values(body, "")
    return body


def _check_depth(text: str) -> None:
    """Nesting counted on the text itself, so a body 5,000 levels deep is refused before any parser recurses."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                refuse(f"请求体嵌套过深（最多{MAX_DEPTH}层）", "body", "request.too_deep")
        elif char in "]}":
            depth -= 1


def _check_values(value, path: str) -> None:
    if isinstance(value, str):
        check_text(value, path or "body")
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        return
    elif isinstance(value, int):
        if abs(value) > MAX_INT:
            refuse("数值超出范围", path or "body", "request.number_out_of_range")
    elif isinstance(value, dict):
        for key, inner in value.items():
            check_text(key, f"{path}.{key}" if path else key)
            _check_values(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _check_values(inner, f"{path}.{i}" if path else str(i))


PLAIN = {"string", "integer", "number", "boolean", "null"}


def plain_fields(model) -> set[str] | None:
    """The top-level fields of a body model that take a single value (text, a number, yes/no) and nothing else; None
    for a route without a model, whose fields are all read as single values."""
    if model is None:
        return None
    properties = model.model_json_schema().get("properties", {})

    def plain(schema: dict) -> bool:
        options = schema.get("anyOf") or [schema]
        kinds = {o.get("type") for o in options}
        return bool(kinds) and kinds <= PLAIN and not any("$ref" in o for o in options)

    return {name for name, schema in properties.items() if plain(schema)}


def check_plain_values(body: dict, fields: set[str] | None = None) -> None:
    """A field that takes a single value is refused an object (say, an ID number sent as `{"$ne": null}`) or a list
    of anything but plain values, before any service reads it. `fields`: those of the route's body model, or every
    field for a route without one."""
    for key, value in body.items():
        if fields is not None and key not in fields:
            continue
        if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
            refuse("应为文本、数字或是否，不能是对象", key, "request.not_a_value")


def check_query(request) -> None:
    for name, value in request.args.items(multi=True):
        check_text(name, name)
        check_text(value, name)
        if len(value) > 2000:
            refuse("参数过长", name)
        if name in INT_BOUNDS and value != "":
            bounded_int(name, value)


def check_path(values: dict) -> None:
    for name, value in (values or {}).items():
        if isinstance(value, str):
            check_text(value, name)
            if len(value) > 200:
                refuse("路径参数过长", name)


def bounded_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        refuse("应为整数", name, "validation")
    low, high = INT_BOUNDS.get(name, (-MAX_INT, MAX_INT))
    if number < low:
        refuse(f"不能小于{low}", name, "validation")
    if number > high:
        refuse(f"不能大于{high}", name, "validation")
    return number
