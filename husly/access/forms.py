from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.access.models import BreakGlassOutcome, BreakGlassReason, ConsentForm
from husly.accounts.models import Unit
from husly.common.forms import DateInput, DesignsystemetForm
from husly.common.models import Category

UNIT_CHOICE_ERRORS = {"invalid_choice": _("Choose units from the list."),
                      "invalid_pk_value": _("Choose units from the list.")}
# A missing answer is told in words that say what to do, the same as the service says it.
FROM_REQUIRED = {**UNIT_CHOICE_ERRORS,
                 "required": _("Choose the unit or units the information comes from.")}
TO_REQUIRED = {**UNIT_CHOICE_ERRORS, "required": _("Choose the unit or units that may read it.")}


class ConsentRecordForm(DesignsystemetForm):
    from_units = forms.ModelMultipleChoiceField(
        label=_("Share information from"), queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple, error_messages=FROM_REQUIRED)
    to_units = forms.ModelMultipleChoiceField(
        label=_("With"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages=TO_REQUIRED)
    categories = forms.MultipleChoiceField(
        label=_("What the consent covers"), choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose what the consent covers from the list."),
                        "required": _("Choose what the consent covers.")})
    purpose = forms.CharField(
        label=_("Purpose"), max_length=300, initial=_("Keeping the home"),
        error_messages={"required": _("Write what the information may be used for.")},
        help_text=_("What the information may be used for, as told to the resident."))
    given_on = forms.DateField(label=_("Given"), widget=DateInput(), initial=timezone.localdate)
    expires_on = forms.DateField(label=_("Expires"), widget=DateInput(), required=False,
                                 help_text=_("Leave empty if the consent runs until withdrawn."))
    form = forms.ChoiceField(label=_("Form"), choices=ConsentForm.choices,
                             widget=forms.RadioSelect, initial=ConsentForm.WRITTEN)
    attachment = forms.FileField(
        label=_("Scanned signed form"), required=False,
        help_text=_("PDF or photo, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(municipality=municipality).exclude(kind="caretaker")
        self.fields["from_units"].queryset = units
        self.fields["to_units"].queryset = units


class BreakGlassForm(DesignsystemetForm):
    reason = forms.ChoiceField(label=_("Why do you need access now?"),
                               choices=BreakGlassReason.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose why you need access.")})
    explanation = forms.CharField(
        label=_("Explain the situation"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Explain in a sentence what the emergency is, so the team "
                                      "leader can review it.")},
        help_text=_("The team leader reads this today. Do not write health details here."))


class BreakGlassReviewForm(DesignsystemetForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BreakGlassOutcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": _("Choose the outcome of the review.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RetentionSettingsForm(DesignsystemetForm):
    years_after_end = forms.IntegerField(
        label=_("Years after the last case ended"), min_value=1, max_value=50,
        help_text=_("Residents whose cases all ended longer ago than this, with no tenancy or "
                    "agreement running, are anonymised. Records archive rules require kept are "
                    "marked to be kept instead."))
