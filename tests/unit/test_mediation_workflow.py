"""The dispute table and the mediation rules as plain logic: which action is legal from which status (written out
here by hand from the flow 登记—受理—调解—协议或调解不成—转出—履行—回访—结案, not read back from the table), the
fields each action needs, which committee may take or receive a dispute, what makes an agreement invalid, the
30 days for judicial confirmation and the nesting of area codes."""
import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from services.mediation import disputes
from services.mediation.api.codes import MEDIATE, STATUS_LABELS, WORKFLOW, DisputeStatus
from services.mediation.api.rpc import AgreementIn, CommitteeIn, DisputeActionIn, DisputeIn
from services.mediation.disputes import check_agreement, check_committee, due_at
from services.mediation.domain import agreement_problem, area_path, judicial_confirmation_until
from shared.errors import Conflict, ValidationFailed, parse

# action -> (statuses it starts from, status it ends in, fields it needs)
TABLE = {
    "accept": ({"registered"}, "accepted", {"committee_id"}),
    "decline": ({"registered"}, "declined", {"reason", "referral"}),
    "hold_session": ({"accepted", "in_mediation"}, "in_mediation", {"session"}),
    "sign_agreement": ({"in_mediation"}, "resolved", {"agreement"}),
    "fail": ({"in_mediation"}, "failed", {"reason"}),
    "escalate": ({"accepted", "in_mediation", "failed"}, "accepted", {"committee_id", "reason"}),
    "refer": ({"failed"}, "referred", {"referral"}),
    "confirm_performance": ({"resolved"}, "performed", {"reason"}),
    "follow_up": ({"resolved", "performed", "referred"}, "followed_up", {"follow_up"}),
    "close": ({"followed_up"}, "closed", set()),
}
STATUSES = ["registered", "accepted", "in_mediation", "resolved", "failed", "referred", "performed", "followed_up",
            "closed", "declined"]
LABELS = {"registered": "已登记", "accepted": "已受理", "in_mediation": "调解中", "resolved": "已达成协议",
          "failed": "调解不成", "referred": "已转出", "performed": "已履行", "followed_up": "已回访", "closed": "已结案",
          "declined": "不予受理"}
# What each needed field holds when given (any non-empty value passes the table; its shape is DisputeActionIn's job).
GIVEN = {"committee_id": "MC-T1", "reason": "双方分歧较大", "referral": {"to": "litigation", "note": "引导诉讼"},
         "session": {"held_on": "2026-11-20"}, "agreement": {"facts": "…"}, "follow_up": {"performed": "fully"}}


def test_the_table_has_exactly_the_actions_and_statuses_written_here():
    assert set(WORKFLOW.transitions) == set(TABLE)
    assert {s.value for s in DisputeStatus} == set(STATUSES)
    assert {str(k): v for k, v in STATUS_LABELS.items()} == LABELS
    assert {s.value for s in disputes.OPEN} == {"registered", "accepted", "in_mediation"}


@pytest.mark.parametrize("status, action", list(itertools.product(STATUSES, TABLE)))
def test_step_is_legal_exactly_where_the_table_says(status, action):
    sources, target, needs = TABLE[action]
    if status in sources:
        transition = WORKFLOW.step(status, action, {n: GIVEN[n] for n in needs})
        assert transition.target == target
        assert transition.duty == MEDIATE
    else:
        with pytest.raises(Conflict) as refused:
            WORKFLOW.step(status, action, {n: GIVEN[n] for n in GIVEN})
        assert refused.value.code == "dispute.illegal_transition" and refused.value.field == "action"
        assert f"当前状态为「{LABELS[status]}」" in refused.value.message


@pytest.mark.parametrize("status", STATUSES)
def test_the_buttons_offered_are_the_legal_actions(status):
    assert set(WORKFLOW.allowed(status)) == {a for a, (sources, _, _) in TABLE.items() if status in sources}


