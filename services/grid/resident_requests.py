"""Requests residents send without an account (群众点单, a dispute, an online petition) until the owning services
take them over: what a request holds, its tracking code, and what its sender may see when following it."""
import secrets
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .domain import Phone

# No 0/O, 1/I/L: a code read out over the phone or copied by hand should survive it.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


class RequestKind(StrEnum):
    service_order = "service_order"  # 群众点单
    dispute = "dispute"              # 矛盾纠纷
    petition = "petition"            # 网上信访


KIND_LABELS = {RequestKind.service_order: "服务点单", RequestKind.dispute: "矛盾纠纷", RequestKind.petition: "网上信访"}
STATUS_LABELS = {"received": "已受理，等待办理"}


class ResidentRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: RequestKind
    area_code: Annotated[str, Field(pattern=r"^500229\d{6}(\d{3}){0,2}$", description="village, grid or micro-grid")]
    content: Annotated[str, Field(min_length=5, max_length=1000)]
    contact_name: Annotated[str, Field(min_length=1, max_length=30)]
    phone: Annotated[Phone, Field(description="11-digit mobile; its last four digits unlock the status")]


def tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def public_view(request: dict) -> dict:
    """What the sender sees when following a request: never the contact details or anyone else's data."""
    return {"tracking_code": request["tracking_code"], "kind": request["kind"],
            "kind_label": KIND_LABELS[RequestKind(request["kind"])], "status": request["status"],
            "status_label": STATUS_LABELS.get(request["status"], request["status"]),
            "submitted_at": request["submitted_at"].isoformat(),
            "history": [{"status": h["status"], "at": h["at"].isoformat()} for h in request["history"]]}
