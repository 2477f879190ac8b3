"""A dispute opened from a petition while the petitions service is away: its narrative is tried again in the
background (nobody opens the page), staff see it listed as missing with the tries and the reason meanwhile, and
once the petitions service answers the petition's matter arrives by itself, with the petitioner kept encrypted."""
from services.mediation.commands import PLACEHOLDER
from services.mediation.service import MediationService
from services.petitions.service import PetitionsService
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

VILLAGE = "500229001001"
MATTER = "反映与邻居因宅基地界址发生争执，村里调处未果"


def test_a_missing_narrative_is_retried_in_the_background_and_listed_for_staff_until_it_arrives(env):
    with running(PetitionsService), rpc(COUNTY_SCOPE) as proxy:
        pid = proxy.petitions.register_petition({
            "channel": "visit", "area_code": VILLAGE, "category": "neighbour_dispute", "matter": MATTER,
            "petitioners": [{"name": "向大姐", "phone": "17100002468", "address": "葛城街道某村三组"}]})["petition_id"]
        proxy.petitions.act_on_petition(pid, {"action": "convert_to_mediation"})
    disputes = database("mediation").disputes

    with running(MediationService), rpc(COUNTY_SCOPE) as proxy:  # the petitions service is away
        opened = wait_until(lambda: disputes.find_one({"source_ref": pid}), what="the dispute opened")
        assert opened["summary"] == PLACEHOLDER
        tried = wait_until(lambda: (lambda d: d if d.get("narrative_attempts") else None)(
            disputes.find_one({"_id": opened["_id"]})), timeout=60, what="a background try")
        assert tried["narrative_pending"] and tried["narrative_error"]
        [missing] = proxy.mediation.list_missing_narratives(0)["items"]
        assert (missing["dispute_id"], missing["source_label"], missing["attempts"] >= 1) == (opened["_id"],
                                                                                             "信访转调解", True)
        assert proxy.mediation.list_missing_narratives()["total"] == 0  # not yet 30 minutes after registration

    with running(MediationService, PetitionsService), rpc(COUNTY_SCOPE) as proxy:
        filled = wait_until(lambda: (lambda d: None if d["narrative_pending"] else d)(
            disputes.find_one({"_id": opened["_id"]})), timeout=60, what="the narrative read in the background")
        assert filled["summary"] == MATTER
        assert proxy.mediation.list_missing_narratives(0)["total"] == 0
        party = proxy.mediation.get_dispute(opened["_id"])["parties"][0]
        assert (party["role"], party["name"], party["phone"]) == ("applicant", "向**", "171****2468")
    assert "向大姐" not in str(filled) and "17100002468" not in str(filled)
    # Each read is recorded (a try that timed out while the service was away may still be answered later).
    reads = list(database("petitions").personal_data_reads.find({"petition_id": pid}))
    assert reads and all(r["reason"] == "转人民调解" for r in reads)
