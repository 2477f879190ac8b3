"""The area scope a caller may act in, travelling with every RPC as nameko context data.

The gateway puts the caller's area codes in `scope`; services filter their own queries by it, so a record
outside the scope is not found rather than refused. No scope in the context means a trusted internal caller
(the topology job, demo loader, ops commands on the cluster), which sees everything.
"""
from dataclasses import dataclass

from shared.errors import NotFound


def area_path(code: str) -> list[str]:
    """Area codes nest by prefix (6, 9, 12, 15, 18 digits): the path of a code is its prefixes."""
    return [code[:n] for n in (6, 9, 12, 15, 18) if n <= len(code)]


@dataclass(frozen=True)
class Scope:
    codes: tuple[str, ...] | None

    @classmethod
    def from_context(cls, data: dict) -> "Scope":
        codes = data.get("scope")
        if codes is None:
            return cls(None)
        if isinstance(codes, str):
            codes = [codes]
        return cls(tuple(codes))

    @property
    def unrestricted(self) -> bool:
        return self.codes is None

    def allows(self, path: list[str]) -> bool:
        return self.codes is None or any(code in path for code in self.codes)

    def require(self, code: str, field: str) -> list[str]:
        """The path of an area the caller names; outside this scope it is not found (NotFound on `field`)."""
        path = area_path(code)
        if not self.allows(path):
            raise NotFound("区划不在辖区内", field=field, code="area.not_found")
        return path

    def query(self, field: str = "area_path") -> dict:
        """A Mongo filter restricting `field` (the list of a record's area codes) to this scope."""
        return {} if self.codes is None else {field: {"$in": list(self.codes)}}

    def within(self, area_code: str | None, field: str = "area_path") -> dict:
        """This scope, narrowed to one area when a list asks for it (still nothing outside the scope)."""
        query = self.query(field)
        if not area_code:
            return query
        return {"$and": [query, {field: area_code}]} if query else {field: area_code}
