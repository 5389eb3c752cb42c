from django.urls import reverse

from husly.access.models import AccessListRead, AccessLogEntry
from husly.accounts.models import Role
from tests.factories import ResidentFactory


def test_each_read_of_a_resident_page_writes_one_log_row(client, login, make_staff, team,
                                                         municipality):
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    resident = ResidentFactory(municipality=municipality, team=team)
    login(client, nav)
    url = reverse("people:resident_detail", args=[resident.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    rows = AccessLogEntry.objects.filter(resident=resident)
    assert rows.count() == 2
    row = rows.first()
    assert row.user == nav
    assert row.basis == "team"
    assert row.category_list == ["nav"]
    assert row.municipality == municipality


def test_a_refused_read_writes_no_log_row(client, login, make_staff, municipality):
    outsider = make_staff(Role.FOLLOWUP_WORKER)
    resident = ResidentFactory(municipality=municipality)
    login(client, outsider)
    response = client.get(reverse("people:resident_detail", args=[resident.pk]))
    assert response.status_code == 403
    assert "tjenstlig behov" in response.content.decode() or "work relation" in (
        response.content.decode())
    assert not AccessLogEntry.objects.exists()


def test_lists_write_a_list_read_not_a_read_and_mask_the_number(client, login, make_staff,
                                                                team, municipality):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    resident = ResidentFactory(municipality=municipality, team=team)
    login(client, worker)
    body = client.get(reverse("people:resident_list")).content.decode()
    assert resident.family_name in body
    assert resident.national_id not in body
    assert resident.national_id[:6] + " *****" in body
    # Seeing a name in a list is not reading the resident's information
    assert not AccessLogEntry.objects.exists()
    seen = AccessListRead.objects.get()
    assert (seen.user, seen.view, seen.municipality) == (worker, "resident_list", municipality)
    assert list(seen.rows.values_list("resident_id", flat=True)) == [resident.pk]
