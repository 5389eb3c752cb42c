"""The sample files in docs/examples/imports/ import in the demo as the README says."""

from pathlib import Path

from husly.accounts.models import Role
from husly.housing.models import Dwelling, Tenancy
from husly.imports import services
from husly.people.models import Resident
from tests.imports.helpers import batch_for

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "imports"


def test_the_samples_import_in_order_and_the_wrong_one_shows_its_problems(municipality,
                                                                          make_staff):
    officer = make_staff(Role.HOUSING_OFFICER)

    def batch(name, kind):
        return batch_for(municipality=municipality, by=officer, kind=kind,
                         data=(SAMPLES / name).read_bytes(), name=name)

    wrong = services.import_check(batch=batch("boliger-med-feil.csv", "dwellings"), by=officer)
    assert {p.row for p in wrong.problems} == {3, 4, 5, 6}
    for name, kind in (("boliger.csv", "dwellings"), ("beboere.csv", "residents"),
                       ("leieforhold.csv", "tenancies")):
        outcome = services.import_apply(batch=batch(name, kind), by=officer)
        assert outcome.new and not outcome.problems, name
    assert (Dwelling.objects.count(), Resident.objects.count(), Tenancy.objects.count()) == (
        4, 3, 3)
    again = services.import_check(batch=batch("leieforhold.csv", "tenancies"), by=officer)
    assert (again.unchanged, again.to_do) == (3, 0)
