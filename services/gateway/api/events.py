"""The gateway's events. Ids and hashes only."""
from pydantic import Field

from shared.events import EventData, event

SOURCE = "gateway"


@event(SOURCE, "audit.head_anchored", summary="审计日志哈希链的链头锚定 (the audit chain's head, published so that a "
                                              "rewrite of the whole chain in the database shows)")
class AuditHeadAnchored(EventData):
    seq: int = Field(ge=1, description="the sequence number of the chain's last entry")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="that entry's hash, which covers every entry before it")
    at: str = Field(description="when the entry was written (UTC, RFC 3339)")
