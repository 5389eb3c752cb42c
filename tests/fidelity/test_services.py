"""The fidelity self-assessment's rules: the default items, the scale, one per team and
year, completion, reopening and editing items."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from husly.common.models import DomainEvent
from husly.fidelity import services
from husly.fidelity.defaults import DEFAULT_ITEMS
from husly.fidelity.models import (
    AssessmentStatus,
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityScore,
)
from tests.factories import TeamFactory

YEAR = 2026
NOW = datetime.datetime(YEAR, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _items(municipality):
    return list(FidelityItem.objects.filter(municipality=municipality, active=True)
                .order_by("domain__order", "order", "id"))


def _score_all(assessment, value=3, by=None):
    scores = {item.pk: (value, "") for item in _items(assessment.municipality)}
    return services.fidelity_scores_save(assessment=assessment, scores=scores, by=by)


def test_items_are_seeded_once_in_the_municipalitys_written_language(municipality,
                                                                     other_municipality):
    # Given two municipalities, one writing bokmål and one nynorsk
    # When each opens the fidelity pages (twice)
    assert services.fidelity_items_ensure(municipality=municipality) is True
    assert services.fidelity_items_ensure(municipality=municipality) is False
    services.fidelity_items_ensure(municipality=other_municipality)
    # Then each has the five domains and every default item once, in its own language
    expected = sum(len(items) for _key, _names, items in DEFAULT_ITEMS)
    assert 25 <= expected <= 30
    assert FidelityItem.objects.filter(municipality=municipality).count() == expected
    assert FidelityDomain.objects.filter(municipality=municipality).count() == 5
    nb = list(FidelityDomain.objects.filter(municipality=municipality).values_list("name",
                                                                                   flat=True))
    nn = list(FidelityDomain.objects.filter(municipality=other_municipality)
              .values_list("name", flat=True))
    assert nb == [names["nb"] for _key, names, _items in DEFAULT_ITEMS]
    assert nn == [names["nn"] for _key, names, _items in DEFAULT_ITEMS]
    first_nn = FidelityItem.objects.filter(municipality=other_municipality).first()
    assert first_nn.text == DEFAULT_ITEMS[0][2][0]["nn"]
    assert (first_nn.scale_min, first_nn.scale_max) == (1, 4)
    assert DomainEvent.objects.filter(name="fidelity.items_seeded").count() == 2


def test_one_assessment_per_team_and_year(team, make_staff):
    # Given this year's assessment of a team
    leader = make_staff("team_leader", team=team)
    services.fidelity_assessment_start(team=team, year=YEAR, by=leader)
    # When the leader starts another for the same year: refused, saying what to do
    with pytest.raises(ValidationError) as refused:
        services.fidelity_assessment_start(team=team, year=YEAR, by=leader)
    assert "2026" in str(refused.value) and team.name in str(refused.value)
    # And the database holds the same rule
    with pytest.raises(IntegrityError), transaction.atomic():
        FidelityAssessment.objects.create(municipality=team.municipality, team=team, year=YEAR,
                                          assessed_on=NOW.date())
    # Then last year and another team are fine
    services.fidelity_assessment_start(team=team, year=YEAR - 1, by=leader)
    other = TeamFactory(municipality=team.municipality, name="Team Vest")
    services.fidelity_assessment_start(team=other, year=YEAR, by=leader)
    assert FidelityAssessment.objects.count() == 3


def test_a_future_year_is_refused(team):
    with pytest.raises(ValidationError) as refused:
        services.fidelity_assessment_start(team=team, year=YEAR + 1, by=None)
    assert "year" in refused.value.error_dict


def test_a_score_outside_the_items_scale_is_refused_with_the_item_named(team):
    # Given a draft with the default 1–4 items
    assessment = services.fidelity_assessment_start(team=team, year=YEAR, by=None)
    first, second = _items(team.municipality)[:2]
    # When one score is 5 and another 0
    for bad in (5, 0):
        with pytest.raises(ValidationError) as refused:
            services.fidelity_scores_save(assessment=assessment,
                                          scores={first.pk: (3, ""), second.pk: (bad, "")},
                                          by=None)
        # Then it is refused, naming the item and the scale, and nothing is saved
        message = " ".join(refused.value.messages)
        assert second.text in message and "1" in message and "4" in message
        assert str(bad) in message
        assert not FidelityScore.objects.exists()


def test_an_item_with_its_own_scale_is_checked_against_it(team):
    assessment = services.fidelity_assessment_start(team=team, year=YEAR, by=None)
    item = _items(team.municipality)[0]
    FidelityItem.objects.filter(pk=item.pk).update(scale_min=0, scale_max=2)
    services.fidelity_scores_save(assessment=assessment, scores={item.pk: (0, "")}, by=None)
    with pytest.raises(ValidationError):
        services.fidelity_scores_save(assessment=assessment, scores={item.pk: (3, "")},
                                      by=None)
    assert FidelityScore.objects.get().score == 0


def test_completing_requires_every_active_item_and_lists_what_is_missing(team, make_staff):
    # Given a draft where all but two items are scored
    leader = make_staff("team_leader", team=team)
    assessment = services.fidelity_assessment_start(team=team, year=YEAR, by=leader)
    items = _items(team.municipality)
    unscored = items[-2:]
    services.fidelity_scores_save(
        assessment=assessment, scores={i.pk: (3, "") for i in items[:-2]}, by=leader)
    # When the leader completes it: refused, naming the two items
    with pytest.raises(ValidationError) as refused:
        services.fidelity_assessment_complete(assessment=assessment, by=leader)
    message = " ".join(refused.value.messages)
    assert all(i.text in message for i in unscored)
    assert items[0].text not in message
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    # Then with the last two scored it completes
    services.fidelity_scores_save(assessment=assessment,
                                  scores={i.pk: (2, "Ok") for i in unscored}, by=leader)
    services.fidelity_assessment_complete(assessment=assessment, by=leader)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    assert assessment.completed_by == leader and assessment.completed_at is not None
    assert DomainEvent.objects.filter(name="fidelity.assessment_completed").count() == 1


def test_a_completed_assessment_is_not_changed_until_reopened(team):
    assessment = services.fidelity_assessment_start(team=team, year=YEAR, by=None)
    _score_all(assessment)
    services.fidelity_assessment_complete(assessment=assessment, by=None)
    item = _items(team.municipality)[0]
    with pytest.raises(ValidationError):
        services.fidelity_scores_save(assessment=assessment, scores={item.pk: (1, "")},
                                      by=None)
    services.fidelity_assessment_reopen(assessment=assessment, by=None)
    services.fidelity_scores_save(assessment=assessment, scores={item.pk: (1, "")}, by=None)
    assert FidelityScore.objects.get(assessment=assessment, item=item).score == 1
    with pytest.raises(ValidationError):
        services.fidelity_assessment_reopen(assessment=assessment, by=None)


def test_a_retired_item_is_not_required_and_old_scores_keep_their_text(team):
    # Given last year's completed assessment
    last = services.fidelity_assessment_start(team=team, year=YEAR - 1, by=None)
    _score_all(last)
    services.fidelity_assessment_complete(assessment=last, by=None)
    item = _items(team.municipality)[0]
    old_text = item.text
    # When the leader rewrites one item and retires another
    services.fidelity_item_update(item=item, text="Ny tekst om valg av bolig", order=1,
                                  active=True, by=None)
    retired = _items(team.municipality)[1]
    services.fidelity_item_update(item=retired, text=retired.text, order=retired.order,
                                  active=False, by=None)
    # Then last year's scores read as they were given
    assert FidelityScore.objects.get(assessment=last, item=item).item_text == old_text
    # And this year's assessment completes without the retired item, and refuses a score for it
    now = services.fidelity_assessment_start(team=team, year=YEAR, by=None)
    _score_all(now)
    with pytest.raises(ValidationError):
        services.fidelity_scores_save(assessment=now, scores={retired.pk: (3, "")}, by=None)
    services.fidelity_assessment_complete(assessment=now, by=None)
    assert not FidelityScore.objects.filter(assessment=now, item=retired).exists()
    assert FidelityScore.objects.get(assessment=now, item=item).item_text.startswith("Ny tekst")


def test_item_create_and_update_refuse_empty_text_and_other_municipalities(
        municipality, other_municipality):
    services.fidelity_items_ensure(municipality=municipality)
    services.fidelity_items_ensure(municipality=other_municipality)
    domain = FidelityDomain.objects.filter(municipality=municipality).first()
    foreign = FidelityDomain.objects.filter(municipality=other_municipality).first()
    with pytest.raises(ValidationError) as refused:
        services.fidelity_item_create(municipality=municipality, domain=domain, text="  ",
                                      by=None)
    assert "text" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.fidelity_item_create(municipality=municipality, domain=foreign, text="X",
                                      by=None)
    item = services.fidelity_item_create(municipality=municipality, domain=domain,
                                         text=" Egen  erfaring ", order=9, by=None)
    assert item.text == "Egen erfaring" and item.active
    assert (item.scale_min, item.scale_max) == (1, 4)


def test_an_item_of_another_municipality_cannot_be_scored(team, other_municipality):
    services.fidelity_items_ensure(municipality=other_municipality)
    assessment = services.fidelity_assessment_start(team=team, year=YEAR, by=None)
    foreign = FidelityItem.objects.filter(municipality=other_municipality).first()
    with pytest.raises(ValidationError):
        services.fidelity_scores_save(assessment=assessment, scores={foreign.pk: (3, "")},
                                      by=None)


def test_a_comment_without_a_score_is_kept_in_the_draft_and_an_empty_row_removed(team):
    assessment = services.fidelity_assessment_start(team=team, year=YEAR, by=None)
    item = _items(team.municipality)[0]
    services.fidelity_scores_save(assessment=assessment, scores={item.pk: (None, "Usikker")},
                                  by=None)
    row = FidelityScore.objects.get()
    assert row.score is None and row.comment == "Usikker"
    services.fidelity_scores_save(assessment=assessment, scores={item.pk: (None, "")}, by=None)
    assert not FidelityScore.objects.exists()
