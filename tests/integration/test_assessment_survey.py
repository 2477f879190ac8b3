"""The year's survey on the real broker and store: the sample is drawn from the grid's households (the same seed
draws the same households), each household answers once with its one-time code, no answer names the household or
keeps the code, the results of an area carry their sample size and margin of error, and closing the survey puts the
county's and the townships' scores into the scorecard beside the city average."""
import math
from statistics import fmean, pstdev

import pytest

from services.assessment import surveys
from services.assessment.service import AssessmentService
from services.grid.service import GridService
from shared import clock
from shared.errors import Conflict, NotFound, ValidationFailed
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

YEAR = clock.today().year
TOWN1 = "500229001"


@pytest.fixture(scope="module")
def county(module_gateway_port):
    with running(GridService, AssessmentService), rpc(COUNTY_SCOPE) as proxy:
        areas = factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1)
        proxy.grid.upsert_areas(areas)
        micro_grids = factories.codes(areas)
        for household in factories.households(micro_grids, count=12, seed=7):
            proxy.grid.register_household(household)
        wait_until(lambda: database("assessment").households.count_documents({}) == 12, timeout=60,
                   what="the households in the assessment service")
        yield proxy


def test_a_survey_is_sampled_answered_once_by_code_measured_and_closed_into_the_scorecard(county):
    opened = county.assessment.open_survey({"year": YEAR, "households_per_village": 4, "seed": 42})
    slips = opened.pop("slips")
    assert opened["sampled"] == 8 and len(slips) == 8 and {s["village_code"][:9] for s in slips} == {
        TOWN1, "500229002"}
    assert all(s["household_number"] and "*" in s["head"] for s in slips), "a slip names the door, masked"
    households = {v: [h["_id"] for h in database("assessment").households.find({"village_code": v})]
                  for v in {s["village_code"] for s in slips}}
    for village, ids in households.items():
        assert sorted(s["household_id"] for s in slips if s["village_code"] == village) == surveys.sample(
            ids, 4, 42, village), "the same seed draws the same households"
    with pytest.raises(Conflict):
        county.assessment.open_survey({"year": YEAR, "households_per_village": 4})

    questions = county.assessment.survey_questions({"code": slips[0]["code"]})["questions"]
    assert len(questions) == 6
    given = {}
    for n, slip in enumerate(slips[:6]):  # six of eight households answer
        answers = {q["code"]: 1 + (n + i) % 5 for i, q in enumerate(questions)}
        given[slip["code"]] = (slip["village_code"], answers)
        county.assessment.answer_survey({"code": slip["code"], "answers": answers})
    with pytest.raises(Conflict) as twice:
        county.assessment.answer_survey({"code": slips[0]["code"], "answers": given[slips[0]["code"]][1]})
    assert twice.value.code == "survey.code_used"
    with pytest.raises(NotFound):
        county.assessment.survey_questions({"code": "ZZZZ2222"})
    with pytest.raises(ValidationFailed) as partial:
        county.assessment.answer_survey({"code": slips[7]["code"], "answers": {"q1": 5}})
    assert partial.value.field == "answers"
    with pytest.raises(ValidationFailed):
        county.assessment.answer_survey({"code": slips[7]["code"], "answers": {q["code"]: 6 for q in questions}})

    stored = list(database("assessment").survey_answers.find())
    assert len(stored) == 6
    text = str(stored) + str(list(database("assessment").survey_codes.find()))
    assert not any(s["household_id"] in text or s["code"] in text for s in slips), "no answer names its household"

    # The county's 群众安全感 (q1, q2) by hand: each household's mean of its two answers, scored 0–100.
    security = [fmean([(a["q1"] - 1) / 4 * 100, (a["q2"] - 1) / 4 * 100]) for _, a in given.values()]
    found = county.assessment.survey_results(opened["survey_id"], "500229")
    assert (found["sampled"], found["answered"]) == (8, 6)
    result = found["indicators"]["sense_of_security"]
    assert result["n"] == 6 and result["value"] == round(fmean(security), 1)
    assert result["margin"] == round(1.96 * pstdev(security) / math.sqrt(6), 1)
    town = county.assessment.survey_results(opened["survey_id"], TOWN1)
    assert town["sampled"] == 4 and town["answered"] == sum(1 for v, _ in given.values() if v.startswith(TOWN1))

    averages = {"sense_of_security": 40.0, "team_satisfaction": 90.0, "judicial_credibility": 45.0}
    county.assessment.close_survey(opened["survey_id"], {"city_average": averages})
    with pytest.raises(Conflict):
        county.assessment.answer_survey({"code": slips[7]["code"], "answers": {q["code"]: 3 for q in questions}})
    card = next(c for c in county.assessment.scorecard("500229")["cards"] if c["code"] == "public_opinion")
    assert card["scores"]["sense_of_security"]["value"] == round(fmean(security), 1)
    assert card["scores"]["sense_of_security"]["city_average"] == 40.0
    closed = [e["envelope"]["data"] for e in database("assessment").outbox.find({"event_type": "assessment.survey.closed"})]
    assert closed == [{"survey_id": opened["survey_id"], "year": YEAR, "questionnaire_id": opened["questionnaire_id"],
                       "sampled": 8, "answered": 6}]
