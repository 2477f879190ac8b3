"""What a petition (信访件) is made of beyond its published codes and inputs (`api/`): which categories are disputes
mediation can settle, what makes a visit collective, the order of supervision levels. Plain rules, no I/O. Names
follow the glossary: channel `online`/`letter`/`visit`/`phone`, `first_handler`, `assignment`/`supervision`,
`case_owner_leader`, visit kinds `appointment`/`reception`/`outreach`, `review` and `re_review`, `repeat`,
`hard_case`."""
from shared.scope import area_path  # noqa: F401 - the service's rules speak of it

from .api.codes import SupervisionLevel

# A petition of these categories is often a civil dispute that people's mediation can settle (the event names the
# mediation category the mediation service files it under).
DISPUTE_CATEGORIES = {"neighbour_dispute": "neighbour", "rural_affairs": "land_forest",
                      "labour_social_security": "labour", "other": "other"}


COLLECTIVE_HEADCOUNT = 5  # 五人以上为集体访


SUPERVISION_ORDER = list(SupervisionLevel)


def is_collective(petitioner_count: int, headcount: int | None) -> bool:
    return max(petitioner_count, headcount or 0) >= COLLECTIVE_HEADCOUNT


