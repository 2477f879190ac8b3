"""Typed errors with stable codes and Chinese messages.

They cross nameko RPC as themselves (registered with `deserialize_to_instance`), so the gateway maps them to
HTTP through one table instead of parsing strings. The exception args are (message, field, code) so that they
survive nameko's serialisation of `exc.args`.
"""
from nameko.exceptions import deserialize_to_instance


class XiangzhiError(Exception):
    status = 500
    default_code = "internal"
    default_message = "系统内部错误"

    def __init__(self, message: str | None = None, field: str | None = None, code: str | None = None):
        self.message = message or self.default_message
        self.field = field
        self.code = code or self.default_code
        super().__init__(self.message, self.field, self.code)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __str__(self):
        return f"[{self.code}] {self.message}" + (f" ({self.field})" if self.field else "")


@deserialize_to_instance
class ValidationFailed(XiangzhiError):
    status = 400
    default_code = "validation"
    default_message = "输入有误"


@deserialize_to_instance
class Unauthenticated(XiangzhiError):
    status = 401
    default_code = "auth.required"
    default_message = "请先登录"


@deserialize_to_instance
class TooManyRequests(XiangzhiError):
    status = 429
    default_code = "rate_limited"
    default_message = "请求过于频繁，请稍后再试"


@deserialize_to_instance
class NotFound(XiangzhiError):
    status = 404
    default_code = "not_found"
    default_message = "未找到该记录"


@deserialize_to_instance
class Conflict(XiangzhiError):
    status = 409
    default_code = "conflict"
    default_message = "与现有记录冲突"


@deserialize_to_instance
class Forbidden(XiangzhiError):
    status = 403
    default_code = "forbidden"
    default_message = "无权进行此操作"


@deserialize_to_instance
class Unavailable(XiangzhiError):
    status = 503
    default_code = "unavailable"
    default_message = "服务暂不可用，请稍后重试"


_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_pattern_mismatch": "格式不正确",
    "enum": "不在可选范围内",
    "extra_forbidden": "不允许的字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文本",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "bool_parsing": "应为是或否",
    "date_from_datetime_parsing": "应为日期",
    "date_parsing": "应为日期",
}


def from_pydantic(exc) -> ValidationFailed:
    """The first problem of a pydantic ValidationError, as one ValidationFailed naming the field in Chinese."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or None
    ctx = first.get("ctx", {})
    if first["type"] == "value_error":
        message = str(ctx.get("error", first["msg"]))
    elif first["type"] == "string_too_short" and ctx.get("min_length", 1) > 1 and str(first.get("input") or "").strip():
        message = f"至少{ctx['min_length']}个字"
    elif first["type"] == "string_too_long" and "max_length" in ctx:
        message = f"最多{ctx['max_length']}个字"
    elif first["type"] in ("too_short", "too_long"):
        bound = ctx.get("min_length") if first["type"] == "too_short" else ctx.get("max_length")
        message = f"{'至少' if first['type'] == 'too_short' else '最多'}{bound}项"
    else:
        message = _PYDANTIC_MESSAGES.get(first["type"], "格式不正确")
    return ValidationFailed(message, field=field, code="validation")


def parse(model, payload):
    """Validate an RPC payload into `model`, raising ValidationFailed with the field on failure."""
    from pydantic import ValidationError

    try:
        return model.model_validate(payload if payload is not None else {})
    except ValidationError as exc:
        raise from_pydantic(exc) from None
