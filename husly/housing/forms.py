from django import forms
from django.utils.translation import gettext_lazy as _

from husly.common.forms import DateInput, DesignsystemetForm
from husly.housing.models import (
    DwellingKind,
    DwellingStatus,
    Landlord,
    LandlordKind,
    OutreachKind,
    OwnerKind,
    SuitabilityTag,
    TenancyEndReason,
    WorkOrderKind,
    WorkOrderPriority,
)
from husly.people.models import HousingSituation


class DwellingFilterForm(DesignsystemetForm):
    q = forms.CharField(label=_("Address"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + DwellingKind.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses"))] + DwellingStatus.choices,
    )
    suitability = forms.ChoiceField(label=_("Suitability"), required=False)

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suitability"].choices = [("", _("Any suitability"))] + [
            (t.code, t.name) for t in tags
        ]


class DwellingForm(DesignsystemetForm):
    street_address = forms.CharField(label=_("Street address"), max_length=150)
    postal_code = forms.CharField(label=_("Postal code"), max_length=4,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    postal_place = forms.CharField(label=_("Postal place"), max_length=80)
    bruksenhetsnummer = forms.CharField(
        label=_("Unit number (bruksenhetsnummer)"), max_length=5, required=False,
        help_text=_("A letter and four digits, e.g. H0101."),
    )
    matrikkel = forms.CharField(
        label=_("Cadastral number (matrikkel)"), max_length=30,
        help_text=_("gnr/bnr[/fnr][/snr], e.g. 38/112 or 38/112/0/3."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DwellingKind.choices)
    rooms = forms.IntegerField(label=_("Rooms"), min_value=1, max_value=20)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), min_value=1, max_digits=6,
                                 decimal_places=1)
    floor = forms.IntegerField(label=_("Floor"), initial=1, min_value=-3, max_value=50)
    has_lift = forms.BooleanField(label=_("Lift"), required=False)
    wheelchair_accessible = forms.BooleanField(label=_("Wheelchair accessible"), required=False)
    suitability = forms.ModelMultipleChoiceField(
        label=_("Suitability"), queryset=SuitabilityTag.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner_kind = forms.ChoiceField(label=_("Owner"), choices=OwnerKind.choices,
                                   initial=OwnerKind.MUNICIPAL)
    landlord = forms.ModelChoiceField(label=_("Private landlord"),
                                      queryset=Landlord.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in DwellingStatus.choices if c[0] != DwellingStatus.LET],
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suitability"].queryset = SuitabilityTag.objects.filter(
            municipality=municipality)
        self.fields["landlord"].queryset = Landlord.objects.filter(municipality=municipality)


class TenancyForm(DesignsystemetForm):
    residents = forms.ModelMultipleChoiceField(label=_("Residents"), queryset=None)
    start_date = forms.DateField(label=_("Start"), widget=DateInput())
    fixed_term_end = forms.DateField(
        label=_("Fixed-term end"), widget=DateInput(), required=False,
        help_text=_("At least three years, unless the dwelling is earmarked for the "
                    "disadvantaged and the tenant was told in writing (husleieloven § 11-1)."),
    )
    monthly_rent = forms.DecimalField(label=_("Monthly rent (kr)"), min_value=0,
                                      max_digits=8, decimal_places=0)

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].queryset = residents


class TenancyEndForm(DesignsystemetForm):
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    end_reason = forms.ChoiceField(
        label=_("Why did the tenancy end?"),
        choices=[("", _("Choose a reason"))] + TenancyEndReason.choices,
    )
    housing_situation_after = forms.ChoiceField(
        label=_("The residents' housing situation afterwards"),
        choices=[("", _("Not known yet"))] + HousingSituation.choices, required=False,
    )
    what_went_wrong = forms.CharField(
        label=_("If it ended unplanned: what went wrong?"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eviction, abandonment, institution or prison put the person back on the "
                    "list of people without a home at once, with a re-settlement case. This is "
                    "shown at the next application and allocation."))
    do_differently = forms.CharField(
        label=_("What should be done differently next time?"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}))


class WorkOrderDoneForm(DesignsystemetForm):
    what_was_done = forms.CharField(label=_("What was done"),
                                    widget=forms.Textarea(attrs={"rows": 3}))
    guidance_given = forms.CharField(
        label=_("What the resident was taught to do next time"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Harm reduction: show how, so they can do it themselves next time."))


class ArrearsForm(DesignsystemetForm):
    amount = forms.DecimalField(label=_("Amount owed (kr)"), min_value=1, max_digits=9,
                                decimal_places=0)
    months_behind = forms.IntegerField(label=_("Months behind"), min_value=1, max_value=24)


class WorkOrderForm(DesignsystemetForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        c for c in WorkOrderKind.choices if c[0] != WorkOrderKind.PREPARATION])
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int,
                                      choices=WorkOrderPriority.choices,
                                      initial=WorkOrderPriority.NORMAL)
    description = forms.CharField(label=_("What to do"), widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Due"), widget=DateInput())


class PhotoForm(DesignsystemetForm):
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 5 MB."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].widget.attrs.update({"accept": "image/jpeg,image/png,image/webp",
                                                  "capture": "environment"})


class LandlordForm(DesignsystemetForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LandlordKind.choices)
    name = forms.CharField(label=_("Name"), max_length=150)
    organisation_number = forms.CharField(
        label=_("Organisation number"), max_length=11, required=False,
        help_text=_("Nine digits. Required for a company; a private person has none."))
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    postal_address = forms.CharField(label=_("Postal address"), max_length=200, required=False)
    note = forms.CharField(label=_("About the cooperation"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class LandlordContactForm(DesignsystemetForm):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=OutreachKind.choices)
    contacted_on = forms.DateField(label=_("Date"), widget=DateInput())
    summary = forms.CharField(label=_("What was said or agreed"),
                              widget=forms.Textarea(attrs={"rows": 3}))
    offered_address = forms.CharField(label=_("Address offered (offers only)"), max_length=200,
                                      required=False)
    offered_rooms = forms.IntegerField(label=_("Rooms (offers only)"), min_value=1,
                                       required=False)
    offered_rent = forms.DecimalField(label=_("Monthly rent in kr (offers only)"), min_value=0,
                                      decimal_places=0, required=False)


class PrivateLeaseForm(DesignsystemetForm):
    resident = forms.ModelChoiceField(label=_("Resident"), queryset=None)
    street_address = forms.CharField(label=_("Street address"), max_length=150)
    postal_code = forms.CharField(label=_("Postal code"), max_length=4)
    postal_place = forms.CharField(label=_("Postal place"), max_length=80)
    monthly_rent = forms.DecimalField(label=_("Monthly rent (kr)"), min_value=0,
                                      decimal_places=0)
    start_date = forms.DateField(label=_("Start"), widget=DateInput())

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
