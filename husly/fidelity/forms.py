from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.accounts.models import Team
from husly.common.forms import DateInput, DesignsystemetForm
from husly.fidelity.models import FidelityDomain, FidelityItem

TEXT_MAX = FidelityItem._meta.get_field("text").max_length


class StartForm(DesignsystemetForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    year = forms.IntegerField(label=_("Year"), initial=lambda: timezone.localdate().year)

    def __init__(self, *args, municipality, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(municipality=municipality)
        self.fields["team"].queryset = teams
        own = teams.filter(memberships__user=user).first() if user is not None else None
        if own is not None:
            self.fields["team"].initial = own.pk


class ItemForm(DesignsystemetForm):
    text = forms.CharField(label=_("Text"), max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_("Place in the domain"), min_value=0, max_value=999,
                               initial=0, help_text=_("Lower numbers come first."))
    active = forms.BooleanField(
        label=_("Scored in new assessments"), required=False, initial=True,
        help_text=_("An item that is no longer scored keeps its scores from earlier years."))


class NewItemForm(DesignsystemetForm):
    domain = forms.ModelChoiceField(label=_("Domain"), queryset=FidelityDomain.objects.none())
    text = forms.CharField(label=_("Text"), max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_("Place in the domain"), min_value=0, max_value=999,
                               initial=99, help_text=_("Lower numbers come first."))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = FidelityDomain.objects.filter(municipality=municipality)


class ScoreForm(DesignsystemetForm):
    """A score and a comment per item. The scale is checked by the service, which names the
    item in its refusal; the form only reads whole numbers."""

    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DateInput())

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            score = forms.IntegerField(
                label=_("Score"), required=False,
                widget=forms.RadioSelect(choices=[
                    (n, str(n)) for n in range(item.scale_min, item.scale_max + 1)]),
                error_messages={"invalid": _("Choose a whole number on the scale.")})
            comment = forms.CharField(label=_("Comment"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
            for name, f in ((f"s{item.pk}", score), (f"c{item.pk}", comment)):
                f.widget.attrs["class"] = "ds-input"
                self.fields[name] = f

    def scores(self) -> dict:
        return {item.pk: (self.cleaned_data.get(f"s{item.pk}"),
                          self.cleaned_data.get(f"c{item.pk}", ""))
                for item in self.items}

    def groups(self, previous: dict | None = None):
        """The items per domain with their two fields, for the template."""
        previous = previous or {}
        groups = []
        for item in self.items:
            if not groups or groups[-1]["domain"].pk != item.domain_id:
                groups.append({"domain": item.domain, "rows": []})
            groups[-1]["rows"].append({"item": item, "score": self[f"s{item.pk}"],
                                       "comment": self[f"c{item.pk}"],
                                       "previous": previous.get(item.pk)})
        return groups
