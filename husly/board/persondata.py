"""The board's person data: the red board and the team's reviews (husly.common.persondata).
Both are records from psychosocial care, which archive rules require kept."""

from django.utils.translation import gettext_lazy as _

from husly.board.models import RedBoardEntry, Review
from husly.common.models import Category
from husly.common.persondata import PersonData, register

register(PersonData(
    model=RedBoardEntry, key="red_board", title=_("Red board"), order=130,
    resident="resident", category=Category.FOLLOWUP,
    fields=("put_on_at", "reason_on", "taken_off_at", "reason_off"),
    kept_for_archive=True,
))

register(PersonData(
    model=Review, key="reviews", title=_("Team reviews"), order=140,
    resident="resident", category=Category.FOLLOWUP,
    fields=("held_on", "what_matters_now", "next_steps"),
    kept_for_archive=True,
))
