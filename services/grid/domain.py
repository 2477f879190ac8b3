"""The grid registry's rules: the area tree and its codes, grid workers, households and residents.

Plain Python on pydantic models; no I/O. Personal fields arrive here in clear text and leave through
`store.py`, which encrypts them; what leaves the service (RPC results) is masked by `present_*`.
"""
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared import idnumber, pii
from shared.errors import ValidationFailed

COUNTY_CODE = "500229"


class AreaKind(StrEnum):
    county = "county"
    town = "town"            # 镇
    township = "township"    # 乡
    street = "street"        # 街道
    village = "village"      # 村
    community = "community"  # 社区
    grid = "grid"            # 网格
    micro_grid = "micro_grid"  # 微网格


class MicroGridKind(StrEnum):
    villager_group = "villager_group"        # 村民小组
    building = "building"                    # 楼栋
    household_cluster = "household_cluster"  # 家庭（联户）


class Employment(StrEnum):
    full_time = "full_time"
    part_time = "part_time"


class Relation(StrEnum):
    head = "head"          # 户主
    spouse = "spouse"      # 配偶
    child = "child"        # 子女
    parent = "parent"      # 父母
    grandchild = "grandchild"  # 孙子女
    other = "other"        # 其他


# Each level of the tree: the kinds allowed there and the length of its code.
LEVELS = [
    ({AreaKind.county}, 6),
    ({AreaKind.town, AreaKind.township, AreaKind.street}, 9),
    ({AreaKind.village, AreaKind.community}, 12),
    ({AreaKind.grid}, 15),
    ({AreaKind.micro_grid}, 18),
]
KIND_LEVEL = {kind: level for level, (kinds, _) in enumerate(LEVELS) for kind in kinds}
CODE_LENGTH = {kind: length for kinds, length in LEVELS for kind in kinds}

KIND_LABELS = {
    AreaKind.county: "县", AreaKind.town: "镇", AreaKind.township: "乡", AreaKind.street: "街道",
    AreaKind.village: "村", AreaKind.community: "社区", AreaKind.grid: "网格", AreaKind.micro_grid: "微网格",
}
RELATION_LABELS = {
    Relation.head: "户主", Relation.spouse: "配偶", Relation.child: "子女", Relation.parent: "父母",
    Relation.grandchild: "孙子女", Relation.other: "其他",
}

Code = Annotated[str, Field(pattern=r"^\d{6}(\d{3}){0,4}$")]


Phone = pii.Phone
Name = Annotated[str, Field(min_length=1, max_length=60)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AreaIn(Model):
    code: Code
    name: Name
    kind: AreaKind
    parent_code: Code | None = None
    micro_grid_kind: MicroGridKind | None = None

    @model_validator(mode="after")
    def _code_fits_kind(self):
        if len(self.code) != CODE_LENGTH[self.kind]:
            raise ValueError(f"{KIND_LABELS[self.kind]}的区划代码应为{CODE_LENGTH[self.kind]}位")
        if self.kind == AreaKind.county:
            if self.parent_code is not None:
                raise ValueError("县级区划没有上级")
        else:
            if not self.parent_code:
                raise ValueError("缺少上级区划代码")
            if not self.code.startswith(self.parent_code) or len(self.parent_code) + 3 != len(self.code):
                raise ValueError("区划代码应以上级代码开头并多三位")
        if (self.kind == AreaKind.micro_grid) != (self.micro_grid_kind is not None):
            raise ValueError("只有微网格需要（且必须）注明类型：村民小组、楼栋或联户")
        return self


class Area(AreaIn):
    path: list[str]  # the codes of every ancestor and of itself, county first: the key of area scoping


def area_from(payload: AreaIn, parent: "Area | None") -> Area:
    """Place an area under its parent; the parent's kind must be the level right above."""
    if payload.kind == AreaKind.county:
        return Area(**payload.model_dump(), path=[payload.code])
    if parent is None:
        raise ValidationFailed("上级区划不存在", field="parent_code", code="area.parent_unknown")
    if KIND_LEVEL[parent.kind] + 1 != KIND_LEVEL[payload.kind]:
        raise ValidationFailed(
            f"{KIND_LABELS[payload.kind]}不能设在{KIND_LABELS[parent.kind]}之下",
            field="parent_code", code="area.wrong_level")
    return Area(**payload.model_dump(), path=[*parent.path, payload.code])


def validated_id_number(value: str, field: str = "id_number") -> str:
    try:
        return idnumber.validate(value)
    except idnumber.InvalidIdNumber as exc:
        raise ValidationFailed(str(exc), field=field, code="resident.id_number_invalid") from None


class GridWorkerIn(Model):
    worker_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")] | None = None  # given by imports for idempotency
    name: Name
    employment: Employment
    phone: Phone = None
    grid_codes: list[Annotated[str, Field(pattern=r"^\d{15}$")]] = []


class ResidentIn(Model):
    name: Name
    id_number: str
    relation: Relation = Relation.head
    phone: Phone = None
    religion: str | None = Field(default=None, max_length=40)
    health: str | None = Field(default=None, max_length=80)
    special_group: str | None = Field(default=None, max_length=80)
    household_id: str | None = None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value):
        try:
            return idnumber.validate(value)
        except idnumber.InvalidIdNumber as exc:
            raise ValueError(str(exc)) from None


class HouseholdIn(Model):
    household_number: Annotated[str, Field(min_length=1, max_length=30)]  # 户号, as on the household register
    micro_grid_code: Annotated[str, Field(pattern=r"^\d{18}$")]
    address: Annotated[str, Field(min_length=1, max_length=120)]
    residents: list[ResidentIn] = []

    @model_validator(mode="after")
    def _one_head(self):
        heads = sum(1 for r in self.residents if r.relation == Relation.head)
        if self.residents and heads != 1:
            raise ValueError("每户应有且只有一名户主")
        seen = set()
        for r in self.residents:
            if r.id_number in seen:
                raise ValueError("同一户中身份证号重复")
            seen.add(r.id_number)
        return self


PERSONAL_FIELDS = ("id_number", "phone", "religion", "health", "special_group")


def present_resident(resident: dict, unmasked: bool = False) -> dict:
    """What a caller sees of a resident: personal fields masked unless the caller may and asked to see them."""
    out = {k: v for k, v in resident.items() if k not in PERSONAL_FIELDS}
    out["name"] = resident["name"] if unmasked else pii.mask_name(resident["name"])
    out["id_number"] = resident["id_number"] if unmasked else pii.mask_id_number(resident["id_number"])
    out["phone"] = resident.get("phone") if unmasked else pii.mask_phone(resident.get("phone"))
    for field in ("religion", "health", "special_group"):
        value = resident.get(field)
        out[field] = value if unmasked else ("***" if value else None)
    return out


def resident_facts(id_number: str) -> dict:
    """What the ID number says openly enough to keep in clear: gender and birth year (for age statistics)."""
    born: date = idnumber.birth_date(id_number)
    return {"gender": idnumber.gender(id_number), "birth_year": born.year}
