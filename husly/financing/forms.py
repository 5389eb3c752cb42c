from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.common.forms import DateInput, DesignsystemetForm
from husly.financing.models import KIND_CATEGORY, FinancingKind, FinancingStatus


def _amount_field(label, help_text="", required=False):
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=11,
                              decimal_places=0, help_text=help_text,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric",
                                                              "step": "1"}))


class FinancingForm(DesignsystemetForm):
    kind = forms.ChoiceField(label=_("What is applied for"), choices=FinancingKind.choices)
    amount_applied = _amount_field(
        _("Amount applied for (kr)"),
        _("For bostøtte, the monthly amount; it may be left empty when it is not known."))
    sent = forms.TypedChoiceField(
        label=_("Is the application sent?"), widget=forms.RadioSelect, coerce=lambda v: v == "1",
        choices=[("1", _("Yes, it is sent")), ("0", _("No, it is a draft we are preparing"))],
        initial="1")
    applied_on = forms.DateField(
        label=_("Sent on"), widget=DateInput(), required=False, initial=timezone.localdate,
        help_text=_("For bostøtte: sent by the 25th counts for next month's payment."))
    household_members = forms.ModelMultipleChoiceField(
        label=_("Household members the application also covers"), required=False,
        queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, categories, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in FinancingKind.choices
                                       if KIND_CATEGORY[k] in categories]
        self.fields["household_members"].queryset = household
        if not household.exists():
            del self.fields["household_members"]


class SubmitForm(DesignsystemetForm):
    applied_on = forms.DateField(label=_("Sent on"), widget=DateInput(),
                                 initial=timezone.localdate)


class DecisionForm(DesignsystemetForm):
    status = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (s, FinancingStatus(s).label) for s in (FinancingStatus.GRANTED,
                                                FinancingStatus.PARTLY_GRANTED,
                                                FinancingStatus.REFUSED)])
    amount_granted = _amount_field(
        _("Amount granted (kr)"),
        _("Empty when granted in full: the amount applied for. Never more than that."))
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput(),
                                 initial=timezone.localdate)
    notified_on = forms.DateField(
        label=_("The decision reached the resident on"), widget=DateInput(), required=False,
        help_text=_("The three weeks to appeal count from this date. Leave empty if it was "
                    "the decision date."))
    decision_note = forms.CharField(label=_("About the decision"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(DesignsystemetForm):
    lodged_on = forms.DateField(label=_("Appeal lodged on"), widget=DateInput(),
                                initial=timezone.localdate)


class AppealDecisionForm(DesignsystemetForm):
    status = forms.ChoiceField(label=_("Appeal decision"), widget=forms.RadioSelect, choices=[
        (s, FinancingStatus(s).label) for s in (FinancingStatus.APPEAL_GRANTED,
                                                FinancingStatus.APPEAL_REFUSED)])
    amount_granted = _amount_field(
        _("Amount granted after the appeal (kr)"),
        _("When the appeal is granted: empty for all that was applied for."))
    decided_on = forms.DateField(label=_("Appeal decided on"), widget=DateInput(),
                                 initial=timezone.localdate)
    note = forms.CharField(label=_("About the appeal decision"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(DesignsystemetForm):
    on = forms.DateField(label=_("Withdrawn on"), widget=DateInput(),
                         initial=timezone.localdate)


class HomePurchaseForm(DesignsystemetForm):
    purchased_on = forms.DateField(
        label=_("Took over the home on"), widget=DateInput(), initial=timezone.localdate,
        help_text=_("The tenancy ends on this date as “bought own home”."))


class CaseloadFilterForm(DesignsystemetForm):
    type = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *FinancingKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("open", _("Open: waiting for sending or a decision")),
        *FinancingStatus.choices])
