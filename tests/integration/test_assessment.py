"""The assessment service on the real broker and store, with the grid, mediation and petitions services: known
facts (places and their inspections, disputes in every outcome, petitions on each channel, survey scores) give
every one of the eight targets the value computed by hand; the mediation, petition and place figures equal what
those services report for the same period and area; the county's counts are the sums of its townships'; an
event delivered again changes nothing; bad input is refused with the field and changes nothing."""
from datetime import timedelta

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from services.assessment.service import AssessmentService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.petitions.service import PetitionsService
from shared import clock, config
from shared.errors import ValidationFailed
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running
from tests.integration.test_mediation import agreement

COUNTY, TOWN1, TOWN2 = "500229", "500229001", "500229002"
V11, V12, V21 = "500229001001", "500229001002", "500229002001"
TODAY = clock.today().isoformat()
SESSION = {"held_on": TODAY, "place": "村委会调解室", "attendees": ["申请人", "被申请人"],
           "record": "双方陈述事实，调解员释法说理", "agreed": "同意改建排水沟"}
PARTIES = [{"role": "applicant", "name": "向大姐", "phone": "17100001234"},
           {"role": "respondent", "name": "李大哥", "phone": "17100004321"}]
SINCE = clock.today().replace(day=1).isoformat()
UNTIL = (clock.today() + timedelta(days=1)).isoformat()
DISPUTES = [  # (village, major, the actions after registration)
    (V11, False, ["accept", "hold_session", "sign_agreement"]),  # resolved in the village
    (V11, True, ["accept", "hold_session", "sign_agreement"]),   # a major one, resolved
    (V11, False, ["accept", "hold_session", "fail"]),            # failed: concluded, not resolved
    (V12, True, ["decline"]),                                     # declined: never mediated
    (V12, False, []),                                             # open within its limit: in no rate yet
    (V21, False, ["accept", "hold_session", "sign_agreement"]),
]
PETITIONS = [(V11, "online"), (V11, "online"), (V12, "letter"), (V12, "online"), (V21, "visit")]


def act(proxy, dispute_id: str, action: str, committee: str) -> None:
    fields = {"accept": {"committee_id": committee, "mediator_ids": []}, "hold_session": {"session": SESSION},
              "sign_agreement": {"agreement": agreement(
                  mediator_id=f"M{committee}", mediator_signed_on=TODAY,
                  party_signatures=[{"party_index": 0, "signed_on": TODAY}, {"party_index": 1, "signed_on": TODAY}],
                  terms=[{"content": "共同出资改建排水沟", "manner": "各出资一半", "deadline": TODAY}])},
              "fail": {"reason": "双方分歧较大"},
              "decline": {"reason": "已进入诉讼程序", "referral": {"to": "litigation", "note": "法院已立案"}}}[action]
    proxy.mediation.act_on_dispute(dispute_id, {"action": action, **fields})


def facts(proxy) -> None:
    grid = proxy.grid
    grid.upsert_areas(factories.chengkou_areas(townships=2, villages=2, grids=1, micro_grids=1))
    # Places: the county's centre standardised,葛城's not; one of 葛城's two villages has a facility up to standard;
    # one key area of 葛城 covered by an online point, one of 复兴 with none.
    centre_items = grid.get_checklist("governance_centre")["current"]["items"]
    for code in (COUNTY, TOWN1):
        grid.register_place("governance_centre", {"area_code": code})
    grid.record_inspection("governance_centre", "GC500229", factories.inspection(centre_items, "county"))
    grid.record_inspection("governance_centre", "GC500229001", factories.inspection(
        centre_items, "township", failing=["staffing"]))
    facility_items = grid.get_checklist("service_facility")["current"]["items"]
    grid.register_place("service_facility", {"village_code": V11})
    grid.record_inspection("service_facility", "SF500229001001", factories.inspection(facility_items))
    covered = grid.register_key_area({"area_code": TOWN1, "kind": "bus_station", "name": "城口汽车客运站"})
    grid.register_video_point(covered["key_area_id"], {"code": factories.video_point_code(1), "name": "进站口",
                                                       "online": True, "checked_at": clock.now().isoformat()})
    grid.register_key_area({"area_code": TOWN2, "kind": "market", "name": "复兴农贸市场"})

    for code, level in ((V11, "village"), (V12, "village"), (V21, "village"), (TOWN1, "township")):
        proxy.mediation.save_committee({"committee_id": f"MC{code}", "name": f"{code}人民调解委员会", "level": level,
                                        "area_code": code})
        proxy.mediation.save_mediator({"mediator_id": f"MMC{code}", "name": "李调解", "employment": "part_time",
                                       "committee_ids": [f"MC{code}"]})
    for village, major, actions in DISPUTES:
        found = proxy.mediation.register_dispute({
            "area_code": village, "category": "neighbour", "summary": "两户因屋檐排水方向发生争执",
            "parties": PARTIES, "major_reasons": ["violence_risk"] if major else []})
        for action in actions:
            act(proxy, found["dispute_id"], action, f"MC{village}")
    for village, channel in PETITIONS:
        proxy.petitions.register_petition({"channel": channel, "area_code": village, "category": "rural_affairs",
                                           "matter": "反映村道损坏", "petitioners": [{"name": "冉光明",
                                                                                  "phone": "17100002468"}]})
    for indicator, value in (("sense_of_security", 96.1), ("team_satisfaction", 92.0),
                             ("judicial_credibility", 89.9)):
        proxy.assessment.record_survey_figure({"year": clock.today().year, "area_code": COUNTY,
                                               "indicator": indicator, "value": value, "city_average": 90.4})


