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
