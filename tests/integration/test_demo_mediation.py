"""The mediation demo loads through the real service beside disputes that came from elsewhere, and only once."""
from services.mediation import demo
from services.mediation.service import MediationService
from tests.harness import COUNTY_SCOPE, database, rpc, running


def test_demo_loads_its_disputes_once_even_beside_disputes_from_other_doors(env):
    with running(MediationService), rpc(COUNTY_SCOPE) as proxy:
        call = lambda method, *args: getattr(proxy.mediation, method)(*args)  # noqa: E731
        call("register_dispute", {"area_code": "500229001001", "category": "neighbour", "summary": "别处登记的纠纷",
                                  "parties": [{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}]})
        demo.load(call, disputes=12, progress=lambda _: None)
        demo.load(call, disputes=12, progress=lambda _: None)
    disputes = database("mediation").disputes
    assert disputes.count_documents({}) == 13
    assert len(set(disputes.distinct("status"))) >= 4
    committees, mediators, _ = demo.reference()
    assert database("mediation").committees.count_documents({}) == len(committees)
    assert database("mediation").mediators.count_documents({}) == len(mediators)
