import datetime

from django.utils import timezone

from husly.integrations.services import integration_token_create

ALL_SCOPES = ["rent_arrears.report", "dwellings.vacant.read"]


def token_make(municipality, *, scopes=None, name="Økonomisystemet Visma", by=None, days=365):
    """A token and its secret."""
    return integration_token_create(
        municipality=municipality, name=name, scopes=ALL_SCOPES if scopes is None else scopes,
        expires_on=timezone.localdate() + datetime.timedelta(days=days), by=by)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
