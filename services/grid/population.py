"""How many people live in an area, for the services that count against it (the quorum of a villagers' meeting):
households, residents, and residents aged 18 or over. Numbers only, never a person.

Only the birth year is kept in clear, so "aged 18 or over" counts everyone born in or before the year eighteen
years back, those who turn 18 later this year included: a quorum counted against it can only be harder to reach,
never easier."""
from shared import clock
from shared.errors import NotFound


def count_population(work, area_code: str) -> dict:
    code = str(area_code or "")
    work.scope.require(code, "area_code")
    if work.store.get_area(code) is None:
        raise NotFound("区划不存在", field="area_code", code="area.not_found")
    born_by = clock.now().astimezone(clock.LOCAL).year - 18
    counted = work.store.population(code, born_by)
    return {"area_code": code, **counted, "adults_born_by": born_by}
