"""The scorecard's rules over plain rows: a place counts in the state it had at the end of the period, a village
without a facility counts against 达标率, the survey target needs all three scores at or above the city average,
and 目标达成指数 averages the targets that have a value, each capped at its threshold."""
from datetime import datetime, timedelta, timezone

from services.assessment import scorecard

END = datetime(2026, 12, 1, tzinfo=timezone.utc)
BEFORE, AFTER = END - timedelta(days=3), END + timedelta(days=3)


def place(place_id, *states, **extra):
    return {"_id": place_id, "history": [{"at": at, "active": active, "ok": ok, "covered": ok}
                                         for at, active, ok in states], **extra}


def test_a_place_counts_in_the_state_it_had_at_the_end_of_the_period():
    centres = [place("GC1", (BEFORE, True, True), (AFTER, True, False)),  # failed after the period: still passed
               place("GC2", (BEFORE, True, False)),
               place("GC3", (AFTER, True, True)),                          # registered after: not counted at all
               place("GC4", (BEFORE, False, True))]                        # closed: out of the denominator
    found = scorecard.place_counts(centres, [], [], [], END)
    assert found["governance_centre"] == (["GC1"], ["GC1", "GC2"])


def test_a_village_without_a_facility_counts_against_the_standard():
    facilities = [place("SF1", (BEFORE, True, True), village_code="V1"),
                  place("SF2", (BEFORE, True, False), village_code="V2"),
                  place("SFX", (BEFORE, True, True), village_code="VX")]  # a village outside the area
    found = scorecard.place_counts([], facilities, [], ["V1", "V2", "V3"], END)
    assert found["service_facility"] == (["V1"], ["V1", "V2", "V3"])


def test_the_survey_target_needs_every_score_at_or_above_the_city_average():
    figures = [{"indicator": "sense_of_security", "value": 96.0, "city_average": 95.0},
               {"indicator": "team_satisfaction", "value": 91.0, "city_average": 91.0},
               {"indicator": "judicial_credibility", "value": 89.0, "city_average": 90.0}]
    value, met, detail = scorecard.survey_card(figures)
    assert (value, met) == (round(89 / 90, 4), False)
    assert [d["met"] for d in detail.values()] == [False, True, True]  # sorted by indicator code
    value, met, _ = scorecard.survey_card(figures[:2])
    assert met is False, "two of three scores do not make the target"
    assert scorecard.survey_card([]) == (None, None, {})


def test_attainment_averages_the_targets_with_a_value_each_capped_at_its_threshold():
    found = [{"value": 1.0, "threshold": 0.9}, {"value": 0.45, "threshold": 0.9}, {"value": None, "threshold": 1.0},
             {"value": 1.02, "threshold": None}]
    assert scorecard.attainment(found) == round(100 * (1 + 0.5 + 1) / 3, 1)
    assert scorecard.attainment([{"value": None, "threshold": 1.0}]) is None


def test_the_cards_count_petitions_by_channel_and_leave_open_disputes_within_their_limit_out():
    now = END
    disputes = [{"status": "resolved", "level": "village", "major": False, "registered_at": BEFORE,
                 "due_at": BEFORE + timedelta(days=30), "resolved_at": BEFORE},
                {"status": "accepted", "level": "village", "major": False, "registered_at": BEFORE,
                 "due_at": BEFORE + timedelta(days=30), "resolved_at": None}]
    petitions = [{"channel": "online"}, {"channel": "letter"}, {"channel": "online"}, {"channel": "online"}]
    places = scorecard.place_counts([], [], [], [], END)
    cards = {c["code"]: c for c in scorecard.cards(disputes, petitions, places, [], now)}
    assert (cards["online_share"]["numerator"], cards["online_share"]["denominator"]) == (3, 4)
    assert cards["online_share"]["met"] is True
    assert (cards["success_rate"]["numerator"], cards["success_rate"]["denominator"]) == (1, 1)
    assert cards["governance_centre"]["value"] is None and cards["governance_centre"]["met"] is None
