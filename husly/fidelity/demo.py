"""Demo: the Housing First team's self-assessments for the last two years, the second one
lower on a few items, so the result page has a change to show and a place it slipped."""

import datetime

from django.utils import timezone

from husly.fidelity import services
from husly.fidelity.models import FidelityItem

# The first year's score per domain key, item by item (cycled over the domain's items).
FIRST_YEAR = {"housing": (3, 4, 2, 3, 4, 4, 3), "separation": (4, 4, 3, 4, 3),
              "philosophy": (3, 4, 4, 3, 2, 4, 3), "array": (4, 3, 3, 2, 3, 2),
              "team": (3, 4, 2, 1, 2)}
# (domain key, item place) -> the second year's score: where the team slipped or gained.
SECOND_YEAR_CHANGES = {("housing", 2): 2, ("housing", 3): 1, ("philosophy", 5): 3,
                       ("team", 1): 2, ("array", 4): 3, ("separation", 4): 2}
COMMENTS = {
    ("housing", 2): ("Innflytting innen fire uker for de fleste.",
                     "Ventetiden økte i høst: for få ledige boliger."),
    ("housing", 3): ("", "Private utleiere trakk seg; vi har færre boliger å tilby."),
    ("team", 1): ("", "To stillinger sto vakante i et halvt år."),
    ("philosophy", 5): ("", "Alle i teamet har tatt kurs i motiverende intervju."),
}


def fidelity_demo(municipality, team, leader) -> list:
    """Completed assessments for the team for the last two years (before this one)."""
    services.fidelity_items_ensure(municipality=municipality)
    items = list(FidelityItem.objects.filter(municipality=municipality, active=True)
                 .select_related("domain").order_by("domain__order", "order", "id"))
    this_year = timezone.localdate().year
    made = []
    for n, year in enumerate((this_year - 2, this_year - 1)):
        assessment = services.fidelity_assessment_start(
            team=team, year=year, by=leader, assessed_on=datetime.date(year, 11, 20))
        scores = {}
        for item in items:
            key = (item.domain.key, item.order)
            cycle = FIRST_YEAR.get(item.domain.key, (3,))
            score = cycle[(item.order - 1) % len(cycle)]
            if n == 1:
                score = SECOND_YEAR_CHANGES.get(key, score)
            comment = COMMENTS.get(key, ("", ""))[n]
            scores[item.pk] = (max(item.scale_min, min(item.scale_max, score)), comment)
        services.fidelity_scores_save(assessment=assessment, scores=scores, by=leader)
        made.append(services.fidelity_assessment_complete(assessment=assessment, by=leader))
    return made
