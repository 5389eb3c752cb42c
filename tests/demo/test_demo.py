import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from husly.accounts.models import Role, RoleAssignment
from husly.allocation.models import TaskTemplate
from husly.common.identifiers import national_id_is_synthetic, national_id_validate
from husly.demo.builder import DEMO_STAFF, RECENTLY_IDENTIFIED
from husly.followup.models import PlanVersion, Visit
from husly.housing.models import Dwelling, Tenancy
from husly.outcomes.models import HomelessEpisode
from husly.people.models import Resident


def test_demo_municipality_has_the_sandnes_sizes_and_only_synthetic_people(db, settings,
                                                                           client, login):
    out = StringIO()
    call_command("demo_setup", residents=60, stdout=out)
    kinds = dict(Dwelling.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds["care"] == 82
    assert kinds["transitional"] + kinds["small_house"] == 750
    assert kinds["small_house"] == 7
    # The residents asked for, and those found without a home in each of the last months
    assert Resident.objects.count() == 60 + RECENTLY_IDENTIFIED
    newly = HomelessEpisode.objects.filter(
        start_kind="newly_identified",
        started_on__gte=timezone.localdate() - datetime.timedelta(days=366))
    assert newly.count() >= RECENTLY_IDENTIFIED
    numbers = [n for n in Resident.objects.values_list("national_id", flat=True) if n]
    assert numbers and all(national_id_is_synthetic(n) for n in numbers)
    for number in numbers:
        national_id_validate(number, allow_synthetic=True)
    assert Tenancy.objects.filter(end_date__isnull=False).exists()
    assert Tenancy.objects.filter(end_date__isnull=True).exists()
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    # The morning meeting's why: coming visits with a focus, tasks with their reason.
    assert Visit.objects.filter(status="planned").exclude(focus="").count() >= 10
    assert PlanVersion.objects.filter(kind="user_contract").exists()
    assert TaskTemplate.objects.exists()
    assert not TaskTemplate.objects.filter(purpose="").exists()
    # Working together (ADR 0030): each unit has something in its inbox, and the team
    # leader sees a late hand-off with who holds it
    from husly.access.policy import staff_context_for
    from husly.accounts.models import User
    from husly.inbox.selectors import inbox_for

    def inbox(username):
        return inbox_for(staff=staff_context_for(User.objects.get(username=username), None))

    for username in ("bolig", "miljo", "nav"):
        assert inbox(username)["items"], username
    late = inbox("leder")["escalated"]
    assert any(i.kind == "coordination_meeting" and i.holder for i in late)
    # Every demo login lands on a page it may open, never a 403
    for username, *_rest in DEMO_STAFF:
        login(client, User.objects.get(username=username))
        landed = client.get("/", follow=True)
        assert landed.status_code == 200 and landed.redirect_chain, username
    printed = out.getvalue()
    for username, *_rest in DEMO_STAFF:
        assert username in printed
    assert "Boligkonsulent" in printed

    # Running it again reuses what exists.
    again = StringIO()
    call_command("demo_setup", residents=60, stdout=again)
    assert "finnes allerede" in again.getvalue()
    assert Resident.objects.count() == 60 + RECENTLY_IDENTIFIED


def test_demo_refuses_to_run_without_synthetic_identities(db, settings):
    settings.HUSLY_ALLOW_SYNTHETIC_IDS = False
    with pytest.raises(CommandError):
        call_command("demo_setup", residents=1, stdout=StringIO())
