"""List reads (issue 18): a page or export naming residents logs who saw which names, in
which list, when; the resident's access log and letter show it. Synthetic names only."""

import pytest
from django.urls import reverse
from django.utils import translation

from husly.access.letters import access_log_letter_html
from husly.access.models import AccessListRead, AccessListReadResident, AccessLogEntry, ListKind
from husly.access.policy import staff_context_for
from husly.access.selectors import access_log_by_day, list_reads_for
from husly.access.services import list_read_record, resident_read
from husly.accounts.models import Role
from husly.board.services import red_board_put
from tests.factories import ResidentFactory


@pytest.fixture
def reader(make_staff, team):
    return make_staff(Role.FOLLOWUP_WORKER, team=team, username="lesar")


def test_a_list_read_is_one_row_and_one_insert_of_its_residents(
        reader, municipality, team, django_assert_num_queries):
    staff = staff_context_for(reader, None)
    residents = [ResidentFactory(municipality=municipality, team=team) for _ in range(3)]
    # Objects and ids alike, a name twice counts once; two inserts whatever the length
    with django_assert_num_queries(2):
        seen = list_read_record(staff=staff, view=ListKind.TEAM_BOARD,
                                residents=[*residents, residents[0].pk, None])
    assert (seen.user, seen.view, seen.municipality) == (reader, "team_board", municipality)
    assert seen.unit == staff.units[0]
    assert sorted(seen.rows.values_list("resident_id", flat=True)) == sorted(
        r.pk for r in residents)
    assert set(seen.rows.values_list("municipality_id", flat=True)) == {municipality.pk}
    assert not AccessLogEntry.objects.exists()  # a name seen is not a read


def test_a_list_without_names_writes_nothing(reader):
    staff = staff_context_for(reader, None)
    assert list_read_record(staff=staff, view=ListKind.TEAM_BOARD, residents=[]) is None
    assert list_read_record(staff=staff, view=ListKind.INBOX, residents=[None]) is None
    assert not AccessListRead.objects.exists()


def test_a_list_the_log_cannot_name_is_refused(reader, municipality):
    staff = staff_context_for(reader, None)
    with pytest.raises(ValueError):
        list_read_record(staff=staff, view="some_new_page",
                         residents=[ResidentFactory(municipality=municipality)])


def test_names_of_another_municipality_are_logged_in_theirs(reader, other_municipality):
    # A calendar feed follows its owner's visits wherever they are
    foreign = ResidentFactory(municipality=other_municipality)
    seen = list_read_record(staff=staff_context_for(reader, None),
                            view=ListKind.CALENDAR_FEED, residents=[foreign])
    assert seen.municipality == other_municipality and seen.unit is None
    assert seen.rows.get().municipality == other_municipality


def test_a_refused_read_or_one_without_the_needed_category_is_not_logged(
        make_staff, municipality, team):
    nav = staff_context_for(make_staff(Role.NAV_COUNSELLOR, team=team), None)
    stranger = ResidentFactory(municipality=municipality)
    followed = ResidentFactory(municipality=municipality, team=team)
    assert not resident_read(staff=nav, resident=stranger, view="test").allowed
    # NAV reads NAV information, not the follow-up unit's: a follow-up page refuses
    access = resident_read(staff=nav, resident=followed, view="test", needs="followup")
    assert access.allowed and not access.reads("followup")
    assert not AccessLogEntry.objects.exists()
    resident_read(staff=nav, resident=followed, view="test", needs="nav")
    assert AccessLogEntry.objects.get().resident == followed


def test_the_board_logs_the_names_it_shows_and_no_other(client, login, reader, municipality,
                                                        team, make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team, username="leiar")
    on_board = ResidentFactory(municipality=municipality, team=team)
    elsewhere = ResidentFactory(municipality=municipality)
    red_board_put(team=team, resident=on_board, reason="Tett oppfølging", by=leader)
    login(client, reader)
    assert client.get(reverse("board:team_board", args=[team.pk])).status_code == 200
    seen = AccessListRead.objects.get()
    assert (seen.user, seen.view) == (reader, ListKind.TEAM_BOARD)
    assert list(seen.rows.values_list("resident_id", flat=True)) == [on_board.pk]
    assert not AccessListReadResident.objects.filter(resident=elsewhere).exists()


