"""docs/places.md says what the grid service does with places: the first checklists, the key-area kinds, the
permissions and the events are the code's."""
from pathlib import Path

from services.gateway.accounts import PERMISSIONS, PLACES_ALL
from services.grid import checklists
from services.grid.api import events
from services.grid.api.places import KEY_AREA_KIND_LABELS, Subject

DOC = (Path(__file__).resolve().parents[2] / "docs" / "places.md").read_text(encoding="utf-8")
PLACE_EVENTS = (events.GovernanceCentreUpserted, events.ServiceFacilityUpserted, events.KeyAreaUpserted,
                events.InspectionRecorded, events.VideoPointStateChanged)


def test_the_first_checklists_and_the_key_area_kinds_in_the_docs_are_the_code_s():
    for subject in Subject:
        assert checklists.markdown(subject) in DOC
    for kind, label in KEY_AREA_KIND_LABELS.items():
        assert f"| `{kind.value}` | {label} |" in DOC


def test_the_permissions_and_events_in_the_docs_are_the_code_s():
    for permission in PLACES_ALL:
        roles = ", ".join(r.value for r, granted in PERMISSIONS.items() if permission in granted)
        rows = [line for line in DOC.splitlines() if line.startswith(f"| `{permission}` |")]
        assert rows and rows[0].endswith(f"| {roles} |"), permission
    for cls in PLACE_EVENTS:
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{cls.name}` |")), "")
        fields = row.rsplit("|", 2)[-2]
        named = [part.strip().split(" ")[0] for part in fields.split(",")]
        assert named == list(cls.model_fields), cls.name