@pytest.mark.parametrize("action, missing", [(a, n) for a, (_, _, needs) in TABLE.items() for n in sorted(needs)])
def test_each_needed_field_is_enforced(action, missing):
    sources, _, needs = TABLE[action]
    status = sorted(sources)[0]
    for empty in (None, "", {}):
        given = {n: GIVEN[n] for n in needs} | {missing: empty}
        with pytest.raises(ValidationFailed) as refused:
            WORKFLOW.step(status, action, given)
        assert refused.value.field == missing
        assert "须填写此项" in refused.value.message


def test_close_needs_nothing_and_an_unknown_action_is_refused_by_name():
    assert WORKFLOW.step("followed_up", "close", {}).target == "closed"
    with pytest.raises(ValidationFailed) as refused:
        WORKFLOW.step("registered", "approve", {})
    assert (refused.value.code, refused.value.field) == ("dispute.unknown_action", "action")
    assert "accept" in refused.value.message


def test_an_illegal_move_is_refused_before_its_missing_fields_are_looked_at():
    with pytest.raises(Conflict):
        WORKFLOW.step("closed", "accept", {})


def test_action_bodies_check_their_parts():
    with pytest.raises(ValidationFailed) as refused:
        parse(DisputeActionIn, {"action": "accept", "committee_id": "T1"})
    assert refused.value.field == "committee_id"
    with pytest.raises(ValidationFailed) as refused:
        parse(DisputeActionIn, {"action": "refer", "referral": {"to": "court", "note": "引导诉讼"}})
    assert refused.value.field == "referral.to"
    with pytest.raises(ValidationFailed) as refused:
        parse(DisputeActionIn, {"action": "follow_up", "follow_up": {"visited_on": "2026-12-31", "visitor": "李调解",
                                                              "performed": "fully"}})
    assert refused.value.field == "follow_up.record"


# committees ------------------------------------------------------------------------------------------------
VILLAGE = "500229001001"
DISPUTE_IN_VILLAGE = {"area_code": VILLAGE + "001", "level": None}


def committee(level, area_code, committee_id="MC-X"):
    return {"committee_id": committee_id, "name": "某人民调解委员会", "level": level, "area_code": area_code}


@pytest.mark.parametrize("level, area", [("village", VILLAGE), ("township", "500229001"), ("county", "500229"),
                                         ("professional", "500229"), ("professional", "500229001")])
def test_a_committee_of_the_place_or_above_may_accept(level, area):
    check_committee(DISPUTE_IN_VILLAGE, committee(level, area), "accept")


@pytest.mark.parametrize("level, area", [("village", "500229001002"), ("township", "500229002"),
                                         ("professional", "500229002")])
def test_a_committee_elsewhere_may_not_accept(level, area):
    with pytest.raises(Conflict) as refused:
        check_committee(DISPUTE_IN_VILLAGE, committee(level, area), "accept")
    assert (refused.value.code, refused.value.field) == ("dispute.committee_out_of_area", "committee_id")


def test_an_unknown_committee_is_a_validation_error():
    with pytest.raises(ValidationFailed) as refused:
        check_committee(DISPUTE_IN_VILLAGE, None, "accept")
    assert (refused.value.code, refused.value.field) == ("committee.not_found", "committee_id")


# Ranks: village 0; township and professional 1 (side by side); county 2.
@pytest.mark.parametrize("current, to, higher", [
    ("village", "township", True), ("village", "professional", True), ("village", "county", True),
    ("village", "village", False),
    ("township", "county", True), ("township", "township", False), ("township", "professional", False),
    ("township", "village", False),
    ("professional", "county", True), ("professional", "township", False), ("professional", "professional", False),
    ("county", "county", False), ("county", "township", False),
])
def test_escalation_must_go_up_the_ladder(current, to, higher):
    area = {"village": VILLAGE, "township": "500229001", "professional": "500229", "county": "500229"}[to]
    dispute = {**DISPUTE_IN_VILLAGE, "level": current}
    if higher:
        check_committee(dispute, committee(to, area), "escalate")
    else:
        with pytest.raises(Conflict) as refused:
            check_committee(dispute, committee(to, area), "escalate")
        assert (refused.value.code, refused.value.field) == ("dispute.not_higher", "committee_id")
        assert "更高一级" in refused.value.message


