"""The demo places of the whole county, judged by the same rules the service applies: every centre and facility
is there, the rates are the believable ones (~96% standardised, ~90% up to standard, ~97% covered), and a seed
always gives the same places."""
import random
from datetime import datetime, timedelta, timezone

import pytest

from services.grid import checklists, demo_places, places
from services.grid.places import Subject
from shared import demo_county

NOW = datetime(2026, 6, 30, 4, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def county():
    rng = random.Random(500229)
    areas = demo_county.area_tree(rng, demo_county.TOWNSHIPS, demo_county.village_counts(rng),
                                  grids=(1, 1), micro_grids=(1, 1))
    return areas, demo_places.generate(areas, NOW)


def latest_state(data, subject: Subject, place_id: str, level):
    mine = [i for i in data["inspections"] if i["place_id"] == place_id]
    if not mine:
        return False
    latest = max(mine, key=lambda i: i["inspected_at"])
    checklist = {"version": 1, "items": checklists.DEFAULT_ITEMS[subject]}
    inspection = {"_id": "x", "checklist_version": 1, "inspected_at": latest["inspected_at"],
                  "results": [{"code": i["code"], "passed": i["code"] not in latest["failed"]}
                              for i in places.applicable(checklist["items"], level)]}
    return places.place_state(checklist, level, inspection, True)["ok"]


def test_every_area_has_its_centre_and_every_village_its_facility(county):
    areas, data = county
    assert len(data["centres"]) == 1 + 25 + 204 and len(data["facilities"]) == 204
    assert len({c["area_code"] for c in data["centres"]}) == 230


def test_the_demo_rates_are_believable(county):
    areas, data = county
    kinds = {a["code"]: a["kind"] for a in areas}
    standardised = [latest_state(data, Subject.governance_centre, "GC" + c["area_code"],
                                 places.AREA_LEVEL[kinds[c["area_code"]]].value) for c in data["centres"]]
    up_to_standard = [latest_state(data, Subject.service_facility, "SF" + f["village_code"], None)
                      for f in data["facilities"]]
    assert 0.95 <= sum(standardised) / len(standardised) <= 0.97
    assert 0.88 <= sum(up_to_standard) / len(up_to_standard) <= 0.92
    key_areas: dict[tuple, list] = {}
    for row in data["key_areas"]:
        key_areas.setdefault((row["area_code"], row["name"]), []).append(
            {"online": row["online"] == "在线", "checked_at": row["checked_at"], "active": True})
    covered = [places.coverage(points, NOW, timedelta(days=7))["covered"] for points in key_areas.values()]
    assert 0.95 <= sum(covered) / len(covered) <= 0.99 and len(covered) > 250


def test_video_point_codes_are_unique_twenty_digit_codes(county):
    codes = [r["point_code"] for r in county[1]["key_areas"]]
    assert len(codes) == len(set(codes)) and all(len(c) == 20 and c.isdigit() for c in codes)


def test_a_seed_always_gives_the_same_places(county):
    areas, data = county
    assert demo_places.generate(areas, NOW) == data
    assert demo_places.generate(areas, NOW, seed=1) != data
