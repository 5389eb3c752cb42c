"""Method guidance: the defaults are seeded once in the municipality's written language, the
leader's edits are recorded, and each worker's checklist is their own."""

import pytest
from django.core.exceptions import ValidationError

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.guidance import selectors, services
from husly.guidance.defaults import DEFAULT_TEXTS, FIRST_DAY_CHECKLIST, PRINCIPLES
from husly.guidance.models import ChecklistItem, ChecklistTick, GuidanceText, Place


def _text(municipality, key="weekly-visit"):
    return GuidanceText.objects.get(municipality=municipality, key=key)


def test_seeding_stores_the_defaults_once(municipality):
    # Given a municipality that has no method guidance yet
    assert not GuidanceText.objects.filter(municipality=municipality).exists()
    # When the defaults are ensured twice
    added = services.guidance_ensure(municipality=municipality)
    again = services.guidance_ensure(municipality=municipality)
    # Then every default text and checklist point is there once, and one event says so
    assert added == len(DEFAULT_TEXTS) + len(FIRST_DAY_CHECKLIST)
    assert again == 0
    assert GuidanceText.objects.filter(municipality=municipality).count() == len(DEFAULT_TEXTS)
    assert GuidanceText.objects.filter(municipality=municipality,
                                       place=Place.PRINCIPLES).count() == 8 == len(PRINCIPLES)
    assert ChecklistItem.objects.filter(municipality=municipality).count() == len(
        FIRST_DAY_CHECKLIST)
    assert DomainEvent.objects.filter(name="guidance.seeded",
                                      municipality=municipality).count() == 1


def test_seeding_uses_the_written_language_of_the_municipality(municipality,
                                                               other_municipality):
    # Given a bokmål and a nynorsk municipality
    # When both are seeded
    services.guidance_ensure(municipality=municipality)
    services.guidance_ensure(municipality=other_municipality)
    # Then each has the texts in its own written language
    assert _text(municipality).title == "Hvorfor avtalen har et ukentlig besøk"
    assert _text(other_municipality).title == "Kvifor avtalen har eit vekentleg besøk"
    nn_item = ChecklistItem.objects.get(municipality=other_municipality, key="after-hours")
    assert nn_item.text == "Vit kven du ringjer utanfor arbeidstid."