def test_escalation_to_a_higher_committee_elsewhere_is_out_of_area():
    with pytest.raises(Conflict) as refused:
        check_committee({**DISPUTE_IN_VILLAGE, "level": "village"}, committee("township", "500229002"), "escalate")
    assert refused.value.code == "dispute.committee_out_of_area"


def test_accepting_ignores_the_ladder():
    check_committee({**DISPUTE_IN_VILLAGE, "level": "county"}, committee("village", VILLAGE), "accept")


@pytest.mark.parametrize("level, area, ok", [("village", "500229001001", True), ("village", "500229001", False),
                                             ("township", "500229001", True), ("township", "500229001001", False),
                                             ("county", "500229", True), ("county", "500229001", False),
                                             ("professional", "500229", True), ("professional", "500229001", True),
                                             ("professional", "500229001001", False)])
def test_a_committee_sits_at_the_level_of_its_area(level, area, ok):
    payload = {"committee_id": "MC-01", "name": "某某人民调解委员会", "level": level, "area_code": area}
    if ok:
        assert parse(CommitteeIn, payload).level == level
    else:
        with pytest.raises(ValidationFailed) as refused:
            parse(CommitteeIn, payload)
        assert "调委会应设在" in refused.value.message


# agreements ------------------------------------------------------------------------------------------------
def agreement(**changes) -> dict:
    body = {"facts": "双方屋檐排水互相影响", "matters": "排水方向及改建费用", "responsibilities": "双方各负一半责任",
            "terms": [{"content": "共同出资改建排水沟", "manner": "各出资一半，现金支付", "deadline": "2026-12-31"}],
            "party_signatures": [{"party_index": 0, "signed_on": "2026-11-20"},
                                 {"party_index": 1, "signed_on": "2026-11-21"}],
            "mediator_id": "M-001", "mediator_signed_on": "2026-11-21"}
    return {**body, **changes}


def problem(parties=2, **changes):
    return agreement_problem(AgreementIn.model_validate(agreement(**changes)), parties)


def test_a_complete_agreement_has_no_problem():
    assert problem() is None
    # The mediator signs the same day as the last party; a term due the day of signing.
    assert problem(terms=[{"content": "当场赔付医药费", "manner": "现金", "deadline": "2026-11-21"}]) is None
    # Three parties (a third party too), all signed.
    assert problem(3, party_signatures=[{"party_index": i, "signed_on": "2026-11-21"} for i in (2, 0, 1)]) is None


def test_every_party_must_sign():
    assert problem(party_signatures=[{"party_index": 0, "signed_on": "2026-11-21"}]) == \
        ("party_signatures", "调解协议须由全部当事人签名")
    assert problem(3) == ("party_signatures", "调解协议须由全部当事人签名")
    same_twice = [{"party_index": 0, "signed_on": "2026-11-20"}, {"party_index": 0, "signed_on": "2026-11-21"}]
    assert problem(party_signatures=same_twice) == ("party_signatures", "调解协议须由全部当事人签名")


def test_a_signature_of_a_party_that_does_not_exist_is_refused():
    signatures = [{"party_index": i, "signed_on": "2026-11-21"} for i in (0, 1, 2)]
    assert problem(party_signatures=signatures) == ("party_signatures", "签名的当事人序号不存在")
    with pytest.raises(ValidationFailed) as refused:
        parse(AgreementIn, agreement(party_signatures=[{"party_index": -1, "signed_on": "2026-11-21"}]))
    assert refused.value.field == "party_signatures.0.party_index"


def test_the_mediator_signs_after_the_parties():
    assert problem(mediator_signed_on="2026-11-20") == ("mediator_signed_on", "调解员签名日期不应早于当事人签名")


def test_a_term_may_not_fall_due_before_the_agreement_is_signed():
    terms = [{"content": "共同出资改建排水沟", "manner": "各出资一半", "deadline": "2026-12-31"},
             {"content": "赔礼道歉", "manner": "当面道歉", "deadline": "2026-11-20"}]
    assert problem(terms=terms) == ("terms", "履行期限不应早于协议签订日期")


