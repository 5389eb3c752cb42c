from django import forms
from django.utils.translation import gettext_lazy as _

from husly.accounts.models import Team
from husly.common.forms import DesignsystemetForm
from husly.housing.models import DwellingKind
from husly.people.models import Background


class StabilityFilterForm(DesignsystemetForm):
    start_year = forms.IntegerField(label=_("Tenancies starting in"), required=False,
                                    min_value=1990, max_value=2100)
    housing_first = forms.ChoiceField(
        label=_("Housing First"), required=False,
        choices=[("", _("All")), ("ja", _("Housing First only")), ("nei", _("Not Housing First"))])
    background = forms.ChoiceField(label=_("Background"), required=False,
                                   choices=[("", _("All"))] + list(Background.choices))
    dwelling_kind = forms.ChoiceField(label=_("Kind of dwelling"), required=False,
                                      choices=[("", _("All"))] + list(DwellingKind.choices))
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.none(),
                                  empty_label=_("All"))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(municipality=municipality)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"start_year": data["start_year"], "background": data["background"],
                "dwelling_kind": data["dwelling_kind"], "team": data["team"],
                "housing_first": {"ja": True, "nei": False}.get(data["housing_first"])}


class PopulationForm(DesignsystemetForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    inhabitants = forms.IntegerField(
        label=_("Inhabitants on 1 January"), min_value=1,
        help_text=_("From SSB's table 07459 (population 1 January), the whole municipality."))
