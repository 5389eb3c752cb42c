"""Two people acting on the same dwelling at once: exactly one wins (PostgreSQL row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from husly.allocation import services
from husly.allocation.models import Allocation, Application, Offer
from tests.factories import ResidentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks between connections are tested on PostgreSQL"),
]


def _granted(flow, applicant):
    application = services.application_register(
        applicant=applicant, officer_unit=flow["officer_unit"], by=flow["officer"],
        housing_first=False)
    services.application_decide(
        application=application, granted=True, kind="dwelling", reasons="Oppfyller kravene.",
        legal_basis="Tildelingsreglene § 3", dwelling_kind="transitional", lease_months=36,
        by=flow["officer"])
    return application


def test_two_offers_of_one_dwelling_at_the_same_moment(flow):
    a = _granted(flow, ResidentFactory(municipality=flow["municipality"]))
    b = _granted(flow, ResidentFactory(municipality=flow["municipality"]))
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(application_id):
        try:
            barrier.wait(timeout=10)
            services.offer_make(application=Application.objects.get(pk=application_id),
                                dwelling=flow["dwelling"], by=flow["officer"])
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(x.pk,)) for x in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes, key=lambda o: o != "won")[0] == "won"
    assert outcomes.count("won") == 1, outcomes
    assert Offer.objects.filter(dwelling=flow["dwelling"]).count() == 1


def test_the_database_refuses_a_second_open_allocation_of_a_dwelling(flow):
    a = _granted(flow, ResidentFactory(municipality=flow["municipality"]))
    services.offer_make(application=a, dwelling=flow["dwelling"], by=flow["officer"])
    services.offer_answer(application=a, accepted=True, by=flow["officer"])
    first = services.allocation_register(application=a, by=flow["officer"])
    b = _granted(flow, ResidentFactory(municipality=flow["municipality"]))
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            municipality=first.municipality, application=b, dwelling=flow["dwelling"],
            allocated_on=first.allocated_on, meeting_deadline=first.meeting_deadline,
            allocated_by=flow["officer"])
