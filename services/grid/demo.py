"""Synthetic demo data for Chengkou County: the demo county's areas (`shared.demo_county`: the real townships
and streets, invented villages, grids and micro-grids), grid workers, households and residents.

Everything comes from one `random.Random(seed)`, so a seed always gives the same county. Every person, ID number
and phone is made up.

    python -m services.grid.demo --load                 # upsert everything into the running grid service
    python -m services.grid.demo --xlsx 户籍人口.xlsx    # the households as a county-style spreadsheet
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from shared.demo_county import COUNTY_CODE, SURNAMES, Registry, county_areas, person_name

from .api.codes import AreaKind, Employment, MicroGridKind, Relation

# Ages are counted from a fixed day, not today, so that a seed gives the same data next year too.
AS_OF = date(2025, 7, 1)
IMPORT_BATCH = 500


@dataclass
class DemoData:
    areas: list[dict] = field(default_factory=list)
    grid_workers: list[dict] = field(default_factory=list)
    households: list[dict] = field(default_factory=list)

    def area_names(self) -> dict[str, str]:
        return {a["code"]: a["name"] for a in self.areas}


def _born(rng: random.Random, age: int, as_of: date) -> date:
    return as_of - timedelta(days=age * 365 + rng.randint(0, 364))


def make_residents(rng: random.Random, size: int, registry: Registry, as_of: date = AS_OF) -> list[dict]:
    """One household's residents, head first, with ages that fit their relation to the head."""
    if size < 1:
        raise ValueError("a household has at least one resident")
    if size == 1:
        head_age = rng.randint(60, 90) if rng.random() < 0.6 else rng.randint(25, 59)
    else:
        head_age = rng.randint(28, 80)
    head_male = rng.random() < 0.75
    head_surname = rng.choice(SURNAMES)
    people = [(Relation.head, head_age, head_male, head_surname)]
    family_surname = head_surname
    if size >= 2 and rng.random() < 0.85:
        spouse_surname = rng.choice(SURNAMES)
        people.append((Relation.spouse, max(20, head_age + rng.randint(-6, 4)), not head_male, spouse_surname))
        if not head_male:
            family_surname = spouse_surname
    parents = 0
    while len(people) < size:
        if head_age >= 55:
            relation = rng.choices([Relation.child, Relation.grandchild, Relation.other], [5, 4, 0.3])[0]
        else:
            weights = [7, 2 if parents < 2 else 0, 0.3]
            relation = rng.choices([Relation.child, Relation.parent, Relation.other], weights)[0]
        male = rng.random() < 0.5
        surname = family_surname
        if relation == Relation.child:
            age = rng.randint(max(0, head_age - 38), max(0, head_age - 20))
        elif relation == Relation.grandchild:
            age = rng.randint(max(0, head_age - 60), max(0, head_age - 45))
        elif relation == Relation.parent:
            parents += 1
            age = min(98, head_age + rng.randint(20, 32))
            male = parents == 1 and rng.random() < 0.6
            surname = head_surname if male else rng.choice(SURNAMES)
        else:
            age = rng.randint(10, 70)
            surname = rng.choice(SURNAMES)
        people.append((relation, age, male, surname))

    residents = []
    for relation, age, male, surname in people:
        born = _born(rng, age, as_of)
        adult = age >= 18
        resident = {
            "name": person_name(rng, male, surname),
            "id_number": registry.id_number(rng, born, male),
            "relation": relation.value,
            "phone": registry.phone(rng) if adult and rng.random() < (0.9 if age < 70 else 0.5) else None,
            "religion": _religion(rng) if adult else None,
            "health": _health(rng, age),
            "special_group": _special_group(rng, relation, age, size, people),
        }
        residents.append(resident)
    return residents


def _religion(rng: random.Random) -> str | None:
    draw = rng.random()
    if draw < 0.03:
        return "佛教"
    if draw < 0.035:
        return "道教"
    if draw < 0.04:
        return "基督教"
    return None


def _health(rng: random.Random, age: int) -> str | None:
    draw = rng.random()
    if age >= 60 and draw < 0.25:
        return "慢性病"
    if draw < 0.02:
        return "大病"
    return None


def _special_group(rng: random.Random, relation: Relation, age: int, size: int, people: list) -> str | None:
    if size == 1 and age >= 65 and rng.random() < 0.8:
        return "独居老人"
    if size == 2 and age >= 65 and all(p[1] >= 65 for p in people) and rng.random() < 0.5:
        return "空巢老人"
    if relation == Relation.grandchild and age < 16 and rng.random() < 0.5:
        return "留守儿童"
    if rng.random() < 0.02:
        return "残疾人"
    return None


