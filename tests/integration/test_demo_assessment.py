"""The assessment demo loads through the real services, and only once: survey scores for the county and every
township, one published quarterly round with one appeal decided, one selection on notice."""
from services.assessment import demo
from services.assessment.service import AssessmentService
from services.grid.service import GridService
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running


def test_demo_loads_a_published_round_with_an_appeal_and_a_selection_on_notice_once(env):
    with running(GridService, AssessmentService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=4, villages=1, grids=1, micro_grids=1))
        db = database("assessment")
        wait_until(lambda: db.areas.count_documents({"kind": {"$in": ["town", "township", "street"]}}) == 4,
                   what="the townships in the assessment service")
        grid = lambda method, *a: getattr(proxy.grid, method)(*a)  # noqa: E731
        call = lambda method, *a: getattr(proxy.assessment, method)(*a)  # noqa: E731
        for _ in range(2):
            demo.load(grid, call, progress=lambda _: None)
        (found,) = call("list_rounds")["items"]
        assert found["status"] == "published" and found["period"] == demo.last_quarter()
        (appeal,) = call("get_round", found["round_id"])["appeals"]
        assert appeal["status"] == "upheld"
        (selection,) = call("list_selections")["items"]
        assert selection["status"] == "in_notice"
        nominations = call("get_selection", selection["selection_id"])["nominations"]
        assert sorted(n["status"] for n in nominations) == ["rejected", "shortlisted", "shortlisted"]
        assert db.survey_figures.count_documents({}) == 5 * 3 * 2  # the county and 4 townships, 3 scores, 2 years
        assert db.outbox.count_documents({"event_type": "assessment.round.published"}) == 1
