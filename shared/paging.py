"""One paging contract for every list: page from 1, page size capped so no caller can ask for everything."""
from pydantic import BaseModel, ConfigDict, Field

from shared.errors import ValidationFailed, parse

MAX_PAGE_SIZE = 200
MAX_PAGE = 100_000  # beyond any real list; a larger page would only make the store skip past everything


class PageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)


def page_request(page=1, page_size=20) -> PageRequest:
    return parse(PageRequest, {"page": page, "page_size": page_size})


def sort_order(value: str | None, allowed: dict[str, str], default: str) -> list[tuple[str, int]]:
    """`name` or `-name` (descending) among the keys a list allows; ties broken by id so pages never overlap."""
    value = (value or default).strip()
    key = value.lstrip("-")
    if key not in allowed:
        raise ValidationFailed(f"排序字段应为以下之一：{'、'.join(allowed)}", field="sort", code="validation")
    return [(allowed[key], -1 if value.startswith("-") else 1), ("_id", 1)]
