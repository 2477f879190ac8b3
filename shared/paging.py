"""One paging contract for every list: page from 1, page size capped so no caller can ask for everything."""
from pydantic import BaseModel, ConfigDict, Field

from shared.errors import parse

MAX_PAGE_SIZE = 200


class PageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)


def page_request(page=1, page_size=20) -> PageRequest:
    return parse(PageRequest, {"page": page, "page_size": page_size})
