from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.accounts.models import Team, User
from husly.accounts.selectors import not_in_unit_message, staff_in_units
from husly.common.forms import DateInput, DesignsystemetForm
from husly.followup.models import NOTE_CATEGORIES, VisitStatus, Weekday


class AgreementForm(DesignsystemetForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    primary_contact = forms.ModelChoiceField(label=_("Primary contact"),
                                             queryset=User.objects.none())
    start_date = forms.DateField(label=_("Start"), widget=DateInput(),
                                 initial=timezone.localdate)
    visit_weekday = forms.TypedChoiceField(label=_("Day of the weekly visit"), coerce=int,
                                           choices=Weekday.choices, initial=Weekday.TUESDAY)
    health_care_accepted = forms.BooleanField(
        label=_("The resident accepts health care"), required=False, initial=True,
        help_text=_("The weekly visit is part of the agreement whatever the answer; health "
                    "care can be declined and accepted again later."))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(municipality=municipality)
        self.fields["primary_contact"].queryset = (
            User.objects.filter(team_memberships__team__municipality=municipality)
            .distinct().order_by("first_name", "last_name"))


class DateForm(DesignsystemetForm):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)


class VisitForm(DesignsystemetForm):
    status = forms.ChoiceField(
        label=_("How did the visit go?"), widget=forms.RadioSelect,
        choices=[c for c in VisitStatus.choices if c[0] != VisitStatus.PLANNED])
    visitors = forms.ModelMultipleChoiceField(label=_("Who went"), queryset=User.objects.none(),
                                              widget=forms.CheckboxSelectMultiple,
                                              required=False)
    damage = forms.BooleanField(label=_("Damage to the dwelling"), required=False)
    dangerous_objects_removed = forms.BooleanField(label=_("Dangerous objects found and "
                                                           "removed"), required=False)
    hygiene_concern = forms.BooleanField(label=_("Hygiene concern"), required=False)
    fire_safety_concern = forms.BooleanField(label=_("Fire safety concern"), required=False)
    neighbour_complaint = forms.BooleanField(label=_("Neighbour complaint"), required=False)
    actions = forms.CharField(label=_("Actions taken"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    note_text = forms.CharField(label=_("Note"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    note_category = forms.ChoiceField(label=_("The note is"), choices=NOTE_CATEGORIES,
                                      initial="followup")

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = (User.objects.filter(team_memberships__team=team)
                                            .order_by("first_name", "last_name"))


class CoordinationForm(DesignsystemetForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(),
                              initial=timezone.localdate)
    needed_now = forms.CharField(label=_("What is needed now?"),
                                 widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label=_("What next?"), widget=forms.Textarea(attrs={"rows": 3}))
    TASK_ROWS = 3

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        unit_list = list(units)
        # The people who may answer for a task: those who work in one of the units (never
        # the analyst or the administrator), grouped by unit.
        self.unit_staff = staff_in_units(unit_ids=[u.pk for u in unit_list])
        people = [("", _("The unit"))] + [
            (str(unit), [(user.pk, str(user)) for user in self.unit_staff[unit.pk]])
            for unit in unit_list if self.unit_staff[unit.pk]]
        for i in range(1, self.TASK_ROWS + 1):
            title = forms.CharField(label=_("Task %(n)s") % {"n": i}, max_length=200,
                                    required=False)
            unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=units,
                                          required=False)
            person = forms.TypedChoiceField(
                label=_("Responsible person"), choices=people, coerce=int, empty_value=None,
                required=False,
                help_text=_("Someone in the responsible unit, or leave it to the unit."))
            due = forms.DateField(label=_("Due"), widget=DateInput(), required=False)
            for name, field in ((f"task{i}_title", title), (f"task{i}_unit", unit),
                                (f"task{i}_person", person), (f"task{i}_due", due)):
                field.widget.attrs["class"] = "ds-input"
                if field.help_text:
                    field.widget.attrs["aria-describedby"] = f"id_{name}-hjelp"
                self.fields[name] = field

    def clean(self):
        data = super().clean()
        for i in range(1, self.TASK_ROWS + 1):
            if data.get(f"task{i}_title") and not (data.get(f"task{i}_unit")
                                                   and data.get(f"task{i}_due")):
                self.add_error(f"task{i}_title", _("A task needs a responsible unit and a "
                                                   "due date."))
            unit, person = data.get(f"task{i}_unit"), data.get(f"task{i}_person")
            if unit is not None and person is not None:
                match = [u for u in self.unit_staff.get(unit.pk, []) if u.pk == person]
                if match:
                    data[f"task{i}_person"] = match[0]
                else:
                    name = next((u for group in self.unit_staff.values() for u in group
                                 if u.pk == person), "")
                    self.add_error(f"task{i}_person", not_in_unit_message(name, unit))
        return data

    def tasks(self) -> list[dict]:
        return [{"title": self.cleaned_data[f"task{i}_title"],
                 "unit": self.cleaned_data[f"task{i}_unit"],
                 "assigned_to": self.cleaned_data.get(f"task{i}_person"),
                 "due_on": self.cleaned_data[f"task{i}_due"]}
                for i in range(1, self.TASK_ROWS + 1) if self.cleaned_data.get(f"task{i}_title")]


class PlanForm(DesignsystemetForm):
    review_on = forms.DateField(label=_("Review by"), widget=DateInput(),
                                help_text=_("The plan shows up for review on this date."))
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, prompts, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompt_keys = [key for key, _prompt in prompts]
        for key, prompt in prompts:
            field = forms.CharField(label=prompt, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
            field.widget.attrs["class"] = "ds-input"
            self.fields[f"a_{key}"] = field
        self.order_fields([f"a_{k}" for k in self.prompt_keys] + ["review_on", "based_on"])

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(f"a_{key}", "") for key in self.prompt_keys}


class FollowUpSettingsForm(DesignsystemetForm):
    coordination_business_days = forms.IntegerField(
        label=_("Business days to the coordination meeting"), min_value=1, max_value=20,
        help_text=_("When health care is declined or ended."))
    weeks_planned_ahead = forms.IntegerField(label=_("Weeks of visits planned ahead"),
                                             min_value=1, max_value=26)
