from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from husly.accounts.models import User
from husly.accounts.selectors import WORKING_ROLES, staff_in_unit_kind
from husly.allocation.models import (
    TASK_UNIT_CHOICES,
    CriterionAssessment,
    DecisionKind,
    DeclineReason,
)
from husly.common.forms import DateInput, DesignsystemetForm
from husly.housing.models import DwellingKind
from husly.people.models import Background

STATEMENT_CONSENT_CHOICES = [
    ("", _("Not asked yet")), ("written", _("Yes, in writing")), ("verbal", _("Yes, verbally")),
]


class ApplicationForm(DesignsystemetForm):
    applicant = forms.ModelChoiceField(label=_("Applicant"), queryset=None)
    household_members = forms.ModelMultipleChoiceField(
        label=_("Other household members"), queryset=None, required=False,
        help_text=_("Hold Ctrl (Cmd on Mac) to choose several."),
    )
    registered_on = forms.DateField(label=_("Registered"), widget=DateInput(),
                                    initial=timezone.localdate)
    rooms_needed = forms.IntegerField(label=_("Rooms needed"), min_value=1, max_value=8,
                                      initial=1)
    needs_ground_floor_or_lift = forms.BooleanField(label=_("Needs ground floor or lift"),
                                                    required=False)
    needs_wheelchair_access = forms.BooleanField(label=_("Needs wheelchair access"),
                                                 required=False)
    needs_rop_suited = forms.BooleanField(label=_("Needs a dwelling suited for the ROP group"),
                                          required=False)
    needs_24h_staffing = forms.BooleanField(label=_("Needs 24-hour staffing"), required=False)
    wished_area = forms.CharField(label=_("Wished area"), max_length=150, required=False)
    wished_kind = forms.ChoiceField(label=_("Wished kind of dwelling"), required=False,
                                    choices=[("", _("No wish"))] + DwellingKind.choices)
    wishes = forms.CharField(label=_("The applicant's own wishes, in their words"),
                             required=False, widget=forms.Textarea(attrs={"rows": 3}))
    housing_first = forms.BooleanField(label=_("Housing First"), required=False)
    referral_source = forms.ChoiceField(label=_("Referral source"), required=False,
                                        choices=[("", _("Not known"))] + Background.choices)
    statement_consent_form = forms.ChoiceField(
        label=_("Consent to the follow-up unit's statement"), required=False,
        choices=STATEMENT_CONSENT_CHOICES, initial="",
        help_text=_("Ask the applicant whether the follow-up unit may give the housing service "
                    "a statement on the application. It covers that statement only."),
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = residents
        self.fields["household_members"].queryset = residents


class AssessmentForm(DesignsystemetForm):
    def __init__(self, *args, criteria, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=criterion.text, choices=[("", _("Not assessed"))]
                + CriterionAssessment.Verdict.choices, required=False,
                initial=current.get(criterion.pk, ""),
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"


class StatementForm(DesignsystemetForm):
    text = forms.CharField(
        label=_("Statement from the follow-up unit"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The statement goes to the housing service. Write what it needs to find a "
                    "dwelling that works: needs, risks for the tenancy, what the resident "
                    "wishes. Keep health details out: no diagnoses, medication or treatment."),
    )


class StatementConsentForm(DesignsystemetForm):
    form = forms.ChoiceField(label=_("How the consent was given"),
                             choices=STATEMENT_CONSENT_CHOICES[1:], widget=forms.RadioSelect)
    given_on = forms.DateField(label=_("Given"), widget=DateInput(), initial=timezone.localdate)


class DecisionForm(DesignsystemetForm):
    granted = forms.TypedChoiceField(
        label=_("Outcome"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Granted")), ("no", _("Refused"))], widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=_("Kind of decision"), choices=DecisionKind.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("The facts and the assessment the decision rests "
                                          "on (forvaltningsloven §§ 24–25)."))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300,
                                  help_text=_("For example: the municipality's allocation "
                                              "rules § 3, or boligsosial lov § 10."))
    dwelling_kind = forms.ChoiceField(label=_("Kind of dwelling granted"), required=False,
                                      choices=[("", "–")] + DwellingKind.choices)
    rooms = forms.IntegerField(label=_("Rooms granted"), min_value=1, max_value=8,
                               required=False)
    lease_months = forms.TypedChoiceField(label=_("Lease length"), required=False,
                                          coerce=int, empty_value=None)
    help_content = forms.CharField(label=_("The help granted (tailored help)"),
                                   required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, lease_lengths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lease_months"].choices = [("", "–")] + [
            (m, _("%(months)s months") % {"months": m}) for m in lease_lengths]


class OfferForm(DesignsystemetForm):
    dwelling = forms.ModelChoiceField(label=_("Dwelling"), queryset=None,
                                      widget=forms.RadioSelect)
    answer_by = forms.DateField(label=_("Answer by"), widget=DateInput(), required=False,
                                help_text=_("Leave empty for the municipality's usual "
                                            "deadline."))

    def __init__(self, *args, dwellings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dwelling"].queryset = dwellings


class ViewingForm(DesignsystemetForm):
    viewing_on = forms.DateField(label=_("Viewing date"), widget=DateInput())
    companions = forms.CharField(label=_("Who came along"), max_length=300, required=False)


class AnswerForm(DesignsystemetForm):
    accepted = forms.TypedChoiceField(
        label=_("Answer"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Accepted")), ("no", _("Declined"))],
    )
    decline_reason = forms.ChoiceField(label=_("Reason for declining"), required=False,
                                       choices=[("", "–")] + DeclineReason.choices)


class AllocateForm(DesignsystemetForm):
    allocated_on = forms.DateField(label=_("Allocation date"), widget=DateInput(),
                                   initial=timezone.localdate)

    def __init__(self, *args, business_days: int = 3, accepted_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["allocated_on"]
        field.help_text = ngettext(
            "Today or earlier, not before the offer was accepted. The joint meeting is due "
            "%(days)s business day after it.",
            "Today or earlier, not before the offer was accepted. The joint meeting is due "
            "%(days)s business days after it.", business_days) % {"days": business_days}
        field.widget.attrs["aria-describedby"] = "id_allocated_on-hjelp"
        field.widget.attrs["max"] = timezone.localdate().isoformat()
        if accepted_on:
            field.widget.attrs["min"] = accepted_on.isoformat()


class ScheduleForm(DesignsystemetForm):
    scheduled_on = forms.DateField(label=_("Meeting date"), widget=DateInput())


class MeetingForm(DesignsystemetForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(),
                              initial=timezone.localdate)
    attendees = forms.ModelMultipleChoiceField(label=_("Attended"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("What is needed now, and who does what"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, staff_queryset, templates, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff_queryset
        self.templates = list(templates)
        for template in self.templates:
            # Only the people of the responsible unit: a task is not the analyst's or the
            # administrator's, nor another unit's.
            field = forms.ModelChoiceField(
                label=template.title, required=False,
                queryset=staff_in_unit_kind(municipality=municipality, kind=template.unit_kind),
                empty_label=_("The unit (%(unit)s)") % {"unit": template.get_unit_kind_display()},
            )
            field.widget.attrs["class"] = "ds-input"
            self.fields[f"t{template.pk}"] = field

    def task_fields(self):
        return [self[f"t{t.pk}"] for t in self.templates]

    def assignees(self) -> dict:
        return {t.pk: self.cleaned_data.get(f"t{t.pk}") for t in self.templates}


class MoveInForm(DesignsystemetForm):
    moved_in_on = forms.DateField(label=_("Keys handed over on"), widget=DateInput(),
                                  initial=timezone.localdate)
    monthly_rent = forms.DecimalField(label=_("Monthly rent (kr)"), min_value=0, max_digits=8,
                                      decimal_places=0)


class SettingsForm(DesignsystemetForm):
    lease_lengths = forms.CharField(
        label=_("Lease lengths granted (months)"), max_length=60,
        help_text=_("Separate with commas, e.g. 36, 60. At least 36 months, unless the "
                    "dwelling is earmarked for the disadvantaged (husleieloven §§ 9-3, 11-1)."))
    statement_due_days = forms.IntegerField(label=_("Days to give a statement"), min_value=1,
                                            max_value=60)
    meeting_business_days = forms.IntegerField(
        label=_("Business days to the joint meeting"), min_value=1, max_value=10)
    offer_answer_days = forms.IntegerField(label=_("Days to answer an offer"), min_value=1,
                                           max_value=60)
    appeal_body = forms.CharField(label=_("Appeal body for dwelling decisions"),
                                  max_length=200)
    contact = forms.CharField(label=_("Contact for viewing and contract"), max_length=300,
                              required=False, help_text=_("Printed in the decision letters."))

    def clean_lease_lengths(self):
        raw = self.cleaned_data["lease_lengths"]
        try:
            months = sorted({int(part) for part in raw.replace(";", ",").split(",")
                             if part.strip()})
        except ValueError:
            raise forms.ValidationError(_("Write whole months separated by commas, e.g. "
                                          "36, 60.")) from None
        if not months or any(m < 1 or m > 240 for m in months):
            raise forms.ValidationError(_("Give at least one lease length between 1 and 240 "
                                          "months."))
        return months


class CriterionForm(DesignsystemetForm):
    text = forms.CharField(label=_("New criterion"), max_length=300)


class TaskTemplateForm(DesignsystemetForm):
    title = forms.CharField(label=_("New task"), max_length=200)
    unit_kind = forms.ChoiceField(label=_("Responsible unit"), choices=TASK_UNIT_CHOICES)
    due_business_days = forms.IntegerField(label=_("Due (business days after the meeting)"),
                                           min_value=0, max_value=30, initial=2)
    blocks_move_in = forms.BooleanField(label=_("Must be done before move-in"),
                                        required=False, initial=True)
    is_preparation = forms.BooleanField(label=_("Caretaker prepares the dwelling"),
                                        required=False)
    purpose = forms.CharField(label=_("Why the task is done"), max_length=300, required=False,
                              help_text=_("Shown in the morning meeting beside the task."))


def staff_in(municipality):
    """Who may attend a joint meeting: the staff who work in the municipality's units."""
    return (User.objects.filter(role_assignments__municipality=municipality, is_active=True,
                                role_assignments__role__in=WORKING_ROLES)
            .distinct().order_by("first_name", "last_name"))
