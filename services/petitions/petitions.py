"""A petition's transition table: registration, transfer and assignment (转送、交办), the receiving unit's answer
(受理、不予受理、异议), handling with its extension, the reply, review (复查) and second review (复核), conversion to
mediation. The table itself is published in api.codes and enforced only by shared.workflow; the clocks that run
between these moves are in clocks.py."""
from .api.codes import PetitionStatus

S = PetitionStatus
OPEN = frozenset(S) - {S.not_accepted, S.concluded, S.converted}
CLOSED = frozenset(S) - OPEN


# The moment each move records in the petition's `times`, which the clocks read.
MOMENTS = {"forward": "forwarded", "transfer": "forwarded", "object": "objected", "accept": "accepted",
           "decline": "declined", "reply": "replied", "request_review": "review_requested",
           "decide_review": "reviewed", "request_re_review": "re_review_requested",
           "decide_re_review": "re_reviewed", "conclude": "concluded", "convert_to_mediation": "converted",
           "conclude_mediated": "concluded"}


