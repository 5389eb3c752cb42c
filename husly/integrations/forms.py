import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.common.forms import DesignsystemetForm
from husly.integrations.models import IntegrationScope
from husly.integrations.services import TOKEN_DAYS_DEFAULT


def _default_expiry():
    return timezone.localdate() + datetime.timedelta(days=TOKEN_DAYS_DEFAULT)


class TokenForm(DesignsystemetForm):
    """What the administrator chooses; the rules (unique name, expiry) are the service's."""

    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("The system that will use the token, e.g. "
                                       "“Økonomisystemet Visma”."))
    scopes = forms.MultipleChoiceField(label=_("Operations the system may use"),
                                       choices=IntegrationScope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(label=_("Expires"), initial=_default_expiry,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("At most two years ahead. Create a new token "
                                             "before this one expires."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].widget.attrs["class"] = "ds-input"
