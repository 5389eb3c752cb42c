"""The private-landlord register through the JSON API: the same services and access rules as
the pages (page kinds "landlords" to read, "landlords_manage" to write)."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from husly.api import schemas
from husly.housing import selectors, services

router = Router(tags=["landlords"])
ERRORS = {403: schemas.Problem, 404: schemas.Problem, 422: schemas.Problem}


class LandlordIn(Schema):
    kind: str = "company"
    name: str
    organisation_number: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    postal_address: str = ""


class LandlordOut(Schema):
    id: int
    kind: str
    name: str
    organisation_number: str
    contact_name: str
    phone: str
    email: str
    postal_address: str
    leased_dwellings: int
    direct_leases: int
    open_offers: int
    last_contact: datetime.date | None


class ContactIn(Schema):
    kind: str
    contacted_on: datetime.date
    summary: str
    offered_address: str = ""
    offered_rooms: int | None = None
    offered_rent: Decimal | None = None


class ContactOut(Schema):
    id: int
    landlord_id: int
    kind: str
    contacted_on: datetime.date
    offered_address: str
    offered_rooms: int | None
    offered_rent: Decimal | None
    offer_status: str


def _require(request, kind: str):
    if not request.staff.may_open(kind):
        raise HttpError(403, _("Your role does not give access to this operation."))


def _listed(request, pk: int):
    landlord = selectors.landlords_listed(staff=request.staff).filter(pk=pk).first()
    if landlord is None:
        raise HttpError(404, _("No such landlord in this municipality."))
    return landlord


@router.get("/landlords", response=list[LandlordOut], url_name="landlords")
def landlords_list(request, q: str = ""):
    _require(request, "landlords")
    return list(selectors.landlords_listed(staff=request.staff, search=q))


@router.post("/landlords", response={201: LandlordOut, **ERRORS}, url_name="landlord_create")
def landlords_create(request, payload: LandlordIn):
    _require(request, "landlords_manage")
    landlord = services.landlord_register(municipality=request.staff.municipality,
                                          by=request.staff.user, **payload.dict())
    return Status(201, _listed(request, landlord.pk))


@router.get("/landlords/{pk}", response={200: LandlordOut, **ERRORS}, url_name="landlord")
def landlords_get(request, pk: int):
    _require(request, "landlords")
    return _listed(request, pk)


@router.post("/landlords/{pk}/contacts", response={201: ContactOut, **ERRORS},
             url_name="landlord_contact")
def landlord_contact(request, pk: int, payload: ContactIn):
    _require(request, "landlords_manage")
    landlord = selectors.landlord_get(staff=request.staff, pk=pk)
    contact = services.landlord_contact_record(landlord=landlord, by=request.staff.user,
                                               **payload.dict())
    return Status(201, contact)