def card(found: dict, code: str) -> dict:
    return next(c for c in found["cards"] if c["code"] == code)


def synced(proxy) -> dict:
    """The county's scorecard once the read model holds every dispute in its last state and every petition."""
    db = database("assessment")

    def ready():
        disputes = list(db.disputes.find())
        settled = len(disputes) == len(DISPUTES) and sum(1 for d in disputes if d["resolved_at"]) == 3 \
            and sum(1 for d in disputes if d["status"] in ("failed", "declined")) == 2
        places = db.places.count_documents({})
        return settled and db.petitions.count_documents({}) == len(PETITIONS) and places == 5 \
            and db.places.count_documents({"history.ok": True}) == 3
    wait_until(ready, timeout=60, what="the assessment read model with every fact")
    return proxy.assessment.scorecard(COUNTY, SINCE, UNTIL)


@pytest.fixture(scope="module")
def suite(module_gateway_port):
    with running(GridService, MediationService, PetitionsService, AssessmentService), rpc(COUNTY_SCOPE) as proxy:
        facts(proxy)
        synced(proxy)
        yield proxy


def test_every_target_has_the_value_computed_by_hand(suite):
    found = suite.assessment.scorecard(COUNTY, SINCE, UNTIL)
    values = {c["code"]: (c["numerator"], c["denominator"], c["value"], c["met"]) for c in found["cards"]}
    assert values == {
        "governance_centre": (1, 2, 0.5, False),        # the county's centre passed, 葛城's failed
        "service_facility": (1, 4, 0.25, False),       # village 11 of the four (two in each township)
        "video_coverage": (1, 2, 0.5, False),
        "grassroots_rate": (3, 5, 0.6, False),          # 3 resolved ÷ (5 concluded + 0 overdue)
        "success_rate": (3, 4, 0.75, False),            # the declined one was never mediated
        "major_rate": (1, 2, 0.5, False),               # one major resolved, one major declined
        "online_share": (3, 5, 0.6, True),
        "public_opinion": (None, None, round(89.9 / 90.4, 4), False),  # 司法公信力 below the city average
    }
    assert found["met"] == 1 and len(card(found, "grassroots_rate")["trend"]) == 12
    assert card(found, "grassroots_rate")["trend"][-1]["value"] == 0.6
    assert card(found, "public_opinion")["scores"]["sense_of_security"]["met"] is True


def test_the_figures_equal_what_mediation_petitions_and_the_grid_report(suite):
    for code in (COUNTY, TOWN1, TOWN2):
        found = suite.assessment.scorecard(code, SINCE, UNTIL)
        mediation = suite.mediation.targets(code, SINCE, UNTIL)
        for target in ("grassroots_rate", "success_rate", "major_rate"):
            assert card(found, target)["value"] == mediation[target], (code, target)
        petitions = suite.petitions.figures(code, SINCE, UNTIL)
        assert (card(found, "online_share")["numerator"], card(found, "online_share")["denominator"],
                card(found, "online_share")["value"]) == (petitions["online"], petitions["received"],
                                                          petitions["online_share"])
        places = {t["key"]: t for t in suite.grid.places_figures(code)["targets"]}
        for target in ("governance_centre", "service_facility", "video_coverage"):
            assert (card(found, target)["numerator"], card(found, target)["denominator"]) == (
                places[target]["numerator"], places[target]["denominator"]), (code, target)


