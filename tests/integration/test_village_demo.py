"""The village demo loader against the running grid, mediation, credit and village services: it reads villages and
residents from the grid, waits for the village service's read model, loads rules (filed and published, one
returned, one waiting for review), councils with members and meetings, matters at every step (one refused for
quorum first), sessions whose matters went to the grid and mediation; a second load adds nothing."""
from services.credit.service import CreditService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.village import demo
from services.village.service import VillageService
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

COLLECTIONS = ("village_rules", "conduct_records", "councils", "council_meetings", "family_event_reports",
               "matters", "sessions", "representatives", "outbox")


def test_the_demo_loads_every_part_once(env):
    areas = factories.chengkou_areas(townships=2, villages=2, grids=2, micro_grids=1)
    micro = factories.codes(areas)
    with running(GridService, MediationService, CreditService, VillageService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(areas)
        for household in factories.households(micro, count=48, seed=7):
            proxy.grid.register_household(household)
        calls = [lambda method, *a, s=s: getattr(getattr(proxy, s), method)(*a) for s in ("grid", "village", "credit")]
        demo.load(*calls, progress=lambda _: None)
        db = database("village")
        counts = {name: db[name].count_documents({}) for name in COLLECTIONS}
        statuses = {m["status"] for m in db.matters.find()}
        assert statuses >= {"registered", "proposed", "consulted", "reviewed", "resolved", "resolution_published",
                            "completed"}
        assert db.matters.count_documents({"refusals.0": {"$exists": True}}) == 1
        assert {v["status"] for v in db.village_rules.find()} >= {"published", "returned", "submitted", "draft"}
        assert db.councils.count_documents({}) >= 8 and counts["council_meetings"] >= 8
        assert db.sessions.count_documents({}) >= 3
        routes = [m["status"] for s in db.sessions.find() for m in s["matters"]]
        assert {"with_grid", "with_mediation", "settled"} <= set(routes)
        wait_until(lambda: database("mediation").disputes.count_documents({"source": "village_session"})
                   == routes.count("with_mediation"), what="one dispute for each matter sent to mediation")
        wait_until(lambda: database("credit").awards.count_documents({"source_key": {"$exists": True}}) >= 2,
                   what="the checked simple weddings and funerals waiting in credit's approval")

        demo.load(*calls, progress=lambda _: None)
        assert {name: db[name].count_documents({}) for name in COLLECTIONS} == counts
