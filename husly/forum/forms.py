import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.accounts.models import User
from husly.common.forms import DateInput, DesignsystemetForm


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingForm(DesignsystemetForm):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput(),
                           initial=datetime.time(9, 0))
    place = forms.CharField(label=_("Meeting place"), max_length=150,
                            help_text=_("A meeting room, or a video link."))
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none())

    def __init__(self, *args, chairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs

    def starts_at(self):
        """The date and time as one moment in the municipality's time zone (Europe/Oslo)."""
        day, time = self.cleaned_data["day"], self.cleaned_data["time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))


class AgendaItemForm(DesignsystemetForm):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    text = forms.CharField(label=_("Details"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("About dwellings and cooperation. Write no health "
                                       "information here."))


class MinutesForm(DesignsystemetForm):
    attendees = forms.ModelMultipleChoiceField(label=_("Who attended"),
                                               queryset=User.objects.none(),
                                               widget=forms.CheckboxSelectMultiple,
                                               required=False)
    notes = forms.CharField(label=_("Other notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("The forum's minutes are read by the property "
                                        "department: write no health information."))

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff


class DecisionForm(DesignsystemetForm):
    text = forms.CharField(label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 3}))
    # The service refuses a decision without an owner with the same words.
    owner = forms.ModelChoiceField(label=_("Responsible"), queryset=User.objects.none(),
                                   empty_label=_("Choose the owner"), error_messages={
                                       "required": _("A decision needs an owner. Choose who "
                                                     "is responsible for following it up.")},
                                   help_text=_("The person responsible for following the "
                                               "decision up."))
    due_on = forms.DateField(label=_("Due"), widget=DateInput(), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff


class DoneForm(DesignsystemetForm):
    note = forms.CharField(label=_("What was done"), required=False, max_length=500)
