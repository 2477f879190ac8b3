"""The assessment service's read model under the event load: N mediation dispute events (registered, then resolved
for one in three) published to the mediation exchange as its relay would, consumed by the real assessment service
through its inbox. Prints events/s and the lag (occurred_at → the read model's row committed) beside the raw ceiling
of the same run (bench/events.py), and checks that the read model holds every dispute in its last state."""
import time
import uuid
from datetime import datetime, timedelta, timezone

from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.runners import ServiceRunner
from nameko.standalone.events import get_event_exchange
from pymongo import MongoClient

from shared import config, topology

TOWNSHIPS, VILLAGES = 25, 8


def bench_assessment_service(note_applied):
    """The real assessment service with an apply clock: a dispute event is stamped once its handler returned."""
    from services.assessment.service import AssessmentService

    class AssessmentApplyClock(DependencyProvider):
        def worker_result(self, worker_ctx, result=None, exc_info=None):
            if result == "applied":
                payload = worker_ctx.args[0]
                note_applied("assessment", payload["event_id"], payload["occurred_at"], time.time())

    class BenchAssessment(AssessmentService):
        apply_clock = AssessmentApplyClock()

    return BenchAssessment


def dispute_event(seq: int, name: str) -> dict:
    from services.mediation.api.events import DisputeRegistered, DisputeResolved

    township = f"500229{1 + seq % TOWNSHIPS:03d}"
    village = f"{township}{1 + (seq // TOWNSHIPS) % VILLAGES:03d}"
    now = datetime.now(timezone.utc)
    resolved = name == "dispute.resolved"
    fields = {"dispute_id": f"Dbench{seq:07d}", "source": "talk_office", "source_ref": None, "category": "neighbour",
              "major": seq % 10 == 0, "level": "village" if resolved else None,
              "committee_id": f"MC{village}" if resolved else None, "village_code": village,
              "township_code": township, "status": "resolved" if resolved else "registered",
              "registered_at": now, "due_at": now + timedelta(days=30), "resolved_at": now if resolved else None}
    data = (DisputeResolved(**fields, judicial_confirmation_until=(now + timedelta(days=30)).date(),
                            days_to_resolve=0.0) if resolved else DisputeRegistered(**fields))
    return {"event_id": str(uuid.uuid4()), "event_type": f"mediation.{name}", "version": 1,
            "occurred_at": now.isoformat(), "source": "mediation", "area_code": village,
            "correlation_id": str(uuid.uuid4()), "causation_id": None, "actor": None,
            "data": data.model_dump(mode="json")}


def run(n: int, concurrency: int, amqp_uri: str, mongo_uri: str, deadline, kit) -> dict:
    """`kit` is bench/events.py's module as it runs (its clock, pool and summary), passed in, not imported again."""
    service = bench_assessment_service(kit.note_applied)
    topology.declare(amqp_uri, classes=[service])
    runner = ServiceRunner({**config.nameko_config("assessment"), "AMQP_URI": amqp_uri, "max_workers": concurrency})
    runner.add_service(service)
    runner.start()
    # Every third dispute is resolved after it was registered: n events for n - n // 3 disputes.
    plan = [(seq, "dispute.registered") for seq in range(n - n // 3)]
    plan += [(seq, "dispute.resolved") for seq in range(0, n - n // 3, 2)][: n // 3]
    steps = iter(plan)
    errors: list[str] = []

    def publisher():
        with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
            producer = conn.Producer(serializer="json")
            for seq, name in steps:
                if deadline.left() <= 0:
                    return
                try:
                    body = dispute_event(seq, name)
                    producer.publish(body, exchange=get_event_exchange("mediation", {}), routing_key=name,
                                     delivery_mode=2, mandatory=True, message_id=body["event_id"],
                                     type=body["event_type"], retry=False)
                except Exception as exc:  # noqa: BLE001 - counted and reported with the results
                    errors.append(f"{type(exc).__name__}: {exc}")

    try:
        kit.run_pool(concurrency, publisher, deadline, "publishing dispute events")
        kit.wait_for_applied("assessment", len(plan) - len(errors), deadline, "waiting for the assessment read model")
    finally:
        kit.stop_runner(runner)
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    try:
        db = client[config.mongo_database("assessment")]
        resolved = db.disputes.count_documents({"resolved_at": {"$ne": None}})
        counts = {"state": len(plan) - len(errors), "applied": db.inbox.count_documents({}),
                  "disputes": db.disputes.count_documents({}), "resolved": resolved,
                  "dead letters": db.dead_letters.count_documents({})}
    finally:
        client.close()
    return {**kit.summarize(kit.APPLIED.get("assessment", {})), "counts": counts, "errors": errors,
            "expected": {"disputes": n - n // 3, "resolved": len([p for p in plan if p[1] == "dispute.resolved"])}}
