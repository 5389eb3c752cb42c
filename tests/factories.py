"""factory_boy factories that write through the services, as the app does."""

import datetime
import itertools
import random
from decimal import Decimal

import factory

from husly.accounts import services as accounts
from husly.accounts.models import Role, Unit, UnitKind, User
from husly.demo.identities import synthetic_national_id
from husly.housing import services as housing
from husly.housing.models import DwellingKind
from husly.people import services as people
from husly.people.models import HousingSituation

_numbers = itertools.count(3001)
_rng = random.Random(7)  # noqa: S311 - test data


def national_id(birth=datetime.date(1990, 5, 17)) -> str:
    return synthetic_national_id(birth, _rng)


class ServiceFactory(factory.Factory):
    """`Meta.model` is the service: factory_boy supplies its keyword arguments."""

    class Meta:
        abstract = True


class MunicipalityFactory(ServiceFactory):
    class Meta:
        model = accounts.municipality_create

    number = factory.LazyFunction(lambda: f"{next(_numbers):04d}")
    name = factory.Sequence(lambda n: f"Testkommune {n}")


class UnitFactory(ServiceFactory):
    class Meta:
        model = accounts.unit_create

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = UnitKind.HOUSING


class TeamFactory(ServiceFactory):
    class Meta:
        model = accounts.team_create

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


def staff_make(*, municipality, role, unit=None, username=None, team=None, health=False,
               cleared=False, password="et-langt-testpassord-42") -> User:
    """A staff member with one role (through a unit of the matching kind, created if needed)."""
    unit_kinds = {
        Role.HOUSING_OFFICER: UnitKind.HOUSING, Role.FOLLOWUP_WORKER: UnitKind.FOLLOWUP,
        Role.NAV_COUNSELLOR: UnitKind.NAV, Role.CARETAKER: UnitKind.CARETAKER,
        Role.PROPERTY_MANAGER: UnitKind.PROPERTY, Role.TEAM_LEADER: UnitKind.FOLLOWUP,
    }
    if unit is None and role in unit_kinds:
        unit = Unit.objects.filter(municipality=municipality, kind=unit_kinds[role]).first()
        if unit is None:
            unit = accounts.unit_create(municipality=municipality, kind=unit_kinds[role],
                                        name=f"{unit_kinds[role].label} {municipality.number}")
    username = username or f"{role}-{next(_numbers)}"
    user = accounts.staff_create(
        username=username, first_name=username.split("-")[0].title(), last_name="Testesen",
        password=password, is_health_personnel=health, cleared_for_protected_addresses=cleared,
    )
    accounts.role_assign(user=user, municipality=municipality, role=role, unit=unit)
    if team is not None:
        accounts.team_member_add(team=team, user=user, is_leader=role == Role.TEAM_LEADER)
    return user


class ResidentFactory(ServiceFactory):
    class Meta:
        model = people.resident_register

    municipality = factory.SubFactory(MunicipalityFactory)
    by = None
    given_name = factory.Sequence(lambda n: f"Kari{n}")
    family_name = "Nordmann"
    # A new birth date for every resident, so two residents never share a number.
    national_id = factory.Sequence(
        lambda n: national_id(datetime.date(1950, 1, 1) + datetime.timedelta(days=n % 20000)))
    housing_situation = HousingSituation.SHELTER_TEMPORARY
    housing_situation_since = datetime.date(2025, 1, 10)


class DwellingFactory(ServiceFactory):
    class Meta:
        model = housing.dwelling_register

    municipality = factory.SubFactory(MunicipalityFactory)
    by = None
    street_address = factory.Sequence(lambda n: f"Testveien {n + 1}")
    postal_code = "4306"
    postal_place = "Sandnes"
    bruksenhetsnummer = "H0101"
    matrikkel = factory.Sequence(lambda n: f"38/{n + 1}")
    kind = DwellingKind.TRANSITIONAL
    rooms = 2
    area_m2 = Decimal("48.0")


class TenancyFactory(ServiceFactory):
    class Meta:
        model = housing.tenancy_register

    by = None
    start_date = datetime.date(2024, 3, 1)
    monthly_rent = Decimal("7500")
