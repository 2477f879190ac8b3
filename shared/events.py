"""The event envelope (every event the suite publishes) and the registry of typed event bodies.

Exchange `<source>.events`, routing key `<aggregate>.<verb>`, full type `<source>.<aggregate>.<verb>`.
Bodies carry ids and codes only, never personal data; `additionalProperties: false` keeps it that way.
"""
import uuid
from datetime import datetime, timezone
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

REGISTRY: dict[tuple[str, str, int], type["EventData"]] = {}


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="staff account id or 'system'")
    role: str | None = None


class Envelope(BaseModel):
    """What travels on the bus. `event_id` is the deduplication key for every subscriber."""

    model_config = ConfigDict(extra="forbid", title="Envelope")
    event_id: str = Field(description="UUID; 去重键")
    event_type: str = Field(description="<source>.<aggregate>.<verb>, e.g. grid.household.registered")
    version: int = Field(ge=1)
    occurred_at: datetime = Field(description="UTC, RFC 3339")
    source: str = Field(description="the publishing service")
    area_code: str | None = Field(default=None, description="the most specific area the event concerns")
    correlation_id: str
    causation_id: str | None = Field(default=None, description="event_id of the event that caused this one")
    actor: Actor | None = None
    data: dict

    @property
    def routing_key(self) -> str:
        return self.event_type.split(".", 1)[1]


class EventData(BaseModel):
    """Base of every typed event body. Subclasses declare `source`, `name` (aggregate.verb) and `version`."""

    model_config = ConfigDict(extra="forbid")
    source: ClassVar[str]
    name: ClassVar[str]
    version: ClassVar[int] = 1
    summary: ClassVar[str] = ""

    @classmethod
    def event_type(cls) -> str:
        return f"{cls.source}.{cls.name}"


def event(source: str, name: str, version: int = 1, summary: str = ""):
    """Register an event body class under its type and version (the contracts are generated from this)."""

    def register(cls):
        cls.source, cls.name, cls.version, cls.summary = source, name, version, summary
        key = (source, name, version)
        if key in REGISTRY and REGISTRY[key] is not cls:
            raise RuntimeError(f"event {source}.{name} v{version} registered twice")
        REGISTRY[key] = cls
        return cls

    return register


def envelope_for(data: EventData, *, area_code: str | None, correlation_id: str,
                 causation_id: str | None = None, actor: Actor | dict | None = None) -> Envelope:
    # The publisher, type and version are the event class's: a body may have a field of the same name (a dispute's
    # `source` is the door it came in by), which the instance's attribute would return instead.
    cls = type(data)
    return Envelope(
        event_id=str(uuid.uuid4()),
        event_type=cls.event_type(),
        version=cls.version,
        occurred_at=datetime.now(timezone.utc),
        source=cls.source,
        area_code=area_code,
        correlation_id=correlation_id,
        causation_id=causation_id,
        actor=actor,
        data=data.model_dump(mode="json"),
    )


def body_of(envelope: Envelope) -> EventData:
    """The typed body of an envelope; an unknown type or version is a contract violation."""
    source, name = envelope.event_type.split(".", 1)
    cls = REGISTRY[(source, name, envelope.version)]
    return cls.model_validate(envelope.data)


def exchange_name(source: str) -> str:
    return f"{source}.events"