def test_the_by_name_list_logs_only_the_rows_it_names(client, login, make_staff, municipality,
                                                      team):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    followed = ResidentFactory(municipality=municipality, team=team)
    unnamed = ResidentFactory(municipality=municipality)  # no work relation: no name
    login(client, officer)
    for query in ("", "?eksport=csv"):
        body = client.get(reverse("outcomes:by_name_list") + query).content.decode()
        assert followed.given_name in body and unnamed.given_name not in body
    views = list(AccessListRead.objects.order_by("pk").values_list("view", flat=True))
    assert views == [ListKind.BY_NAME_LIST, ListKind.BY_NAME_EXPORT]
    assert set(AccessListReadResident.objects.values_list("resident_id", flat=True)) == {
        followed.pk}


def test_the_residents_log_shows_where_their_name_was_seen(client, login, reader, make_staff,
                                                           municipality, team):
    resident = ResidentFactory(municipality=municipality, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team, username="navlesar")
    list_read_record(staff=staff_context_for(nav, None), view=ListKind.TEAM_BOARD,
                     residents=[resident])
    rows = list(list_reads_for(resident=resident))
    assert [(r.list_read.user, r.list_read.view) for r in rows] == [(nav, "team_board")]
    # The page: a section of its own, with who and which list
    login(client, reader)
    body = client.get(reverse("access:access_log", args=[resident.pk])).content.decode()
    section = body.split('id="list-reads"')[1].split("</table>")[0]
    with translation.override("nb"):
        label = str(ListKind.TEAM_BOARD.label)
    assert str(nav) in section and label in section
    # The letter and the copy's log: a line for the list beside the reads, counted in all
    days = access_log_by_day(resident=resident)
    seen = [d for d in days if d.get("list")]
    assert len(seen) == 1 and seen[0]["user"] == nav and seen[0]["reads"] == 1
    html = access_log_letter_html(resident=resident, staff=staff_context_for(reader, None),
                                  language="nb")
    assert str(nav) in html and label in html
    # Opening the log is itself a read of the resident, by the reader
    assert AccessLogEntry.objects.get(resident=resident).view == "access_log"


def test_the_residents_copy_names_the_lists_that_showed_them(reader, make_staff, municipality,
                                                             team):
    from husly.access.innsyn import data_copy, data_copy_json

    resident = ResidentFactory(municipality=municipality, team=team)
    other = ResidentFactory(municipality=municipality, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team, username="navkopi")
    # Given the resident's name shown on the board to NAV, and another list without them
    list_read_record(staff=staff_context_for(nav, None), view=ListKind.TEAM_BOARD,
                     residents=[resident])
    list_read_record(staff=staff_context_for(nav, None), view=ListKind.AT_RISK,
                     residents=[other])
    # When the resident's copy is made
    copy = data_copy(staff=staff_context_for(reader, None), resident=resident)
    # Then it has a section naming who saw them, in which list, and only that list
    section = next(s for s in copy["sections"] if s["key"] == "seen_in_lists")
    assert [{f["name"]: f["value"] for f in r["fields"]}["list"] for r in section["records"]] \
        == [ListKind.TEAM_BOARD]
    assert data_copy_json(copy)["sections"]["seen_in_lists"][0]["user"] == nav.pk


def test_the_lists_have_pages_of_their_own_that_keep_the_log_page(client, login, reader,
                                                                   make_staff, municipality,
                                                                   team):
    resident = ResidentFactory(municipality=municipality, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team, username="navsider")
    # Given the resident read 51 times and their name shown in 51 lists: two pages of each
    for _ in range(51):
        resident_read(staff=staff_context_for(nav, None), resident=resident, view="board")
        list_read_record(staff=staff_context_for(nav, None), view=ListKind.TEAM_BOARD,
                         residents=[resident])
    login(client, reader)
    url = reverse("access:access_log", args=[resident.pk])
    # When the reader is on the log's second page, and then also on the lists' second
    on_log_page = client.get(url + "?side=2").content.decode()
    on_both = client.get(url + "?side=2&lister=2").content.decode()
    # Then each pager moves its own list, keeps the other's page, and the lists' returns to
    # their heading
    assert 'href="?side=2&amp;lister=2#lists-heading"' in on_log_page
    assert 'href="?lister=2&amp;side=1"' in on_both
    assert 'href="?side=2&amp;lister=1#lists-heading"' in on_both
    assert on_both.count("<td>Sett i tavla</td>") == 1
