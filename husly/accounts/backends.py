from django.contrib.auth.backends import ModelBackend

from husly.accounts import selectors


class OIDCBackend(ModelBackend):
    """Signs in the Husly user the OpenID provider named (husly.accounts.sso). It answers only
    calls that carry `oidc_identifier`, never a password; after django-axes in
    AUTHENTICATION_BACKENDS, so a locked-out claim is refused before it gets here."""

    def authenticate(self, request, username=None, password=None, oidc_identifier=None,
                     **kwargs):
        if oidc_identifier is None or password is not None:
            return None
        user = selectors.staff_for_sso(identifier=oidc_identifier)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
