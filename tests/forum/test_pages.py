"""The forum's pages through the test client (Norwegian bokmål, the default)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from husly.forum import services
from husly.forum.models import Decision, DecisionStatus, ForumMeeting, MeetingStatus
from husly.housing import services as housing
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory
from tests.forum.conftest import TODAY, held, plan


def _meeting_form(day, time="13:00", place="Rådhuset", chair=None):
    return {"day": day.isoformat(), "time": time, "place": place, "chair": chair}


def test_the_menu_shows_the_forum_to_its_people_only(client, login, forum):
    login(client, forum["property"])
    assert "Boligsosialt forum" in client.get(reverse("forum:meeting_list")).content.decode()
    login(client, forum["caretaker"])
    body = client.get(reverse("housing:work_order_list")).content.decode()
    assert reverse("forum:meeting_list") not in body


def test_a_meeting_from_plan_to_minutes(client, login, forum):
    # Given a vacant dwelling
    DwellingFactory(municipality=forum["municipality"], street_address="Ledigveien 4")
    login(client, forum["property"])
    # When the property manager plans a meeting today
    response = client.post(reverse("forum:meeting_create"), _meeting_form(
        TODAY, time="16:00", chair=forum["property"].pk))
    meeting = ForumMeeting.objects.get()
    assert response["Location"] == reverse("forum:meeting_detail", args=[meeting.pk])
    # Then its agenda shows the vacant dwelling, generated now
    page = client.get(response["Location"]).content.decode()
    assert "Ledigveien 4" in page and "Dager ledig" in page
    # A free item is added
    client.post(reverse("forum:agenda_item_add", args=[meeting.pk]),
                {"sak-title": "Brannsikring i blokkene", "sak-text": ""})
    assert "Brannsikring i blokkene" in client.get(response["Location"]).content.decode()
    # A decision without an owner is refused, saying so, and nothing is saved
    refused = client.post(reverse("forum:decision_record", args=[meeting.pk]),
                          {"beslutning-text": "Klargjøre Ledigveien 4", "beslutning-owner": ""})
    assert refused.status_code == 400
    assert "En beslutning må ha en ansvarlig" in refused.content.decode()
    assert not Decision.objects.exists()
    # With an owner it is recorded
    client.post(reverse("forum:decision_record", args=[meeting.pk]), {
        "beslutning-text": "Klargjøre Ledigveien 4", "beslutning-owner": forum["caretaker"].pk,
        "beslutning-due_on": (TODAY + datetime.timedelta(days=14)).isoformat()})
    decision = Decision.objects.get()
    assert decision.owner == forum["caretaker"]
    # Holding without attendees is refused; with them it is held
    client.post(reverse("forum:meeting_hold", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    client.post(reverse("forum:minutes_save", args=[meeting.pk]), {
        "referat-attendees": [forum["property"].pk, forum["leader"].pk],
        "referat-notes": "Godt møte."})
    client.post(reverse("forum:meeting_hold", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    page = client.get(response["Location"]).content.decode()
    assert "Ledigveien 4" in page and "Planlegg neste møte" in page
    assert reverse("forum:decision_record", args=[meeting.pk]) not in page
    # The minutes cannot be changed any more: the edit page sends back
    edit = client.get(reverse("forum:meeting_edit", args=[meeting.pk]))
    assert edit["Location"] == reverse("forum:meeting_detail", args=[meeting.pk])
    refused = client.post(reverse("forum:decision_record", args=[meeting.pk]), {
        "beslutning-text": "Etterpå", "beslutning-owner": forum["property"].pk})
    assert refused.status_code == 400 and Decision.objects.count() == 1


def test_the_next_meeting_is_proposed_four_weeks_later_and_follows_up_decisions(
        client, login, forum):
    meeting, (decision,) = held(forum, decisions=["Sjekke røykvarslere"])
    login(client, forum["leader"])
    form = client.get(reverse("forum:meeting_create") + f"?etter={meeting.pk}")
    proposed = (meeting.starts_at + datetime.timedelta(weeks=4)).date().isoformat()
    assert f'value="{proposed}"' in form.content.decode()
    response = client.post(reverse("forum:meeting_create"), {
        **_meeting_form(datetime.date.fromisoformat(proposed), chair=forum["property"].pk),
        "etter": meeting.pk})
    following = ForumMeeting.objects.get(previous=meeting)
    page = client.get(response["Location"]).content.decode()
    assert "Sjekke røykvarslere" in page and "Oppfølging av tidligere beslutninger" in page
    # Marked done at the next meeting
    client.post(reverse("forum:decision_done", args=[decision.pk]),
                {"mote": following.pk, "note": "Alle sjekket"})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.followed_up_in == following
    # The held meeting's page links to the next one instead of planning another
    page = client.get(reverse("forum:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("forum:meeting_detail", args=[following.pk]) in page


def test_the_list_puts_the_next_meeting_first_then_earlier_ones(client, login, forum):
    earlier, _ = held(forum)
    later = plan(forum, day=TODAY + datetime.timedelta(days=30))
    sooner = plan(forum, day=TODAY + datetime.timedelta(days=2))
    login(client, forum["worker"])
    body = client.get(reverse("forum:meeting_list")).content.decode()
    positions = [body.index(reverse("forum:meeting_detail", args=[m.pk]) + '"')
                 for m in (sooner, later, earlier)]
    assert positions == sorted(positions)
    assert "Ikke merket som avholdt ennå" not in body
    # A planned meeting whose day has passed says it is not marked held yet
    plan(forum, day=TODAY - datetime.timedelta(days=3))
    body = client.get(reverse("forum:meeting_list")).content.decode()
    assert "Ikke merket som avholdt ennå" in body


def test_the_meeting_page_makes_no_more_queries_with_more_data(client, login, forum, team):
    meeting = plan(forum, day=TODAY + datetime.timedelta(days=7))
    login(client, forum["officer"])
    url = reverse("forum:meeting_detail", args=[meeting.pk])

    def grow(n):
        for i in range(n):
            resident = ResidentFactory(municipality=forum["municipality"], team=team)
            tenancy = TenancyFactory(dwelling=DwellingFactory(
                municipality=forum["municipality"], street_address=f"Vekst {n}-{i}"),
                residents=[resident], fixed_term_end=TODAY + datetime.timedelta(days=20))
            housing.rent_arrears_record(tenancy=tenancy, amount=100, months_behind=1,
                                        category="housing", by=forum["officer"])
            housing.work_order_create(dwelling=tenancy.dwelling, kind="repair",
                                      description="Skade", due_on=TODAY, by=None)
            DwellingFactory(municipality=forum["municipality"],
                            street_address=f"Ledig vekst {n}-{i}")
            services.agenda_item_add(meeting=meeting, title=f"Sak {n}-{i}", by=forum["leader"])
            services.decision_record(meeting=meeting, text=f"Beslutning {n}-{i}",
                                     owner=forum["leader"], by=forum["leader"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(1)
    small = count()
    grow(4)
    assert count() <= small
