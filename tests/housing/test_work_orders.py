import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from husly.accounts.models import Role
from husly.housing import services
from husly.housing.models import WorkOrder, WorkOrderPhoto
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory


def png_upload(name="skade.png", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 50, 50)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def order(municipality):
    dwelling = DwellingFactory(municipality=municipality, street_address="Kaigata 2")
    resident = ResidentFactory(municipality=municipality, phone="99887766")
    TenancyFactory(dwelling=dwelling, residents=[resident], start_date=datetime.date(2025, 1, 1))
    return services.work_order_create(dwelling=dwelling, kind="maintenance",
                                      description="Bytte lyspære", resident=resident,
                                      due_on=datetime.date(2026, 1, 10), priority=2, by=None)


def test_only_images_up_to_5_mb_are_attached(order, make_staff):
    caretaker = make_staff(Role.CARETAKER)
    fake = SimpleUploadedFile("virus.png", b"MZ not an image", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        services.work_order_photo_add(work_order=order, upload=fake, by=caretaker)
    assert "image" in exc.value.message_dict
    big = SimpleUploadedFile("stor.png", b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    with pytest.raises(ValidationError):
        services.work_order_photo_add(work_order=order, upload=big, by=caretaker)
    photo = services.work_order_photo_add(work_order=order, upload=png_upload(), by=caretaker)
    assert photo.content_type == "image/png"
    assert WorkOrderPhoto.objects.count() == 1


def test_a_follow_up_worker_orders_work_and_the_caretaker_attaches_a_photo(
    client, login, order, make_staff
):
    worker = make_staff(Role.FOLLOWUP_WORKER)
    login(client, worker)
    response = client.post(reverse("housing:work_order_create", args=[order.dwelling_id]), {
        "kind": "repair", "priority": "1", "description": "Knust vindu",
        "due_on": "2026-01-08"})
    assert response.status_code == 302
    new = WorkOrder.objects.get(description="Knust vindu")
    assert new.resident == order.resident and new.priority == 1
    caretaker = make_staff(Role.CARETAKER)
    login(client, caretaker)
    listing = client.get(reverse("housing:work_order_list")).content.decode()
    assert listing.index("Knust vindu") < listing.index("Bytte lyspære")  # urgent first
    client.post(reverse("housing:work_order_photo", args=[new.pk]), {"image": png_upload()})
    photo = WorkOrderPhoto.objects.get()
    image = client.get(reverse("housing:work_order_photo_file", args=[new.pk, photo.pk]))
    assert image["Content-Type"] == "image/png"
    login(client, make_staff(Role.ANALYST))
    assert client.get(reverse("housing:work_order_photo_file",
                              args=[new.pk, photo.pk])).status_code == 403


def test_a_caretaker_sees_their_own_orders_and_the_pool_not_a_colleagues(
    client, login, order, make_staff
):
    mine, theirs = make_staff(Role.CARETAKER), make_staff(Role.CARETAKER)
    services.work_order_create(dwelling=order.dwelling, kind="repair", description="Min jobb",
                               assigned_to=mine, due_on=order.due_on, by=None)
    other = services.work_order_create(dwelling=order.dwelling, kind="repair",
                                       description="Kollegas jobb", assigned_to=theirs,
                                       due_on=order.due_on, by=None)
    login(client, mine)
    body = client.get(reverse("housing:work_order_list")).content.decode()
    assert "Min jobb" in body and "Bytte lyspære" in body  # own and unassigned
    assert "Kollegas jobb" not in body
    assert client.get(reverse("housing:work_order_detail", args=[other.pk])).status_code == 404


def test_a_work_order_from_a_visit_is_filled_in_from_the_visit(client, login, municipality,
                                                               team, make_staff):
    import time_machine

    from husly.access.models import AccessLogEntry
    from husly.followup import services as followup

    today = datetime.date(2026, 1, 7)
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    officer = make_staff(Role.HOUSING_OFFICER)  # orders work, reads no follow-up information
    dwelling = DwellingFactory(municipality=municipality, street_address="Kaigata 4")
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
    TenancyFactory(dwelling=dwelling, residents=[resident], start_date=datetime.date(2025, 1, 1))
    with time_machine.travel(today):
        agreement = followup.agreement_create(resident=resident, team=team,
                                              primary_contact=worker, start_date=today,
                                              by=worker)
        visit = followup.visit_record(visit=agreement.visits.get(planned_on=today),
                                      status="done", by=worker, damage=True,
                                      actions="Hull i veggen på badet")
        url = reverse("housing:work_order_create", args=[dwelling.pk]) + f"?besok={visit.pk}"
        login(client, worker)
        body = client.get(url).content.decode()
        # Kind repair and the visit's actions are filled in; the reading is logged
        assert '<option value="repair" selected>' in body
        assert "Hull i veggen på badet</textarea>" in body
        assert AccessLogEntry.objects.filter(user=worker, resident=resident,
                                             view="work_order_create").exists()
        response = client.post(url, {"kind": "repair", "priority": "3",
                                     "description": "Hull i veggen på badet",
                                     "due_on": "2026-01-14"})
        assert response["Location"] == reverse("followup:my_week")
        order = WorkOrder.objects.get()
        assert (order.dwelling, order.resident, order.kind) == (dwelling, resident, "repair")
        # Another dwelling, a visit without damage, or someone without follow-up access:
        # nothing is filled in from the visit
        other = DwellingFactory(municipality=municipality)
        assert client.get(reverse("housing:work_order_create", args=[other.pk])
                          + f"?besok={visit.pk}").status_code == 404
        quiet = agreement.visits.order_by("planned_on")[1]
        assert client.get(reverse("housing:work_order_create", args=[dwelling.pk])
                          + f"?besok={quiet.pk}").status_code == 404
        login(client, officer)
        assert client.get(url).status_code == 404
        assert client.get(reverse("housing:work_order_create",
                                  args=[dwelling.pk])).status_code == 200