def test_check_agreement_names_the_field_inside_the_action():
    with pytest.raises(ValidationFailed) as refused:
        check_agreement(AgreementIn.model_validate(agreement(mediator_signed_on="2026-11-19")), 2)
    assert (refused.value.field, refused.value.code) == ("agreement.mediator_signed_on", "agreement.invalid")
    assert refused.value.message == "调解员签名日期不应早于当事人签名"


@pytest.mark.parametrize("field, message", [("terms", "调解协议须载明履行的内容、方式和期限"),
                                            ("party_signatures", "调解协议须由当事人签名")])
def test_an_agreement_without_terms_or_signatures_is_refused_in_chinese(field, message):
    for empty in ({field: []}, {field: None}):
        body = agreement(**empty)
        if empty[field] is None:
            del body[field]
        with pytest.raises(ValidationFailed) as refused:
            parse(AgreementIn, body)
        assert (refused.value.field, refused.value.message) == (field, message)


def test_a_term_needs_its_manner_and_deadline():
    with pytest.raises(ValidationFailed) as refused:
        parse(AgreementIn, agreement(terms=[{"content": "共同出资改建排水沟", "deadline": "2026-12-31"}]))
    assert refused.value.field == "terms.0.manner"
    with pytest.raises(ValidationFailed) as refused:
        parse(AgreementIn, agreement(terms=[{"content": "共同出资改建排水沟", "manner": "现金"}]))
    assert refused.value.field == "terms.0.deadline"


# dates and areas -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("signed, until", [("2026-11-21", date(2026, 12, 21)), ("2026-12-15", date(2027, 1, 14)),
                                           ("2028-02-10", date(2028, 3, 11)), ("2027-02-10", date(2027, 3, 12))])
def test_judicial_confirmation_may_be_sought_for_30_days_after_the_mediator_signs(signed, until):
    assert judicial_confirmation_until({"mediator_signed_on": signed, "party_signatures": []}) == until


def test_mediation_is_due_after_the_limit():
    registered = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)
    assert due_at(registered, 30) == datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    assert due_at(registered, 45) - registered == timedelta(days=45)


@pytest.mark.parametrize("code, path", [
    ("500229", ["500229"]),
    ("500229001", ["500229", "500229001"]),
    ("500229001002", ["500229", "500229001", "500229001002"]),
    ("500229001002003", ["500229", "500229001", "500229001002", "500229001002003"]),
    ("500229001002003004", ["500229", "500229001", "500229001002", "500229001002003", "500229001002003004"]),
])
def test_area_path_is_the_prefixes_of_a_code(code, path):
    assert area_path(code) == path


# registration ------------------------------------------------------------------------------------------------
def dispute_in(**changes):
    body = {"area_code": "500229001001", "category": "neighbour", "summary": "两户因屋檐排水方向发生争执",
            "parties": [{"role": "applicant", "name": "向大姐"}, {"role": "respondent", "resident_id": "RS" + "a" * 16}]}
    return {**body, **changes}


def test_a_registration_needs_both_sides_a_known_category_and_known_criteria():
    assert parse(DisputeIn, dispute_in()).category == "neighbour"
    for change, field, words in (
            ({"parties": [{"role": "applicant", "name": "向大姐"}, {"role": "third_party", "name": "张三"}]},
             "parties", "申请人和一名被申请人"),
            ({"category": "quarrel"}, "category", "纠纷类别"),
            ({"major_reasons": ["loud"]}, "major_reasons", "重大纠纷认定依据"),
            ({"parties": [{"role": "applicant", "name": "向大姐"}, {"role": "respondent"}]}, "parties.1",
             "登记居民"),
            ({"parties": [{"role": "applicant", "name": "向大姐"}, {"role": "respondent", "resident_id": "R" + "a" * 16}]},
             "parties.1.resident_id", "格式"),
            ({"area_code": "500229001"}, "area_code", "格式")):
        with pytest.raises(ValidationFailed) as refused:
            parse(DisputeIn, dispute_in(**change))
        assert refused.value.field == field and words in refused.value.message, change
