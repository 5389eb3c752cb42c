from husly.common.models import DomainEvent
from tests.factories import ResidentFactory


def test_a_service_records_who_did_what_to_which_object(municipality, make_staff):
    officer = make_staff("housing_officer")
    resident = ResidentFactory(municipality=municipality, by=officer, phone="99887766")
    event = DomainEvent.objects.get(name="resident.registered")
    assert event.actor == officer
    assert event.municipality == municipality
    assert event.target_type == "people.resident"
    assert event.target_id == str(resident.pk)
    assert event.changes["given_name"] == resident.given_name
    # Identifying values are not copied into the audit trail.
    assert event.changes["national_id"] == "***"
    assert event.changes["phone"] == "***"
