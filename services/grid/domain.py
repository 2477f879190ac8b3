"""The grid registry's rules: the area tree and its codes, grid workers, households and residents.

Plain Python on pydantic models; no I/O. Personal fields arrive here in clear text and leave through
`store.py`, which encrypts them; what leaves the service (RPC results) is masked by `present_*`.
"""
from datetime import date

from shared import idnumber, pii
from shared.errors import ValidationFailed

from .api.codes import KIND_LABELS, AreaKind
from .api.rpc import LEVELS, AreaIn

# The level of each kind in the tree: a child's kind is the level right below its parent's.
KIND_LEVEL = {kind: level for level, (kinds, _) in enumerate(LEVELS) for kind in kinds}


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
