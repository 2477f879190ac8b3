"""The demo's petitions converted to mediation reach the mediation service with their matter: nobody opens them,
and still no dispute of the demo data shows the placeholder once the background reading has run."""
from services.mediation.commands import PLACEHOLDER
from services.mediation.service import MediationService
from services.petitions import demo
from services.petitions.service import PetitionsService
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running


def test_no_demo_dispute_from_a_petition_shows_the_placeholder(env):
    with running(PetitionsService, MediationService), rpc(COUNTY_SCOPE, timeout=120) as proxy:
        demo.load(lambda method, *args: getattr(proxy.petitions, method)(*args), progress=lambda _: None)
        converted = database("petitions").petitions.count_documents({"status": "converted"})
        assert converted >= 1
        disputes = database("mediation").disputes
        wait_until(lambda: disputes.count_documents({"source": "petition"}) == converted, what="every dispute opened")
        wait_until(lambda: disputes.count_documents({"narrative_pending": True}) == 0, timeout=90,
                   what="every narrative read in the background")
        matters = {p["_id"]: p["matter"] for p in database("petitions").petitions.find({"status": "converted"})}
        opened = list(disputes.find({"source": "petition"}))
        assert {d["source_ref"]: d["summary"] for d in opened} == matters
        assert all(PLACEHOLDER not in d["summary"] for d in disputes.find())
        listed = proxy.mediation.list_disputes(page_size=100)["items"]
        assert listed and all(PLACEHOLDER not in d["summary"] for d in listed)
