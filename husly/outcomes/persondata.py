"""The outcomes app's person data: the spells without a home (the by-name list), the history
of the resident's housing situation, and what was learnt when a tenancy ended
(husly.common.persondata)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from husly.common.models import Category
from husly.common.persondata import PersonData, register
from husly.outcomes.models import HomelessEpisode, Resettlement, SituationSpell
from husly.people.models import HousingSituation


def _situation(spell, context) -> dict:
    # The spell stores the code only: the resident's choices give it its words.
    label = dict(HousingSituation.choices).get(spell.situation, spell.situation)
    return {"situation": (gettext("Housing situation"), spell.situation, str(label))}


register(PersonData(
    model=HomelessEpisode, key="homeless_episodes", title=_("Periods without a home"),
    order=42, resident="resident", category=Category.HOUSING,
    fields=("started_on", "start_kind", "ended_on", "end_kind"),
))

register(PersonData(
    model=SituationSpell, key="housing_situations", title=_("Housing situation over time"),
    order=44, resident="resident", category=Category.HOUSING,
    fields=("started_on", "ended_on"), computed=_situation,
))

register(PersonData(
    model=Resettlement, key="resettlements", title=_("After a tenancy ended"),
    order=46, resident="resident", category=Category.HOUSING,
    # The tenancy itself is in the tenancies section, with its address shown as the maker may.
    fields=("recorded_on", "what_went_wrong", "do_differently"),
    anonymise_fields=("what_went_wrong", "do_differently"),
))
