from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.accounts.models import Team, User
from husly.common.forms import DateInput, DesignsystemetForm
from husly.people.models import Background, HousingSituation, ProtectedAddress


class ResidentForm(DesignsystemetForm):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    national_id = forms.CharField(
        label=_("Fødselsnummer or D-nummer"), max_length=13, required=False,
        help_text=_("11 digits. Leave empty if the person has none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=DateInput(),
        help_text=_("Filled in from the fødselsnummer when left empty."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    housing_situation = forms.ChoiceField(
        label=_("Current housing situation"), choices=HousingSituation.choices
    )
    housing_situation_since = forms.DateField(
        label=_("In this situation since"), widget=DateInput(), initial=timezone.localdate
    )
    background = forms.ChoiceField(
        label=_("Background (referral source)"),
        choices=[("", _("Not known"))] + list(Background.choices), required=False,
    )
    protected_address = forms.ChoiceField(
        label=_("Protected address"), choices=ProtectedAddress.choices,
        initial=ProtectedAddress.NONE,
    )
    guardian_name = forms.CharField(label=_("Guardian (verge)"), max_length=150, required=False)
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=20, required=False)
    guardian_scope = forms.CharField(
        label=_("Guardian's mandate"), max_length=300, required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team that follows the resident"), queryset=Team.objects.none(), required=False,
        empty_label=_("No team yet"),
    )
    primary_contact = forms.ModelChoiceField(
        label=_("Primary contact"), queryset=User.objects.none(), required=False,
        empty_label=_("No primary contact yet"),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(municipality=municipality)
        self.fields["primary_contact"].queryset = (
            User.objects.filter(role_assignments__municipality=municipality, is_active=True)
            .distinct().order_by("first_name", "last_name")
        )