def test_the_county_counts_are_the_sums_of_its_townships(suite):
    county = suite.assessment.scorecard(COUNTY, SINCE, UNTIL)
    towns = [suite.assessment.scorecard(code, SINCE, UNTIL) for code in (TOWN1, TOWN2)]
    for target in ("service_facility", "video_coverage", "grassroots_rate", "online_share"):
        assert card(county, target)["numerator"] == sum(card(t, target)["numerator"] for t in towns), target
        assert card(county, target)["denominator"] == sum(card(t, target)["denominator"] for t in towns), target
    ranking = suite.assessment.ranking(COUNTY, SINCE, UNTIL)
    assert [r["area_code"] for r in ranking["items"]] == sorted(
        [TOWN1, TOWN2], key=lambda c: -next(r["attainment"] for r in ranking["items"] if r["area_code"] == c))
    assert [r["rank"] for r in ranking["items"]] == [1, 2]
    # A township without a survey of its own is measured by the county's.
    assert card(towns[0], "public_opinion")["value"] == card(county, "public_opinion")["value"]


def test_the_records_behind_a_figure_are_its_denominator_with_the_numerator_marked(suite):
    records = suite.assessment.target_records("success_rate", COUNTY, SINCE, UNTIL)
    assert records["total"] == 4 and sum(r["counted"] for r in records["items"]) == 3
    petitions = suite.assessment.target_records("online_share", TOWN1, SINCE, UNTIL)
    assert sorted(r["channel"] for r in petitions["items"]) == ["letter", "online", "online", "online"]
    with pytest.raises(ValidationFailed) as unknown:
        suite.assessment.target_records("happiness", COUNTY, SINCE, UNTIL)
    assert unknown.value.field == "target"


def test_an_event_delivered_again_changes_nothing(suite):
    db = database("assessment")
    sent = list(database("petitions").outbox.find({"event_type": "petitions.petition.received"}))
    sent += list(database("grid").outbox.find({"event_type": "grid.governance_centre.upserted"}))
    history = len(db.places.find_one({"_id": "GC500229"})["history"])
    publish = Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish
    for entry in sent:
        publish(entry["envelope"], exchange=get_event_exchange(entry["envelope"]["source"], {}),
                routing_key=entry["routing_key"])
    # One new fact on each of the two queues, after the repeats: once both are in, the repeats were handled.
    suite.petitions.register_petition({"channel": "phone", "area_code": V21, "category": "rural_affairs",
                                       "matter": "反映村道损坏", "petitioners": [{"name": "冉光明",
                                                                              "phone": "17100002468"}]})
    suite.grid.register_place("governance_centre", {"area_code": TOWN2})
    wait_until(lambda: db.petitions.count_documents({}) == len(PETITIONS) + 1
               and db.places.find_one({"_id": "GC500229002"}), timeout=60, what="the two new facts")
    assert len(db.places.find_one({"_id": "GC500229"})["history"]) == history
    county = suite.assessment.scorecard(COUNTY, SINCE, UNTIL)
    assert (card(county, "online_share")["numerator"], card(county, "online_share")["denominator"]) == (3, 6)
    assert (card(county, "governance_centre")["numerator"], card(county, "governance_centre")["denominator"]) == (1, 3)


@pytest.mark.parametrize("change, field", [({"value": 120}, "value"), ({"city_average": 0}, "city_average"),
                                           ({"indicator": "happiness"}, "indicator"),
                                           ({"year": clock.today().year + 1}, "year"),
                                           ({"area_code": "500229001001001"}, "area_code")])
def test_a_bad_survey_figure_is_refused_with_its_field_and_changes_nothing(suite, change, field):
    before = suite.assessment.list_survey_figures(COUNTY)
    body = {"year": clock.today().year, "area_code": COUNTY, "indicator": "sense_of_security", "value": 90.0,
            "city_average": 90.4, **change}
    with pytest.raises(ValidationFailed) as refused:
        suite.assessment.record_survey_figure(body)
    assert refused.value.field == field
    assert suite.assessment.list_survey_figures(COUNTY) == before
