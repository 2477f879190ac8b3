"""County import benchmark: a county-size household sheet (the real township tree, 75,000 households, about
220,000 residents by default) imported through the grid service's import job, as the console's import page does
it, with the job's progress drawn as a bar; then the same file imported again, which must change nothing.

Run: `scripts/xz bench --county-import [--households N]`. The sheet is made once by `scripts/xz demo-xlsx` (or here,
into .local/bench/) and reused. It prints the rows/s of the import, how long the outbox took to publish the
import's events, and what the second run changed (households, residents, events: all 0 when idempotent).
"""
import base64
import logging
import sys
import time
import uuid
from pathlib import Path

from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy
from pymongo import MongoClient

from shared import config, topology

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".local" / "bench"


def sheet_path(households: int, seed: int) -> Path:
    return CACHE / f"chengkou-{seed}-{households}.xlsx"


def make_sheet(path: Path, households: int, seed: int) -> dict:
    """The demo county's households as the county's spreadsheet; returns the generated data's areas."""
    from services.grid import demo
    from services.grid.importing import to_rows, write_xlsx

    data = demo.generate(seed, households)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        write_xlsx(to_rows(data.households, data.area_names()), partial)
        partial.rename(path)
    return {"areas": data.areas, "residents": sum(len(h["residents"]) for h in data.households)}


def bar(done: int, total: int | None, started: float, width: int = 40) -> str:
    if not total:
        return f"  checking the sheet … {time.monotonic() - started:5.1f} s"
    filled = int(width * done / total)
    return (f"  [{'#' * filled}{'.' * (width - filled)}] {done:>6,}/{total:,} households  "
            f"{time.monotonic() - started:5.1f} s")


def run_import(proxy, content: bytes, name: str, deadline) -> tuple[dict, float]:
    job_id = uuid.uuid4().hex
    started = time.monotonic()
    proxy.grid.import_file.call_async(job_id, name, base64.b64encode(content).decode(), False)
    job: dict = {}
    tty = sys.stdout.isatty()
    last_line = ""
    while True:
        deadline.check("importing the county sheet")
        try:
            job = proxy.grid.get_import_job(job_id)
        except Exception:  # noqa: BLE001 - the job is made by the import call, a moment after it starts
            job = {"state": "starting"}
        line = bar(job.get("processed") or 0, job.get("total"), started)
        if tty:
            print("\r" + line, end="", flush=True)
        elif line.split("]")[0] != last_line.split("]")[0]:
            print(line, flush=True)
        last_line = line
        if job.get("state") in ("done", "rejected"):
            break
        time.sleep(0.5)
    if tty:
        print()
    return job, time.monotonic() - started


def counts(db) -> dict:
    return {"households": db.households.count_documents({}), "residents": db.residents.count_documents({}),
            "events": db.outbox.count_documents({})}


def run(households: int, seed: int, amqp_uri: str, mongo_uri: str, deadline, stop_runner) -> dict:
    logging.getLogger("nameko.containers").setLevel(logging.ERROR)  # the first polls find no job yet
    from services.grid.service import GridService

    path = sheet_path(households, seed)
    made = time.monotonic()
    generated = make_sheet(path, households, seed)
    print(f"  sheet {path.relative_to(ROOT)}: {households:,} households, {generated['residents']:,} residents, "
          f"{path.stat().st_size / 1e6:.1f} MB ({time.monotonic() - made:.0f} s to make or find)")
    topology.declare(amqp_uri)
    runner = ServiceRunner({**config.nameko_config("grid"), "AMQP_URI": amqp_uri})
    runner.add_service(GridService)
    runner.start()
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    db = client[config.mongo_database("grid")]
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=600) as proxy:
            areas = generated["areas"]
            for start in range(0, len(areas), 500):
                proxy.grid.upsert_areas(areas[start:start + 500])
            content = path.read_bytes()
            first, seconds = run_import(proxy, content, path.name, deadline)
            published_at = time.monotonic()
            while db.outbox.count_documents({"state": "pending"}):
                deadline.check("waiting for the import's events to be published")
                time.sleep(0.5)
            publish_wait = time.monotonic() - published_at
            before = counts(db)
            again, again_seconds = run_import(proxy, content, path.name, deadline)
            after = counts(db)
    finally:
        client.close()
        stop_runner(runner)
    return {"households": households, "residents": generated["residents"], "seconds": seconds,
            "state": first.get("state"), "imported": (first.get("report") or {}).get("imported"),
            "problems": len((first.get("report") or {}).get("problems") or []),
            "publish_wait": publish_wait, "events": before["events"], "again_seconds": again_seconds,
            "again_imported": (again.get("report") or {}).get("imported"),
            "changed": {k: after[k] - before[k] for k in after}}


def report(r: dict) -> None:
    rate = r["residents"] / r["seconds"] if r["seconds"] else float("nan")
    print(f"county import: {r['households']:,} households, {r['residents']:,} resident rows in {r['seconds']:.1f} s "
          f"({rate:,.0f} rows/s, {r['households'] / r['seconds']:,.0f} households/s); job {r['state']}, "
          f"{r['problems']} problems; imported {r['imported']}")
    print(f"  its {r['events']:,} events published {r['publish_wait']:.1f} s after the job finished")
    changed = r["changed"]
    verdict = "changes nothing" if not any(changed.values()) else "CHANGED SOMETHING"
    print(f"  second run of the same file: {r['again_seconds']:.1f} s, {verdict} (households +{changed['households']}, "
          f"residents +{changed['residents']}, events +{changed['events']}); imported {r['again_imported']}")