def _grid_workers(rng: random.Random, areas: list[dict], registry: Registry) -> list[dict]:
    grids_by_village: dict[str, list[str]] = {}
    for area in areas:
        if area["kind"] == AreaKind.grid:
            grids_by_village.setdefault(area["parent_code"], []).append(area["code"])
    workers = []
    for village_grids in grids_by_village.values():
        for grid_code in village_grids:
            workers.append((Employment.full_time, [grid_code]))
        if rng.random() < 0.5:
            covered = sorted(rng.sample(village_grids, min(len(village_grids), rng.randint(1, 2))))
            workers.append((Employment.part_time, covered))
    return [{"worker_id": f"GW{i:04d}", "name": person_name(rng, rng.random() < 0.5),
             "employment": employment.value, "phone": registry.phone(rng), "grid_codes": grid_codes}
            for i, (employment, grid_codes) in enumerate(workers, 1)]


def _household_size(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4, 5], [15, 25, 25, 20, 15])[0]


def _addresses(micro_grid: dict, names: dict[str, str], count: int, rng: random.Random) -> list[str]:
    code = micro_grid["code"]
    prefix = names[code[:9]] + names[code[:12]] + micro_grid["name"]
    if micro_grid["micro_grid_kind"] == MicroGridKind.building:
        return [f"{prefix}{n // 14 + 1}单元{(n % 14) // 2 + 1}0{n % 2 + 1}室" for n in range(count)]
    addresses, number = [], 0
    for _ in range(count):
        number += rng.randint(1, 3)
        addresses.append(f"{prefix}{number}号")
    return addresses


def generate(seed: int = 500229, households: int = 5000) -> DemoData:
    rng = random.Random(seed)
    registry = Registry()
    areas = county_areas(rng)
    workers = _grid_workers(rng, areas, registry)
    names = {a["code"]: a["name"] for a in areas}
    micro_grids = [a for a in areas if a["kind"] == AreaKind.micro_grid]
    per_micro_grid = Counter(rng.randrange(len(micro_grids)) for _ in range(households))
    result, serial = [], 0
    for index, micro_grid in enumerate(micro_grids):
        for address in _addresses(micro_grid, names, per_micro_grid[index], rng):
            serial += 1
            result.append({
                "household_number": f"{COUNTY_CODE}-{serial:06d}",
                "micro_grid_code": micro_grid["code"],
                "address": address,
                "residents": make_residents(rng, _household_size(rng), registry),
            })
    return DemoData(areas=areas, grid_workers=workers, households=result)


def load(rpc_call: Callable, data: DemoData, progress: Callable[[str], object] = print) -> None:
    """Apply the data through `rpc_call(method_name, *args)`; the grid service makes every call idempotent."""
    from .importing import to_rows

    for start in range(0, len(data.areas), 500):
        rpc_call("upsert_areas", data.areas[start:start + 500])
    progress(f"区划 {len(data.areas)} 个已写入")
    for start in range(0, len(data.grid_workers), 500):
        rpc_call("save_grid_workers", data.grid_workers[start:start + 500])
    progress(f"网格员 {len(data.grid_workers)} 名已写入")
    names = data.area_names()
    # Batches are cut by household, never by row: a household split in two would fail the one-head check.
    for start in range(0, len(data.households), IMPORT_BATCH):
        batch = data.households[start:start + IMPORT_BATCH]
        rpc_call("import_rows", to_rows(batch, names), False)
        progress(f"住户 {start + len(batch)}/{len(data.households)} 户已导入")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.grid.demo", description="城口县演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--load", action="store_true", help="写入正在运行的网格服务")
    parser.add_argument("--xlsx", metavar="PATH", help="把住户写成县里格式的 Excel 表")
    args = parser.parse_args(argv)

    data = generate(args.seed, args.households)
    print(f"区划 {len(data.areas)} 个，网格员 {len(data.grid_workers)} 名，住户 {len(data.households)} 户，"
          f"居民 {sum(len(h['residents']) for h in data.households)} 人")
    if args.xlsx:
        from .importing import to_rows, write_xlsx

        write_xlsx(to_rows(data.households, data.area_names()), args.xlsx)
        print(f"已写入 {args.xlsx}")
    if args.load:
        from nameko.standalone.rpc import ClusterRpcProxy

        from shared import config

        from . import demo_affairs

        with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600) as proxy:
            call = lambda method, *call_args: getattr(proxy.grid, method)(*call_args)  # noqa: E731
            load(call, data)
            demo_affairs.load(call, data.areas)


if __name__ == "__main__":
    main()
