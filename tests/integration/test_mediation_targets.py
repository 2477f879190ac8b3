"""The mediation targets over RPC from the mediation service's own database: the 34 disputes worked out by hand in
tests/unit/test_mediation_targets.py, written straight into it in the shape commands._new_dispute writes them (and
later moves leave them), plus two just outside the period; `targets` with a fixed `as_of` must give the figures
worked out there, for the county, a township and a village, within the caller's scope."""
import uuid
from datetime import timedelta

import pytest

from services.mediation.service import MediationService
from shared.errors import NotFound, ValidationFailed
from tests.harness import COUNTY_SCOPE, database, rpc, running
from tests.unit.test_mediation_targets import (
    COUNTY_FIGURES,
    FIGURES,
    G111,
    G111_FIGURES,
    NOW,
    ROWS,
    T1,
    T1_FIGURES,
    T2,
    T2_FIGURES,
    V11,
    V11_FIGURES,
    V12,
    V12_FIGURES,
    row,
)

SINCE, UNTIL = "2026-03-01", "2026-04-01"  # local days; the fixture's registrations run from day 0 to day 30
AS_OF = NOW.isoformat()  # 2026-04-10T00:00:00+08:00
OTHER_TOWNSHIP = {"scope": [T2], "actor": {"id": "town-2", "role": "township_staff"}, "username": "fu"}


def stored(r: dict) -> dict:
    """A dispute as register_dispute or a door stores it, moved on to the row's status and level."""
    path = r["area_path"]
    resolved = r["resolved_at"]
    concluded = resolved or (r["registered_at"] + timedelta(days=1) if r["status"] not in
                             ("registered", "accepted", "in_mediation") else None)
    return {"_id": f"D{uuid.uuid4().hex[:16]}", "source": "talk_office", "source_ref": None, "category": "neighbour",
            "major": r["major"], "major_reasons": ["violence_risk"] if r["major"] else [], "area_code": path[-1],
            "area_path": path, "township_code": path[1], "village_code": path[2] if len(path) > 2 else None,
            "level": r["level"], "committee_id": f"MC-{r['level']}" if r["level"] else None, "mediator_ids": [],
            "parties": [{"role": "applicant", "resident_id": "R" + "1" * 16, "name": None, "id_number": None,
                         "phone": None, "address": None},
                        {"role": "respondent", "resident_id": "R" + "2" * 16, "name": None, "id_number": None,
                         "phone": None, "address": None}],
            "summary": "两户因屋檐排水方向发生争执", "narrative_pending": False, "status": r["status"], "sessions": [],
            "agreement": None, "referral": None, "follow_ups": [], "mediated": r["level"] is not None,
            "registered_at": r["registered_at"], "due_at": r["due_at"], "resolved_at": resolved,
            "concluded_at": concluded, "closed_at": concluded if r["status"] == "closed" else None, "revision": 0,
            "updated_at": r["registered_at"], "history": []}


# Just outside the period: half an hour before it starts (resolved at the village) and its first moment after.
OUTSIDE = [row(V11, "closed", "village", True, -1 / 48, 2), row(V12, "registered", None, True, 31)]


@pytest.fixture
def mediation(env):
    with running(MediationService), rpc(COUNTY_SCOPE) as proxy:
        database("mediation").disputes.insert_many([stored(r) for r in ROWS + OUTSIDE])
        yield proxy


def figures(found: dict) -> dict:
    return {k: found[k] for k in FIGURES}


def by_area(found: dict) -> list[dict]:
    return [{"area_code": a["area_code"], **figures(a)} for a in found["by_area"]]


def test_the_county_its_townships_a_township_its_villages_and_a_village(mediation):
    county = mediation.mediation.targets(None, SINCE, UNTIL, AS_OF)
    assert (county["area_code"], county["since"], county["until"]) == ("500229", SINCE, UNTIL)
    assert figures(county) == COUNTY_FIGURES
    assert by_area(county) == [{"area_code": T1, **T1_FIGURES}, {"area_code": T2, **T2_FIGURES}]
    assert sum(county["by_status"].values()) == 34 and county["targets"]["grassroots_rate"] == 0.9

    township = mediation.mediation.targets(T1, SINCE, UNTIL, AS_OF)
    assert figures(township) == T1_FIGURES
    assert by_area(township) == [{"area_code": V11, **V11_FIGURES}, {"area_code": V12, **V12_FIGURES}]

    village = mediation.mediation.targets(V11, SINCE, UNTIL, AS_OF)
    assert figures(village) == V11_FIGURES
    assert by_area(village) == [{"area_code": G111, **G111_FIGURES}]


def test_an_as_of_without_an_offset_is_local_time(mediation):
    found = mediation.mediation.targets(None, SINCE, UNTIL, "2026-04-10T00:00:00")
    assert figures(found) == COUNTY_FIGURES
    # Half a day later in local time, row 19 (due exactly at NOW) is overdue: one more in every denominator.
    later = mediation.mediation.targets(V12, SINCE, UNTIL, "2026-04-10T12:00:00")
    assert (later["overdue"], later["grassroots_rate"], later["success_rate"]) == (3, 0.25, 0.5)
    # 2/8; the success rate stays 3/6 because row 19 was never accepted


def test_the_period_bounds_are_local_days_start_included_end_excluded(mediation):
    wider = mediation.mediation.targets(None, "2026-02-28", "2026-04-02", AS_OF)
    assert (wider["registered"], wider["resolved"], wider["major"]) == (36, 15, 12)
    first_day = mediation.mediation.targets(None, SINCE, "2026-03-02", AS_OF)
    # registered on day 0 (rows 1, 13, 22, 23): three concluded, 22 open past its limit
    assert (first_day["registered"], first_day["concluded"], first_day["overdue"]) == (4, 3, 1)


def test_a_township_sees_its_own_township_only(mediation):
    with rpc(OTHER_TOWNSHIP) as town:
        own = town.mediation.targets(None, SINCE, UNTIL, AS_OF)
        assert own["area_code"] == T2 and figures(own) == T2_FIGURES
        assert T1 not in {a["area_code"] for a in own["by_area"]}
        for elsewhere in (T1, V11, "500229"):
            with pytest.raises(NotFound) as refused:
                town.mediation.targets(elsewhere, SINCE, UNTIL, AS_OF)
            assert refused.value.field == "area_code"


@pytest.mark.parametrize("since, until, as_of, field", [
    ("", UNTIL, AS_OF, "since"),
    ("2026-13-01", UNTIL, AS_OF, "since"),
    (SINCE, "next month", AS_OF, "until"),
    (SINCE, "2026-02-01", AS_OF, "until"),
    (SINCE, SINCE, AS_OF, "until"),
    (SINCE, UNTIL, "tomorrow", "as_of"),
])
def test_bad_bounds_name_the_field(mediation, since, until, as_of, field):
    with pytest.raises(ValidationFailed) as refused:
        mediation.mediation.targets(None, since, until, as_of)
    assert refused.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)

