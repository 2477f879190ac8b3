"""乡治 department subscriber kit.

A department system (应急局, 公安局, …) binds a durable queue of its own to the events it chooses, on the exchanges
`<service>.events`; every message is checked against the suite's published JSON Schema (`contracts/events/`),
handled once per `event_id` however often it arrives, and acknowledged only after the handler returned.

    from xiangzhi_subscriber import Contracts, Subscriber

    contracts = Contracts.from_directory("contracts/events")
    subscriber = Subscriber("amqp://user:pass@broker:5672/", queue="emergency.safety", contracts=contracts,
                            events=["grid.case.reported", "risk.alert.raised"], seen_path="emergency-seen.db")
    subscriber.run(handle)   # handle(envelope: dict) -> None; raise to have the message delivered again
"""
from .contracts import Contracts, ContractViolation
from .seen import SeenEvents
from .subscriber import Outcome, Subscriber

__all__ = ["Contracts", "ContractViolation", "Outcome", "SeenEvents", "Subscriber"]
