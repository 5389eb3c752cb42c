from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from husly.common.forms import DesignsystemetForm


class LoginForm(DesignsystemetForm):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # Axes counts failures and refuses locked accounts inside authenticate().
        self.user = authenticate(
            self.request, username=data["username"], password=data["password"]
        )
        if self.user is None or not self.user.is_active:
            raise forms.ValidationError(
                _("Wrong username or password. Check both and try again; after five failed "
                  "attempts the account is locked for 30 minutes.")
            )
        return data


class TokenForm(DesignsystemetForm):
    token = forms.CharField(
        label=_("Six-digit code from the authenticator app"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}",
            "autofocus": True,
        }),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("The code has six digits. Type only the digits."))
        return token
