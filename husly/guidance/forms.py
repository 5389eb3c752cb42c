from django import forms
from django.utils.translation import gettext_lazy as _

from husly.common.forms import DesignsystemetForm
from husly.guidance.models import Place
from husly.guidance.services import BODY_MAX, ITEM_MAX, TITLE_MAX

OWN_PLACES = [(value, label) for value, label in Place.choices if value != Place.PRINCIPLES]


class GuidanceTextForm(DesignsystemetForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Leave a blank line between paragraphs. Keep it short: "
                    "a new worker reads it where they work."))
    place = forms.ChoiceField(
        label=_("Shown"), choices=OWN_PLACES, initial=Place.ROUTINE,
        help_text=_("Always on the method page; also where the work is done if you choose "
                    "a place in the workflow."))

    def __init__(self, *args, place_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if place_fixed:
            del self.fields["place"]


class ChecklistItemForm(DesignsystemetForm):
    text = forms.CharField(label=_("Point on the checklist"), max_length=ITEM_MAX)


class ChecklistItemEditForm(ChecklistItemForm):
    active = forms.BooleanField(label=_("In use"), required=False)
