"""The administrator's integration pages: create (the token shown once), list, call log,
revoke with confirmation; nobody else opens them, another municipality's token is not found."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from husly.accounts.models import Role
from husly.integrations.models import IntegrationToken
from husly.integrations.services import integration_call_record, token_hash
from tests.conftest import verified_login
from tests.integrations.helpers import bearer, token_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_staff):
    return verified_login(Client(), make_staff(Role.ADMINISTRATOR, username="admin"))


def test_the_administrator_creates_a_token_and_sees_it_once(admin_client, municipality):
    expires = timezone.localdate() + datetime.timedelta(days=90)
    response = admin_client.post(reverse("integrations:token_create"), {
        "name": "Økonomisystemet Visma", "scopes": ["rent_arrears.report"],
        "expires_on": expires.isoformat()})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = IntegrationToken.objects.get()
    secret = response.context["secret"]
    assert token_hash(secret) == token.key_hash and secret in response.content.decode()
    assert (token.municipality, token.scopes, token.expires_on) == (
        municipality, ["rent_arrears.report"], expires)
    # Never again: not on the token's page, not on the list.
    for url in (reverse("integrations:token_detail", args=[token.pk]),
                reverse("integrations:token_list")):
        page = admin_client.get(url).content.decode()
        assert secret not in page and token.key_prefix in page
    # and it works against the API
    call = Client().post("/api/v1/integrasjon/husleierestanser", data={"lines": []},
                         content_type="application/json", **bearer(secret))
    assert call.status_code == 200


def test_a_wrong_form_saves_nothing_and_says_what_to_fix(admin_client):
    response = admin_client.post(reverse("integrations:token_create"), {
        "name": "", "expires_on": (timezone.localdate() - datetime.timedelta(days=1))
        .isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not IntegrationToken.objects.exists()
    response = admin_client.post(reverse("integrations:token_create"), {
        "name": "Visma", "scopes": ["rent_arrears.report"],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=800)).isoformat()})
    assert "expires_on" in response.context["form"].errors
    assert not IntegrationToken.objects.exists()


def test_revoking_asks_first_then_stops_the_token(admin_client, municipality):
    token, secret = token_make(municipality)
    url = reverse("integrations:token_revoke", args=[token.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and "Trekk tilbake" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = admin_client.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    detail = admin_client.get(reverse("integrations:token_detail", args=[token.pk]))
    assert "Trukket tilbake" in detail.content.decode()
    assert Client().get("/api/v1/integrasjon/ledige-boliger",
                        **bearer(secret)).status_code == 401


def test_the_token_page_shows_its_call_log(admin_client, municipality):
    token, _secret = token_make(municipality)
    integration_call_record(token=token, operation="rent_arrears.report", status=422, items=7)
    page = admin_client.get(reverse("integrations:token_detail", args=[token.pk]))
    text = page.content.decode()
    assert "Rapportere husleierestanser" in text and "(422)" in text


def test_only_the_administrator_opens_the_pages_and_only_for_own_tokens(
        municipality, other_municipality, make_staff, admin_client):
    token, _secret = token_make(municipality)
    foreign, _secret = token_make(other_municipality)
    leader = verified_login(Client(), make_staff(Role.TEAM_LEADER))
    assert leader.get(reverse("integrations:token_list")).status_code == 403
    assert leader.post(reverse("integrations:token_revoke", args=[token.pk])).status_code == 403
    assert admin_client.get(reverse("integrations:token_detail",
                                    args=[foreign.pk])).status_code == 404
    assert admin_client.post(reverse("integrations:token_revoke",
                                     args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
    listed = admin_client.get(reverse("integrations:token_list"))
    assert list(listed.context["tokens"]) == [token]
    menu = admin_client.get(reverse("integrations:token_list")).content.decode()
    assert 'href="/integrasjoner/"' in menu
