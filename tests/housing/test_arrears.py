"""Rent arrears on the resident's page: who sees them, who marks them as settled, and that a
settled record is no longer a sign that the home is at risk."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.followup.risk import risk_signals
from husly.housing.models import RentArrears
from husly.housing.services import rent_arrears_record, rent_arrears_settle
from tests.conftest import verified_login
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

pytestmark = pytest.mark.django_db

SETTLE = "Merk som gjort opp"


@pytest.fixture
def tenant(municipality, team):
    resident = ResidentFactory(municipality=municipality, team=team)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=datetime.date(2024, 3, 1))
    return resident


def _arrears(resident, *, by, category="housing", amount=15600):
    return rent_arrears_record(tenancy=resident.tenancies.get(), amount=Decimal(amount),
                               months_behind=2, category=category, by=by,
                               recorded_on=timezone.localdate() - datetime.timedelta(days=3))


def test_the_housing_officer_marks_arrears_as_settled_from_the_residents_page(
        tenant, team, make_staff):
    # Given arrears the housing officer recorded
    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    arrears = _arrears(tenant, by=officer)
    client = verified_login(Client(), officer)
    page = client.get(reverse("people:resident_detail", args=[tenant.pk])).content.decode()
    assert "Husleierestanse som ikke er gjort opp" in page
    assert "15\xa0600 kr" in page and SETTLE in page
    # When she marks them as settled
    response = client.post(reverse("housing:arrears_settle", args=[tenant.pk]),
                           {"arrears": arrears.pk}, follow=True)
    # Then they are settled today, no longer a risk sign, and the page says so
    arrears.refresh_from_db()
    assert arrears.settled_on == timezone.localdate()
    assert "Husleierestansen er merket som gjort opp." in response.content.decode()
    assert "Husleierestanse som ikke er gjort opp" not in response.content.decode()
    assert risk_signals(tenant, categories={"housing"}) == []
    event = DomainEvent.objects.get(name="rent_arrears.settled")
    assert event.actor == officer
    # A second click (an old page) settles nothing and says why
    again = client.post(reverse("housing:arrears_settle", args=[tenant.pk]),
                        {"arrears": arrears.pk}, follow=True)
    assert "er gjort opp allerede" in again.content.decode()
    assert DomainEvent.objects.filter(name="rent_arrears.settled").count() == 1


def test_nav_does_not_settle_the_housing_services_arrears(tenant, team, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    housing = _arrears(tenant, by=officer)
    nav_arrears = _arrears(tenant, by=nav, category="nav", amount=3000)
    client = verified_login(Client(), nav)
    page = client.get(reverse("people:resident_detail", args=[tenant.pk])).content.decode()
    assert "3000 kr" in page and "15\xa0600 kr" not in page  # housing information is not NAV's
    client.post(reverse("housing:arrears_settle", args=[tenant.pk]), {"arrears": housing.pk})
    housing.refresh_from_db()
    assert housing.settled_on is None
    client.post(reverse("housing:arrears_settle", args=[tenant.pk]), {"arrears": nav_arrears.pk})
    nav_arrears.refresh_from_db()
    assert nav_arrears.settled_on == timezone.localdate()


def test_staff_who_do_not_record_arrears_may_not_settle_them(tenant, team, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    arrears = _arrears(tenant, by=officer)
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    client = verified_login(Client(), worker)
    response = client.post(reverse("housing:arrears_settle", args=[tenant.pk]),
                           {"arrears": arrears.pk})
    assert response.status_code == 403
    assert RentArrears.objects.get().settled_on is None


def test_settling_refuses_a_date_before_the_count_or_in_the_future(tenant, team, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    arrears = _arrears(tenant, by=officer)
    for day in (arrears.recorded_on - datetime.timedelta(days=1),
                timezone.localdate() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            rent_arrears_settle(arrears=arrears, by=officer, settled_on=day)
        assert "settled_on" in refused.value.message_dict
    assert RentArrears.objects.get().settled_on is None
