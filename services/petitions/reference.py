"""The petitions office's reference data for the console's forms and the docs: the published codes with their
labels, the statutory clocks and the transition table."""
from . import clocks
from .api.codes import CATEGORIES, CHANNEL_LABELS, STATUS_LABELS, SUPERVISION_LABELS, UNITS, VISIT_LABELS, WORKFLOW


def reference() -> dict:
    return {"channels": {str(k): v for k, v in CHANNEL_LABELS.items()}, "categories": CATEGORIES,
            "units": list(UNITS), "visit_kinds": {str(k): v for k, v in VISIT_LABELS.items()},
            "supervision_levels": {str(k): v for k, v in SUPERVISION_LABELS.items()},
            "clocks": [{"clock": c.name, "label": c.label, "days": c.days, "day_kind": c.day_kind.value,
                        "duty": c.duty, "basis": c.basis} for c in clocks.CLOCKS],
            "workflow": WORKFLOW.table(), "statuses": {str(k): v for k, v in STATUS_LABELS.items()}}
