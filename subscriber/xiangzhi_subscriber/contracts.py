"""The suite's published event schemas (`contracts/events/<source>.<aggregate>.<verb>.v<N>.json`), one validator per
event type and version."""
import json
from pathlib import Path

import jsonschema


class ContractViolation(Exception):
    """A message that is not a documented event, or does not fit its schema."""


class Contracts:
    def __init__(self, schemas: dict[tuple[str, int], dict]):
        self._validators = {key: jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
                            for key, schema in schemas.items()}

    @classmethod
    def from_directory(cls, path: str | Path) -> "Contracts":
        schemas = {}
        for file in sorted(Path(path).glob("*.json")):
            schema = json.loads(file.read_text(encoding="utf-8"))
            event_type = schema["properties"]["event_type"]["const"]
            version = schema["properties"]["version"]["const"]
            schemas[(event_type, version)] = schema
        if not schemas:
            raise FileNotFoundError(f"no event schemas in {path}")
        return cls(schemas)

    @property
    def event_types(self) -> list[str]:
        return sorted({event_type for event_type, _ in self._validators})

    def check(self, envelope: dict) -> None:
        """Raise ContractViolation unless `envelope` is a documented event that fits its schema."""
        if not isinstance(envelope, dict):
            raise ContractViolation("not a JSON object")
        key = (envelope.get("event_type"), envelope.get("version"))
        validator = self._validators.get(key)
        if validator is None:
            raise ContractViolation(f"undocumented event {key[0]} v{key[1]}")
        error = jsonschema.exceptions.best_match(validator.iter_errors(envelope))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(envelope)"
            raise ContractViolation(f"{key[0]} v{key[1]} at {where}: {error.message}")