def test_seeding_again_keeps_the_leaders_edits_and_adds_only_what_is_missing(municipality,
                                                                             make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    services.guidance_ensure(municipality=municipality)
    services.guidance_text_update(text=_text(municipality), title="Vår ukentlige avtale",
                                  body="Slik gjør vi det hos oss.", by=leader)
    _text(municipality, "joint-meeting").delete()
    # When the defaults are ensured again
    added = services.guidance_ensure(municipality=municipality)
    # Then the edit stays and only the missing text comes back
    assert added == 1
    assert _text(municipality).title == "Vår ukentlige avtale"
    assert _text(municipality, "joint-meeting").place == Place.ALLOCATION


def test_the_leader_edits_a_text_and_the_edit_is_recorded(municipality, make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    services.guidance_ensure(municipality=municipality)
    text = _text(municipality)
    old_title = text.title
    # When the leader rewrites the weekly-visit text
    services.guidance_text_update(text=text, title="  Ukentlig besøk hos oss  ",
                                  body="Første avsnitt.\r\n\r\nAndre avsnitt.", by=leader)
    # Then it is saved, trimmed, stamped with who and recorded as an event with the change
    text.refresh_from_db()
    assert text.title == "Ukentlig besøk hos oss"
    assert text.body == "Første avsnitt.\n\nAndre avsnitt."
    assert text.updated_by == leader
    event = DomainEvent.objects.get(name="guidance.text_updated")
    assert event.actor == leader and event.target_id == str(text.pk)
    assert event.changes["title"] == [old_title, "Ukentlig besøk hos oss"]


def test_saving_an_unchanged_text_records_nothing(municipality, make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    services.guidance_ensure(municipality=municipality)
    text = _text(municipality)
    services.guidance_text_update(text=text, title=text.title, body=text.body, by=leader)
    assert not DomainEvent.objects.filter(name="guidance.text_updated").exists()


@pytest.mark.parametrize(("title", "body", "field"), [
    ("", "Tekst", "title"),
    ("Tittel", "   ", "body"),
    ("T" * 121, "Tekst", "title"),
    ("Tittel", "x" * 4001, "body"),
])
def test_a_text_needs_a_short_title_and_a_body(municipality, make_staff, title, body, field):
    leader = make_staff(Role.TEAM_LEADER)
    services.guidance_ensure(municipality=municipality)
    text = _text(municipality)
    with pytest.raises(ValidationError) as error:
        services.guidance_text_update(text=text, title=title, body=body, by=leader)
    assert field in error.value.error_dict
    text.refresh_from_db()
    assert text.body != body


def test_a_default_text_keeps_its_place(municipality, make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    services.guidance_ensure(municipality=municipality)
    with pytest.raises(ValidationError) as error:
        services.guidance_text_update(text=_text(municipality), title="Ny", body="Ny",
                                      place=Place.ROUTINE, by=leader)
    assert "place" in error.value.error_dict
    assert _text(municipality).place == Place.AGREEMENT


def test_the_leader_adds_routines_with_their_own_keys(municipality, make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    # When two routines with the same title are added, one shown on the agreement page
    first = services.guidance_text_create(municipality=municipality, title="Nøkkelrutine",
                                          body="Nøkler hentes hos servicetorget.",
                                          place=Place.ROUTINE, by=leader)
    second = services.guidance_text_create(municipality=municipality, title="Nøkkelrutine",
                                           body="Reservenøkkel i låst skap.",
                                           place=Place.AGREEMENT, by=leader)
    # Then each has its own key, and the second may move, unlike the defaults
    assert first.key == "nokkelrutine" and second.key == "nokkelrutine-2"
    services.guidance_text_update(text=second, title=second.title, body=second.body,
                                  place=Place.VISIT, by=leader)
    second.refresh_from_db()
    assert second.place == Place.VISIT
    assert DomainEvent.objects.filter(name="guidance.text_created").count() == 2


def test_the_principles_are_not_added_to(municipality, make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    with pytest.raises(ValidationError) as error:
        services.guidance_text_create(municipality=municipality, title="Ni", body="Tekst",
                                      place=Place.PRINCIPLES, by=leader)
    assert "place" in error.value.error_dict
    assert not GuidanceText.objects.filter(municipality=municipality).exists()


def test_guidance_for_is_scoped_to_the_municipality_and_falls_back_to_the_defaults(
        municipality, other_municipality, make_staff, django_assert_num_queries):
    leader = make_staff(Role.TEAM_LEADER)
    services.guidance_ensure(municipality=municipality)
    services.guidance_text_update(text=_text(municipality), title="Sandnes sin tekst",
                                  body="Bare i Sandnes.", by=leader)
    # When the texts for the agreement page are read for each municipality
    with django_assert_num_queries(1):
        own = selectors.guidance_for(municipality=municipality, place=Place.AGREEMENT)
    other = selectors.guidance_for(municipality=other_municipality, place=Place.AGREEMENT)
    # Then each gets its own: the unseeded one the nynorsk default, unsaved
    assert [t.title for t in own] == ["Sandnes sin tekst"]
    assert [t.title for t in other] == ["Kvifor avtalen har eit vekentleg besøk"]
    assert other[0].pk is None
    assert not GuidanceText.objects.filter(municipality=other_municipality).exists()


def test_ticks_are_per_user(municipality, make_staff):
    services.guidance_ensure(municipality=municipality)
    new_worker = make_staff(Role.FOLLOWUP_WORKER)
    colleague = make_staff(Role.FOLLOWUP_WORKER)
    first, second = ChecklistItem.objects.filter(municipality=municipality)[:2]
    # When the new worker ticks two points (one twice) and takes one back
    services.checklist_tick(item=first, user=new_worker)
    services.checklist_tick(item=first, user=new_worker)
    services.checklist_tick(item=second, user=new_worker)
    services.checklist_tick(item=second, user=new_worker, done=False)
    # Then only the first is done, for them only
    mine = selectors.checklist_for(municipality=municipality, user=new_worker)
    theirs = selectors.checklist_for(municipality=municipality, user=colleague)
    assert [i.pk for i in mine if i.ticked_at] == [first.pk]
    assert not [i for i in theirs if i.ticked_at]
    assert ChecklistTick.objects.get().municipality == municipality
    names = list(DomainEvent.objects.filter(name__startswith="guidance.checklist_")
                 .order_by("id").values_list("name", flat=True))
    assert names == ["guidance.checklist_ticked", "guidance.checklist_ticked",
                     "guidance.checklist_unticked"]


def test_a_retired_point_cannot_be_ticked_and_leaves_the_list(municipality, make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    worker = make_staff(Role.FOLLOWUP_WORKER)
    services.guidance_ensure(municipality=municipality)
    item = ChecklistItem.objects.filter(municipality=municipality).first()
    services.checklist_item_update(item=item, text=item.text, active=False, by=leader)
    with pytest.raises(ValidationError):
        services.checklist_tick(item=item, user=worker)
    assert item.pk not in [i.pk for i in selectors.checklist_for(municipality=municipality,
                                                                 user=worker)]
    assert DomainEvent.objects.filter(name="guidance.checklist_item_updated").exists()


def test_the_leader_adds_and_reorders_points(municipality, make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    services.guidance_ensure(municipality=municipality)
    # When a point is added, it comes last; moved up, it swaps with the one above
    added = services.checklist_item_create(municipality=municipality,
                                           text="Hils på vaktmesterne", by=leader)
    order = [i.pk for i in selectors.checklist_items(municipality=municipality)]
    assert order[-1] == added.pk
    services.checklist_item_move(item=added, up=True, by=leader)
    moved = [i.pk for i in selectors.checklist_items(municipality=municipality)]
    assert moved == order[:-2] + [added.pk, order[-2]]
    # And the first point cannot go further up
    first = ChecklistItem.objects.get(pk=order[0])
    with pytest.raises(ValidationError):
        services.checklist_item_move(item=first, up=True, by=leader)
    with pytest.raises(ValidationError):
        services.checklist_item_create(municipality=municipality, text="  ", by=leader)
    assert DomainEvent.objects.filter(name="guidance.checklist_item_moved").count() == 1


def test_the_leader_sees_how_far_each_one_has_come(municipality, other_municipality,
                                                   make_staff):
    services.guidance_ensure(municipality=municipality)
    services.guidance_ensure(municipality=other_municipality)
    worker = make_staff(Role.FOLLOWUP_WORKER)
    idle = make_staff(Role.NAV_COUNSELLOR)
    for item in ChecklistItem.objects.filter(municipality=municipality)[:3]:
        services.checklist_tick(item=item, user=worker)
    progress = {u.pk: u.done for u in selectors.checklist_progress(municipality=municipality)}
    assert progress == {worker.pk: 3, idle.pk: 0}
    assert not selectors.checklist_progress(municipality=other_municipality).exists()


def test_the_demo_seeds_and_ticks_three_points_for_the_follow_up_worker(municipality,
                                                                         make_staff):
    from husly.guidance.demo import guidance_demo

    staff = {"leder": make_staff(Role.TEAM_LEADER), "miljo": make_staff(Role.FOLLOWUP_WORKER)}
    guidance_demo(municipality, staff)
    guidance_demo(municipality, staff)
    assert GuidanceText.objects.filter(municipality=municipality).count() == len(DEFAULT_TEXTS)
    assert set(ChecklistTick.objects.values_list("user", flat=True)) == {staff["miljo"].pk}
    assert ChecklistTick.objects.count() == 3
