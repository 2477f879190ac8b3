"""Realistic Chengkou test data, built on the demo generator so that tests and demo agree on codes and shapes.

ID numbers and phones come from one registry for the whole test process, so two calls never collide.
"""
import base64
import itertools
import random
from datetime import date, timedelta

from services.grid import demo, importing
from services.grid.api.codes import AreaKind, Employment
from shared import demo_county, idnumber
from shared.demo_county import COUNTY_CODE

_registry = demo_county.Registry()
_rng = random.Random(int(COUNTY_CODE))
_household_serial = itertools.count(1)
_worker_serial = itertools.count(1)


def chengkou_areas(townships: int = 1, villages: int = 1, grids: int = 1, micro_grids: int = 2,
                   names: list[str] | None = None) -> list[dict]:
    """The county, the first `townships` of its real townships (or those named), and below each the given numbers
    of villages (communities under a street), grids and micro-grids. Parents come first; codes are stable.

    chengkou_areas() → 城口县 500229, 葛城街道 500229001, a community 500229001001, its grid 500229001001001 and
    micro-grids 500229001001001001 and …002.
    """
    chosen = [t for t in demo_county.TOWNSHIPS if t.name in names] if names else demo_county.TOWNSHIPS[:townships]
    return demo_county.area_tree(random.Random(0), chosen, [villages] * len(chosen),
                          grids=(grids, grids), micro_grids=(micro_grids, micro_grids))


def codes(areas: list[dict], kind: AreaKind | str = AreaKind.micro_grid) -> list[str]:
    return [a["code"] for a in areas if a["kind"] == kind]


def id_number(seq: int, born: date = date(1980, 1, 1)) -> str:
    """A valid ID number; sequences past 999 move on to the next birth days."""
    value = idnumber.make(COUNTY_CODE, born + timedelta(days=seq // 1000), seq % 1000)
    _registry.reserve(value)
    return value


def household(micro_grid_code: str, n_residents: int = 3, seed: int | None = None,
              household_number: str | None = None, address: str | None = None) -> dict:
    """A HouseholdIn-shaped dict: one head, relations and ages that fit, ID numbers unique in this process."""
    rng = random.Random(seed) if seed is not None else _rng
    serial = next(_household_serial)
    return {
        "household_number": household_number or f"{COUNTY_CODE}-T{serial:05d}",
        "micro_grid_code": micro_grid_code,
        "address": address or f"城口县第{int(micro_grid_code[-3:])}村民小组{serial}号",
        "residents": demo.make_residents(rng, n_residents, _registry),
    }


def households(micro_grid_codes: list[str], count: int = 3, seed: int | None = None) -> list[dict]:
    rng = random.Random(seed) if seed is not None else _rng
    return [household(micro_grid_codes[i % len(micro_grid_codes)], rng.randint(1, 5), seed=rng.randrange(10 ** 9))
            for i in range(count)]


def rows(micro_grid_codes: list[str], count: int = 3, seed: int | None = None) -> list[dict]:
    """Spreadsheet rows (field names, Chinese relation labels) for `count` new households."""
    return importing.to_rows(households(micro_grid_codes, count, seed))


def grid_worker(grid_codes: list[str], employment: Employment | str = Employment.full_time,
                worker_id: str | None = None) -> dict:
    serial = next(_worker_serial)
    return {
        "worker_id": worker_id or f"GWT{serial:04d}",
        "name": demo_county.person_name(_rng, _rng.random() < 0.5),
        "employment": Employment(employment).value,
        "phone": _registry.phone(_rng),
        "grid_codes": list(grid_codes),
    }


# A real 1×1 PNG: photo uploads are checked by their first bytes.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def inspection(checklist_items: list[dict], level: str | None = None, failing=(), **extra) -> dict:
    """An InspectionIn-shaped dict judging every item of the checklist that applies at `level`: passed, except
    the codes in `failing`."""
    from services.grid.places import applicable

    return {"results": [{"code": i["code"], "passed": i["code"] not in failing}
                        for i in applicable(checklist_items, level)], **extra}


def video_point_code(serial: int) -> str:
    """A 20-digit device code in the national video-network style: county, unit, camera type, serial."""
    return f"{COUNTY_CODE}00001320{serial:06d}"


def emergency_plan(area_code: str, shelter_areas: list[str], hazard: str = "flood", title: str | None = None,
                   reviewed_on: str | None = None) -> dict:
    """A PlanIn-shaped plan of a township (or village), the demo's (services/emergency/demo.py): checks from level IV,
    evacuation and materials from III, road closures from II, hourly reports per village, a watch per grid, and a
    shelter in each of the areas given (ids `S` + the area code's last six digits)."""
    from services.emergency import demo as emergency_demo

    names = {t.code: t.name for t in demo_county.TOWNSHIPS}
    plan = emergency_demo.plan_for({"code": area_code, "name": names.get(area_code, "城口县")},
                                   [{"code": code, "name": "村"} for code in shelter_areas], random.Random(area_code),
                                   hazard)
    plan["shelters"] += [{"shelter_id": f"S{code[-6:]}", "name": "村委会安置点", "area_code": code, "capacity": 120}
                         for code in shelter_areas[3:]]
    if title:
        plan["title"] = title
    if reviewed_on:
        plan["reviewed_on"] = reviewed_on
    return plan
