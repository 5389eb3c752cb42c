from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.accounts.models import Unit
from husly.common.forms import DesignsystemetForm

SHARE_ROWS = 3


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class PositionForm(DesignsystemetForm):
    """The position and up to three funding units, each with its share in percent. The rules
    (100 % in all, each unit once) are the service's; the form only pairs the fields."""

    year = forms.IntegerField(label=_("Budget year"), initial=lambda: timezone.localdate().year)
    title = forms.CharField(label=_("Position"), max_length=200,
                            help_text=_("E.g. “NAV counsellor in the Housing First team”."))
    holder = HolderChoiceField(label=_("Holder"), required=False,
                               queryset=get_user_model().objects.none())
    fte_percent = forms.IntegerField(label=_("Size of the position (%)"), initial=100,
                                     help_text=_("100 is a full-time position."))
    annual_cost = forms.DecimalField(label=_("Annual cost (kr)"), decimal_places=0,
                                     max_digits=12,
                                     help_text=_("Salary and social costs for the year."))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = get_user_model().objects.filter(
            role_assignments__municipality=municipality).distinct().order_by(
            "first_name", "last_name", "username")
        units = Unit.objects.filter(municipality=municipality).order_by("name")
        for n in range(1, SHARE_ROWS + 1):
            unit = forms.ModelChoiceField(label=_("Unit %(n)s") % {"n": n}, queryset=units,
                                          required=False)
            percent = forms.IntegerField(label=_("Share %(n)s (%%)") % {"n": n},
                                         required=False)
            for name, f in ((f"unit_{n}", unit), (f"percent_{n}", percent)):
                f.widget.attrs["class"] = "ds-input"
                self.fields[name] = f

    def main_fields(self):
        return [self[name] for name in ("year", "title", "holder", "fte_percent",
                                         "annual_cost", "note")]

    def share_rows(self):
        return [(self[f"unit_{n}"], self[f"percent_{n}"]) for n in range(1, SHARE_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for n in range(1, SHARE_ROWS + 1):
            unit, percent = data.get(f"unit_{n}"), data.get(f"percent_{n}")
            if unit is not None and percent is None:
                self.add_error(f"percent_{n}", _("Give the share of this unit in percent."))
            elif unit is None and percent is not None:
                self.add_error(f"unit_{n}", _("Choose the unit that pays this share."))
        return data

    def shares(self) -> list[tuple]:
        return [(self.cleaned_data[f"unit_{n}"], self.cleaned_data[f"percent_{n}"])
                for n in range(1, SHARE_ROWS + 1) if self.cleaned_data.get(f"unit_{n}")]


class CopyForm(DesignsystemetForm):
    from_year = forms.IntegerField(label=_("Copy the positions of"))
    to_year = forms.IntegerField(label=_("To the budget year"))
