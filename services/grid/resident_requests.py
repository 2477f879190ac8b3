"""Requests residents send without an account (群众点单, a dispute, an online petition) until the owning services
take them over: what a request holds, its tracking code, and what its sender may see when following it."""
import secrets

from .api.codes import REQUEST_KIND_LABELS as KIND_LABELS
from .api.codes import RequestKind

# No 0/O, 1/I/L: a code read out over the phone or copied by hand should survive it.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


STATUS_LABELS = {"received": "已受理，等待办理"}


def tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def public_view(request: dict) -> dict:
    """What the sender sees when following a request: never the contact details or anyone else's data."""
    return {"tracking_code": request["tracking_code"], "kind": request["kind"],
            "kind_label": KIND_LABELS[RequestKind(request["kind"])], "status": request["status"],
            "status_label": STATUS_LABELS.get(request["status"], request["status"]),
            "submitted_at": request["submitted_at"].isoformat(),
            "history": [{"status": h["status"], "at": h["at"].isoformat()} for h in request["history"]]}
