"""The demo county's scorecard: with the demo's places, disputes, petitions and survey scores loaded through the
real services, the county and every one of its 25 townships have a value for all eight targets over the last 12
months, which is what the leader's first screen shows."""
import contextlib
from datetime import timedelta

from services.assessment import demo as assessment_demo
from services.assessment.service import AssessmentService
from services.grid import demo_places
from services.grid.service import GridService
from services.mediation import demo as mediation_demo
from services.mediation.service import MediationService
from services.petitions import demo as petitions_demo
from services.petitions.service import PetitionsService
from shared import clock, demo_county
from tests.fault.polling import wait_until
from tests.harness import database, rpc, running

TOWNSHIP_KINDS = ("town", "township", "street")


def test_the_demo_gives_the_county_and_every_township_all_eight_targets(env):
    areas = [a for a in demo_county.areas(500229) if a["kind"] not in ("grid", "micro_grid")]
    townships = [a["code"] for a in areas if a["kind"] in TOWNSHIP_KINDS]
    with running(GridService, MediationService, PetitionsService, AssessmentService), \
            contextlib.ExitStack() as stack:
        proxies = {}

        def rpc_for(inspector):
            if inspector not in proxies:
                context = {"actor": {"id": inspector[0], "role": "township_staff"},
                           "actor_name": inspector[1]} if inspector else None
                proxies[inspector] = stack.enter_context(rpc(context))
            return proxies[inspector]

        def caller(service, inspector=None):
            return lambda method, *args: getattr(getattr(rpc_for(inspector), service), method)(*args)

        grid = caller("grid")
        for start in range(0, len(areas), 500):
            grid("upsert_areas", areas[start:start + 500])
        db = database("assessment")
        wait_until(lambda: db.areas.count_documents({}) == len(areas), timeout=120, what="the areas in assessment")
        demo_places.load(lambda inspector: caller("grid", inspector), areas, progress=lambda _: None)
        mediation_demo.load(caller("mediation"), progress=lambda _: None)
        petitions_demo.load(caller("petitions"), progress=lambda _: None)
        assessment_demo.load(grid, caller("assessment"), progress=lambda _: None)

        places = sum(database("grid")[c].count_documents({}) for c in ("governance_centres", "service_facilities",
                                                                       "key_areas"))
        disputes = database("mediation").disputes.count_documents({})
        petitions = database("petitions").petitions.count_documents({})
        wait_until(lambda: db.places.count_documents({}) == places and db.disputes.count_documents({}) == disputes
                   and db.petitions.count_documents({}) == petitions, timeout=180,
                   what="every place, dispute and petition in the assessment read model")
        since = (clock.today() - timedelta(days=365)).isoformat()
        until = (clock.today() + timedelta(days=1)).isoformat()
        assessment = caller("assessment")
        empty = {}
        for code in ["500229", *townships]:
            cards = assessment("scorecard", code, since, until)["cards"]
            missing = [c["code"] for c in cards if c["value"] is None]
            if missing:
                empty[code] = missing
        ranking = assessment("ranking", "500229", since, until)["items"]
    assert len(townships) == 25 and not empty, empty
    assert len(ranking) == 25 and all(r["attainment"] is not None for r in ranking)
