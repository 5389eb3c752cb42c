import pytest

from husly.accounts.models import Role
from husly.allocation import services
from tests.factories import DwellingFactory, ResidentFactory


@pytest.fixture
def flow(municipality, team, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo", health=True)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team, username="nav")
    caretaker = make_staff(Role.CARETAKER, team=team, username="vaktmester")
    services.allocation_settings_save(municipality=municipality, by=None,
                                      lease_lengths_months=[36, 60])
    services.criterion_create(municipality=municipality, text="18 år eller eldre", by=None)
    for title, unit_kind, prep in [
        ("Følge til visning", "followup", False),
        ("Avklare behov for verge", "followup", False),
        ("Første husleie og depositumsgaranti", "nav", False),
        ("Klargjøre boligen: seng og enkle møbler", "caretaker", True),
        ("Signere kontrakt", "housing", False),
        ("Nøkler", "housing", False),
    ]:
        services.task_template_create(municipality=municipality, title=title,
                                      unit_kind=unit_kind, is_preparation=prep, by=None)
    applicant = ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                                family_name="Søker")
    dwelling = DwellingFactory(municipality=municipality, street_address="Nyveien 3")
    unit = officer.role_assignments.get().unit
    return {"officer": officer, "worker": worker, "nav": nav, "caretaker": caretaker,
            "applicant": applicant, "dwelling": dwelling, "officer_unit": unit,
            "municipality": municipality}
