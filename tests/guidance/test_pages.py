"""Method guidance on its own page and where the work is done: the agreement page, the visit
form and the red board show the municipality's own text, edited texts included."""

import datetime

import time_machine
from django.urls import reverse

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.followup import services as followup
from husly.guidance import services
from husly.guidance.models import ChecklistItem, ChecklistTick, GuidanceText
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 1, 7)  # a Wednesday


def _agreement(municipality, team, worker):
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=datetime.date(2025, 12, 1))
    return followup.agreement_create(resident=resident, team=team, primary_contact=worker,
                                     start_date=TODAY, visit_weekday=2, by=worker)


def _text(municipality, key):
    return GuidanceText.objects.get(municipality=municipality, key=key)


@time_machine.travel(TODAY)
def test_the_agreement_page_and_the_visit_form_explain_the_method(client, login, municipality,
                                                                  team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    agreement = _agreement(municipality, team, worker)
    login(client, worker)
    # Before anyone opened the method page, the defaults are shown
    page = client.get(reverse("followup:agreement_detail", args=[agreement.pk]))
    assert "Hvorfor avtalen har et ukentlig besøk" in page.content.decode()
    visit = agreement.visits.get(planned_on=TODAY)
    form = client.get(reverse("followup:visit_record", args=[visit.pk])).content.decode()
    assert "På det ukentlige besøket" in form
    assert 'class="ds-details husly-details" id="metode-on-the-visit"' in form


@time_machine.travel(TODAY)
def test_an_edited_text_shows_on_the_agreement_page_of_its_own_municipality_only(
        client, login, municipality, other_municipality, team, make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    agreement = _agreement(municipality, team, worker)
    services.guidance_ensure(municipality=municipality)
    services.guidance_ensure(municipality=other_municipality)
    # Given the other municipality's leader rewrote their weekly-visit text
    other = _text(other_municipality, "weekly-visit")
    services.guidance_text_update(text=other, title="Stord si veke", body="Berre på Stord.",
                                  by=None)
    # When the leader here rewrites it through the edit page
    login(client, leader)
    text = _text(municipality, "weekly-visit")
    response = client.post(reverse("guidance:text_edit", args=[text.pk]), {
        "title": "Ukentlig besøk i Sandnes", "body": "Vi kommer hver uke.\n\n<b>Alltid</b>."})
    assert response.status_code == 302
    assert DomainEvent.objects.filter(name="guidance.text_updated", actor=leader).exists()
    # Then the worker sees it on the agreement page, paragraphs kept and no HTML let through
    login(client, worker)
    body = client.get(reverse("followup:agreement_detail", args=[agreement.pk])).content.decode()
    assert "Ukentlig besøk i Sandnes" in body
    assert "<p>Vi kommer hver uke.</p>" in body and "&lt;b&gt;Alltid&lt;/b&gt;" in body
    assert "Stord si veke" not in body and "Hvorfor avtalen har" not in body


@time_machine.travel(TODAY)
def test_the_red_board_explains_shared_responsibility(client, login, municipality, team,
                                                      make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    services.guidance_ensure(municipality=municipality)
    text = _text(municipality, "red-board-shared-responsibility")
    services.guidance_text_update(text=text, title="Alle har ansvar her", body=text.body,
                                  by=leader)
    login(client, leader)
    url = reverse("board:team_board", args=[team.pk])
    body = client.get(url).content.decode()
    assert "Alle har ansvar her" in body
    # Also in the part the board refreshes with htmx, but not on the shared meeting-room screen
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "tavle"})
    assert "Alle har ansvar her" in fragment.content.decode()
    assert "Alle har ansvar her" not in client.get(url + "?motemodus=1").content.decode()


def test_a_new_worker_ticks_their_own_checklist(client, login, municipality, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER)
    colleague = make_staff(Role.FOLLOWUP_WORKER)
    login(client, worker)
    # When the new worker opens the method page for the first time, it is seeded
    home = client.get(reverse("guidance:home")).content.decode()
    assert "Bolig er en menneskerett" in home
    assert "Rutiner i Sandnes" in home or "Routines in Sandnes" in home
    first, second = ChecklistItem.objects.filter(municipality=municipality)[:2]
    # And ticks one without JavaScript and one with htmx
    response = client.post(reverse("guidance:tick", args=[first.pk]), {"done": "1"})
    assert response["Location"] == reverse("guidance:home") + "#sjekkliste"
    fragment = client.post(reverse("guidance:tick", args=[second.pk]), {"done": "1"},
                           headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and 'id="sjekkliste"' in fragment
    assert "2 av 8" in fragment
    # Then the ticks are theirs: the colleague's list is untouched
    assert set(ChecklistTick.objects.values_list("user", flat=True)) == {worker.pk}
    login(client, colleague)
    assert "0 av 8" in client.get(reverse("guidance:home")).content.decode()


def test_a_point_of_another_municipality_cannot_be_ticked(client, login, municipality,
                                                         other_municipality, make_staff):
    services.guidance_ensure(municipality=other_municipality)
    foreign = ChecklistItem.objects.filter(municipality=other_municipality).first()
    login(client, make_staff(Role.FOLLOWUP_WORKER))
    assert client.post(reverse("guidance:tick", args=[foreign.pk]),
                       {"done": "1"}).status_code == 404
    assert not ChecklistTick.objects.exists()


def test_only_the_team_leader_edits(client, login, municipality, make_staff):
    services.guidance_ensure(municipality=municipality)
    text = _text(municipality, "weekly-visit")
    login(client, make_staff(Role.FOLLOWUP_WORKER))
    response = client.post(reverse("guidance:text_edit", args=[text.pk]),
                           {"title": "Endret", "body": "Endret"})
    assert response.status_code == 403
    home = client.get(reverse("guidance:home")).content.decode()
    assert reverse("guidance:manage") not in home
    text.refresh_from_db()
    assert text.title != "Endret"


def test_the_leader_adds_a_routine_and_manages_the_checklist(client, login, municipality,
                                                             make_staff):
    leader = make_staff(Role.TEAM_LEADER)
    worker = make_staff(Role.FOLLOWUP_WORKER, username="ny-vikar")
    login(client, leader)
    assert client.get(reverse("guidance:manage")).status_code == 200
    # A routine with a form error first, then right
    response = client.post(reverse("guidance:text_add"), {"title": "", "body": "Tekst",
                                                          "place": "routine"})
    assert 'id="id_title-feil"' in response.content.decode()
    client.post(reverse("guidance:text_add"), {"title": "Vakttelefon", "body": "Ring 12345678.",
                                               "place": "routine"})
    assert "Vakttelefon" in client.get(reverse("guidance:home")).content.decode()
    # A point is added and moved up; a worker's ticks show as a count
    client.post(reverse("guidance:checklist_manage"), {"text": "Hils på vaktmesterne"})
    added = ChecklistItem.objects.get(text="Hils på vaktmesterne")
    client.post(reverse("guidance:checklist_item_move", args=[added.pk]), {"direction": "up"})
    assert list(ChecklistItem.objects.filter(municipality=municipality)
                .values_list("text", flat=True))[-1] != "Hils på vaktmesterne"
    for item in ChecklistItem.objects.filter(municipality=municipality)[:4]:
        services.checklist_tick(item=item, user=worker)
    page = client.get(reverse("guidance:checklist_manage")).content.decode()
    assert "Ny Testesen" in page
    assert "4 av 9" in page
    # Retiring a point
    client.post(reverse("guidance:checklist_item_edit", args=[added.pk]),
                {"text": added.text})
    added.refresh_from_db()
    assert not added.active


def test_the_joint_meeting_form_explains_the_three_business_days(client, login, municipality,
                                                                 team, make_staff):
    from tests.access.test_matrix import _allocated_application

    users = {role: make_staff(role, team=team)
             for role in (Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.CARETAKER)}
    application = _allocated_application(users, ResidentFactory(municipality=municipality,
                                                                team=team), municipality)
    login(client, users[Role.HOUSING_OFFICER])
    body = client.get(reverse("allocation:meeting_hold", args=[application.pk])).content.decode()
    assert "Metode: Fellesmøtet innen tre virkedager" in body
