"""The party-building figures against a small street worked out by hand, and the tree and roster rules they rest
on. Pure logic: no broker, no store."""
from datetime import date

import pytest
from pydantic import ValidationError

from services.org import domain, figures
from services.org.api.rpc import PartyOrgIn, RosterIn

T, V1, V2 = "500229001", "500229001001", "500229001201"
G1, G2, G3 = V1 + "001", V1 + "002", V2 + "001"
AREAS = [{"code": T, "kind": "street", "name": "葛城街道", "path": ["500229", T]},
         {"code": V1, "kind": "community", "name": "平岗社区", "path": ["500229", T, V1]},
         {"code": V2, "kind": "village", "name": "青坪村", "path": ["500229", T, V2]},
         {"code": G1, "kind": "grid", "name": "第1网格", "path": ["500229", T, V1, G1]},
         {"code": G2, "kind": "grid", "name": "第2网格", "path": ["500229", T, V1, G2]},
         {"code": G3, "kind": "grid", "name": "第1网格", "path": ["500229", T, V2, G3]}]
ORGS = [{"area_code": V1, "kind": "committee", "active": True},
        {"area_code": G1, "kind": "branch", "active": True},
        {"area_code": G3, "kind": "group", "active": False}]        # dissolved: G3 is a gap
BOTH = {"grid": {}, "community": {}}
MEMBERS = [{"area_path": ["500229", T, V1, G1], "status": "active", "registrations": BOTH},
           {"area_path": ["500229", T, V1], "status": "active", "registrations": {"grid": {}}},
           {"area_path": ["500229", T, V2], "status": "active", "registrations": {}},
           {"area_path": ["500229", T, V2, G3], "status": "transferred_out", "registrations": BOTH}]  # not counted
CADRES = [{"grid_code": G1, "area_path": ["500229", T, V1, G1], "status": "active"},
          {"grid_code": G1, "area_path": ["500229", T, V1, G1], "status": "active"},
          {"grid_code": G3, "area_path": ["500229", T, V2, G3], "status": "ended"}]
PERSON = {"name": "李某", "unit": "某单位"}
ROSTERS = [{"area_code": T, "role": "judge", "people": [PERSON]},
           {"area_code": T, "role": "prosecutor", "people": []},
           {"area_code": V1, "role": "police", "people": [PERSON]},
           {"area_code": V1, "role": "deputy_contact", "people": [{**PERSON, "deputy_kind": "npc_deputy"},
                                                                  {**PERSON, "deputy_kind": "cppcc_member"}]},
           {"area_code": V2, "role": "police", "people": [PERSON]},
           {"area_code": V2, "role": "legal_adviser", "people": [PERSON]}]


@pytest.fixture(scope="module")
def street():
    return figures.compute(T, AREAS, ORGS, MEMBERS, CADRES, ROSTERS)


def test_the_street_s_figures_are_the_hand_computed_ones(street):
    # 3 grids, a branch on G1 only; 3 members on the roster, 1 with both registrations; 2 cadres on duty;
    # 7 roster slots (street: judge, prosecutor; community: police, adviser, deputies; village: police, adviser).
    assert {k: street[k] for k in ("grids", "grids_covered", "grids_uncovered", "branch_coverage")} == \
        {"grids": 3, "grids_covered": 1, "grids_uncovered": 2, "branch_coverage": 0.3333}
    assert {k: street[k] for k in ("members", "registered_at_grid", "registered_at_community", "registered_both",
                                   "double_registration_rate")} == \
        {"members": 3, "registered_at_grid": 2, "registered_at_community": 1, "registered_both": 1,
         "double_registration_rate": 0.3333}
    assert (street["cadres"], street["grids_with_cadre"], street["cadres_per_grid"]) == (2, 1, 0.67)
    assert (street["roster_slots"], street["roster_filled"], street["roster_completeness"]) == (7, 4, 0.5714)


def test_the_figures_break_down_by_the_areas_one_level_below(street):
    community, village = street["by_area"]
    assert (community["area_code"], community["area_name"], village["area_code"]) == (V1, "平岗社区", V2)
    assert (community["grids"], community["branch_coverage"], community["double_registration_rate"],
            community["cadres_per_grid"], community["roster_slots"], community["roster_completeness"]) == \
        (2, 0.5, 0.5, 1.0, 3, 0.3333)
    assert (village["grids"], village["branch_coverage"], village["double_registration_rate"],
            village["cadres_per_grid"], village["roster_slots"], village["roster_completeness"]) == \
        (1, 0.0, 0.0, 0.0, 2, 1.0)


def test_an_area_with_nothing_to_count_has_no_rate():
    empty = figures.compute("500229002", [], [], [], [], [])
    assert (empty["branch_coverage"], empty["double_registration_rate"], empty["cadres_per_grid"],
            empty["roster_completeness"], empty["by_area"]) == (None, None, None, None, [])


def test_two_deputies_and_one_member_means_one_of_each_kind():
    people = [{"deputy_kind": "npc_deputy"}, {"deputy_kind": "party_congress_deputy"}]
    assert not domain.roster_complete("deputy_contact", people)
    assert domain.roster_complete("deputy_contact", people + [{"deputy_kind": "cppcc_member"}])
    assert domain.next_contact_on({"frequency": "quarterly", "last_contact_on": "2026-01-01"}) == date(2026, 4, 3)


@pytest.mark.parametrize("org, message", [
    ({"kind": "branch", "area_code": "500229"}, "县只能设立党委"),
    ({"kind": "committee", "area_code": G1, "parent_org_id": "PO1234"}, "网格只能设立党支部、党小组"),
    ({"kind": "branch", "area_code": V1}, "须指定上级党组织"),
])
def test_each_level_of_the_tree_takes_its_own_kinds(org, message):
    with pytest.raises(ValidationError) as refused:
        PartyOrgIn.model_validate({"org_id": "PO-test", "name": "测试党组织", **org})
    assert message in str(refused.value)


def test_a_branch_hangs_from_the_organisation_of_the_area_above():
    branch = PartyOrgIn.model_validate({"org_id": "PO-g1", "name": "第1网格党支部", "kind": "branch",
                                        "area_code": G1, "parent_org_id": "PO-v1"})
    assert domain.org_problem(branch, "grid", {"area_code": V1, "active": True}) is None
    assert domain.org_problem(branch, "grid", {"area_code": T, "active": True})[0] == "parent_org_id"
    assert domain.org_problem(branch, "grid", None) == ("parent_org_id", "上级党组织不存在")
    street = PartyOrgIn.model_validate({"org_id": "PO-t", "name": "葛城街道党委", "kind": "committee",
                                        "area_code": T, "parent_org_id": "PO-c"})
    assert domain.org_problem(street, "street", {"area_code": "500229"}) == ("kind", "街道设立党工委")


@pytest.mark.parametrize("roster, message", [
    ({"role": "police", "area_code": T}, "一村一警应按村（社区）配备"),
    ({"role": "judge", "area_code": V1}, "一街镇一法官应按乡镇（街道）配备"),
    ({"role": "police", "area_code": V1, "people": [PERSON, PERSON]}, "每个区划配备一人"),
    ({"role": "deputy_contact", "area_code": V1, "people": [PERSON]}, "须填写代表类别和联系频次"),
])
def test_rosters_stand_where_the_plan_puts_them(roster, message):
    with pytest.raises(ValidationError) as refused:
        RosterIn.model_validate(roster)
    assert message in str(refused.value)
