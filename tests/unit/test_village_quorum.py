"""The quorum of a villagers' meeting and of a representatives' meeting, and the majority of a decision, under
村民委员会组织法 arts. 22 and 26, checked exhaustively over small villages against the law's wording in fractions
("过半数": strictly more than half; "三分之二以上": two thirds or more, the number itself included)."""
from fractions import Fraction

import pytest

from services.village import domain


def by_the_law_villagers(attendees, households_represented, adults, households):
    more_than_half = adults > 0 and Fraction(attendees) > Fraction(adults, 2)
    two_thirds = households > 0 and Fraction(households_represented or 0) >= Fraction(2 * households, 3)
    return more_than_half or two_thirds


def test_a_villagers_meeting_needs_over_half_the_adults_or_two_thirds_of_the_households_exhaustively():
    checked = 0
    for adults in range(0, 41):
        for households in range(0, 16):
            for attendees in range(0, adults + 2):
                for represented in (None, *range(0, households + 1)):
                    assert domain.villagers_meeting_quorate(attendees, represented, adults, households) == \
                        by_the_law_villagers(attendees, represented, adults, households), \
                        (attendees, represented, adults, households)
                    checked += 1
    assert checked > 100_000


def test_a_representatives_meeting_needs_two_thirds_of_its_members_exhaustively():
    for members in range(0, 121):
        for attendees in range(0, members + 2):
            expected = members > 0 and Fraction(attendees) >= Fraction(2 * members, 3)
            assert domain.representatives_meeting_quorate(attendees, members) == expected, (attendees, members)


def test_a_decision_needs_more_than_half_of_those_present_exhaustively():
    for present in range(0, 301):
        for votes in range(0, present + 1):
            expected = present > 0 and Fraction(votes) > Fraction(present, 2)
            assert domain.decision_passes(votes, present) == expected, (votes, present)


@pytest.mark.parametrize("attendees, represented, adults, households, quorate", [
    (50, None, 100, 40, False),   # exactly half of the adults is not more than half
    (51, None, 100, 40, True),
    (10, 20, 100, 30, True),      # two thirds of 30 households, the number itself included
    (10, 19, 100, 30, False),
    (10, 21, 100, 31, True),      # 2/3 of 31 is 20.67: 21 households
    (10, 20, 100, 31, False),
    (0, None, 0, 0, False),       # a village the grid has no one registered in cannot hold one
])
def test_the_villagers_meeting_boundaries(attendees, represented, adults, households, quorate):
    assert domain.villagers_meeting_quorate(attendees, represented, adults, households) is quorate


@pytest.mark.parametrize("attendees, members, quorate", [(20, 30, True), (19, 30, False), (21, 31, True),
                                                         (20, 31, False), (2, 3, True), (1, 3, False)])
def test_the_representatives_meeting_boundaries(attendees, members, quorate):
    assert domain.representatives_meeting_quorate(attendees, members) is quorate


def test_a_meeting_short_of_quorum_is_refused_with_the_numbers_in_chinese():
    basis = {"adults": 412, "households": 150, "residents": 530}
    reason, required, message = domain.meeting_problem("villagers_meeting", 180, None, 150, basis)
    assert (reason, required) == ("quorum", 207)
    assert "过半数" in message and "412" in message and "至少207人" in message and "至少100户" in message
    reason, required, message = domain.meeting_problem("representatives_meeting", 19, None, 19,
                                                       {"representatives": 30})
    assert (reason, required) == ("quorum", 20) and "三分之二" in message and "组成人员30人" in message


def test_a_quorate_meeting_without_a_majority_is_refused_and_one_with_it_stands():
    basis = {"adults": 100, "households": 40, "residents": 130}
    reason, required, message = domain.meeting_problem("villagers_meeting", 60, None, 30, basis)
    assert (reason, required) == ("majority", 31) and "到会人员过半数通过" in message
    assert domain.meeting_problem("villagers_meeting", 60, None, 31, basis) is None
    # by households: 27 of 40 households represented is two thirds or more
    assert domain.meeting_problem("villagers_meeting", 30, 27, 16, basis) is None


def test_counts_the_village_cannot_have_are_refused_before_the_quorum_is_counted():
    basis = {"adults": 100, "households": 40, "residents": 130}
    assert domain.attendance_problem("villagers_meeting", 131, None, basis)[0] == "attendees"
    assert domain.attendance_problem("villagers_meeting", 50, 41, basis)[0] == "households_represented"
    assert domain.attendance_problem("villagers_meeting", 0, None, {"adults": 0, "households": 0,
                                                                    "residents": 0})[0] == "meeting_kind"
    assert domain.attendance_problem("representatives_meeting", 5, None, {"representatives": 0})[0] == "meeting_kind"
    assert domain.attendance_problem("representatives_meeting", 31, None, {"representatives": 30})[0] == "attendees"
    assert domain.attendance_problem("villagers_meeting", 130, 40, basis) is None
