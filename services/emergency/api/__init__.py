"""The emergency service's public face (平战转换): all that other services, the gateway and department systems may
use of it.

- `codes`: code tables with their Chinese labels (hazards, response levels, command roles, task kinds, household
  statuses) and the permissions of its routes;
- `rpc`: the models of its RPC requests;
- `events`: the events it publishes on `emergency.events`.

Everything else in `services/emergency/` is private to the service. The names below are the face's, re-exported.
"""
from .codes import *  # noqa: F401,F403 - the face is the sum of its parts
from .codes import SOURCE  # noqa: F401
from .events import (  # noqa: F401
    ActivationActivated,
    ActivationDeactivated,
    ActivationLevelChanged,
    Counts,
    DrillHeld,
    HouseholdStatusReported,
    PlanPublished,
    TaskAssigned,
)
from .rpc import (  # noqa: F401
    ActivationIn,
    CommandPost,
    Contact,
    DeactivationIn,
    ExtendIn,
    FollowUp,
    HourlyReportIn,
    HouseholdReportIn,
    LevelChangeIn,
    Material,
    PlanIn,
    Shelter,
    TaskDoneIn,
    TaskTemplate,
)
