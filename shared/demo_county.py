"""The demo county every service's demo loader fills: Chengkou's real townships and streets (with this project's
own codes, following the statistical pattern: streets 0xx, towns 1xx, townships 2xx; communities 0xx, villages
2xx), an invented tree of villages, grids and micro-grids, and made-up people's names, ID numbers and phones.

Everything comes from a `random.Random` the caller seeds, so a seed always gives the same county: the grid's demo
registers it, and the other services' demos work on the same areas without asking the grid. Phones use the
170/171 virtual-operator prefixes; ID numbers are built with `idnumber.make`.
"""
import random
from datetime import date, timedelta
from typing import NamedTuple

from shared import idnumber

COUNTY_CODE = "500229"
COUNTY_NAME = "城口县"
VILLAGES_IN_COUNTY = 204


class Township(NamedTuple):
    code: str
    name: str
    kind: str  # street, town or township


def _townships() -> list[Township]:
    streets = ["葛城街道", "复兴街道"]
    towns = ["高燕镇", "巴山镇", "坪坝镇", "修齐镇", "庙坝镇", "明通镇", "高观镇", "高楠镇", "咸宜镇", "东安镇"]
    townships = ["蓼子乡", "左岚乡", "北屏乡", "双河乡", "沿河乡", "厚坪乡", "治平乡", "岚天乡", "周溪乡", "河鱼乡",
                 "明中乡", "龙田乡", "鸡鸣乡"]
    return ([Township(f"{COUNTY_CODE}{i:03d}", n, "street") for i, n in enumerate(streets, 1)]
            + [Township(f"{COUNTY_CODE}{100 + i:03d}", n, "town") for i, n in enumerate(towns, 1)]
            + [Township(f"{COUNTY_CODE}{200 + i:03d}", n, "township") for i, n in enumerate(townships, 1)])


TOWNSHIPS = _townships()

_PLACE_FIRST = "青白红黄金银石龙凤桃柳松竹梨茶枫杉柏兴和安平丰新太长高双清云月"
_PLACE_SECOND = "坪坝岭溪湾河山林园台坡沟垭岩塘桥岗田"
SURNAMES = ("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗向谭冉余彭唐邓蒋袁冯曾程蔡廖杜熊汪田任姚"
            "谢邹秦雷龚贺钟梁")
_MALE_CHARS = "明华强军平伟勇刚建国志林波斌涛峰杰鹏超浩宇俊洪海文德福贵成才兴富春松"
_FEMALE_CHARS = "芳兰英秀梅华玲霞燕丽琴敏静婷娟红萍艳莉倩雪琳悦欣怡菊桂凤翠玉"


class Registry:
    """Hands out ID numbers and phones that have not been handed out before."""

    def __init__(self):
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()

    def reserve(self, id_number: str) -> None:
        self.id_numbers.add(id_number)

    def id_number(self, rng: random.Random, born: date, male: bool) -> str:
        # The sequence digit's parity carries the gender: odd for men, even for women.
        for _ in range(200):
            value = idnumber.make(COUNTY_CODE, born, rng.randrange(1 if male else 2, 1000, 2))
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value
        return self.id_number(rng, born - timedelta(days=1), male)

    def phone(self, rng: random.Random) -> str:
        while True:
            value = f"{rng.choice(('170', '171'))}{rng.randrange(10 ** 8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value


def person_name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    chars = _MALE_CHARS if male else _FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return (surname or rng.choice(SURNAMES)) + given


def area_tree(rng: random.Random, townships: list[Township], villages: list[int],
              grids: tuple[int, int] = (2, 4), micro_grids: tuple[int, int] = (2, 4)) -> list[dict]:
    """The county and the given townships with `villages[i]` villages (communities under streets) each, every
    village with a number of grids and every grid with a number of micro-grids in the given ranges, as the grid's
    area records (`code`, `name`, `kind`, `parent_code`, `micro_grid_kind`). Parents come before their children."""
    pool = [a + b for a in _PLACE_FIRST for b in _PLACE_SECOND]
    place_names = iter(rng.sample(pool, sum(villages)))
    top = [_area(COUNTY_CODE, COUNTY_NAME, "county", None)]
    top += [_area(t.code, t.name, t.kind, COUNTY_CODE) for t in townships]
    below = []
    for township, count in zip(townships, villages, strict=True):
        urban = township.kind == "street"
        for v in range(count):
            suffix = "社区" if urban else "村"
            village_code = f"{township.code}{(1 if urban else 200) + v:03d}"
            village_name = next(place_names) + suffix
            below.append(_area(village_code, village_name, "community" if urban else "village", township.code))
            unit = 0  # villager groups and buildings are numbered through the whole village
            for g in range(1, rng.randint(*grids) + 1):
                grid_code = f"{village_code}{g:03d}"
                below.append(_area(grid_code, f"{village_name}第{g}网格", "grid", village_code))
                for m in range(1, rng.randint(*micro_grids) + 1):
                    unit += 1
                    name, kind = ((f"{unit}号楼", "building") if urban else (f"第{unit}村民小组", "villager_group"))
                    below.append(_area(f"{grid_code}{m:03d}", name, "micro_grid", grid_code, kind))
    return top + below


def _area(code: str, name: str, kind: str, parent_code: str | None, micro_grid_kind: str | None = None) -> dict:
    return {"code": code, "name": name, "kind": kind, "parent_code": parent_code,
            "micro_grid_kind": micro_grid_kind}


def village_counts(rng: random.Random, total: int = VILLAGES_IN_COUNTY) -> list[int]:
    """How many villages each township has, adding up to `total`."""
    counts = [rng.randint(5, 11) for _ in TOWNSHIPS]
    while sum(counts) != total:
        i = rng.randrange(len(counts))
        step = 1 if sum(counts) < total else -1
        if 4 <= counts[i] + step <= 14:
            counts[i] += step
    return counts


def county_areas(rng: random.Random) -> list[dict]:
    """The whole demo county's area tree, drawn from `rng` (the grid's demo draws its people from it next)."""
    return area_tree(rng, TOWNSHIPS, village_counts(rng))


def areas(seed: int = 500229) -> list[dict]:
    """The demo county's areas for a seed: the same the grid's demo registers with that seed."""
    return county_areas(random.Random(seed))
