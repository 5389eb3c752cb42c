from django import forms
from django.utils.translation import gettext_lazy as _

from husly.common.forms import DesignsystemetForm
from husly.imports.fields import fields_for
from husly.imports.models import ImportKind


class UploadForm(DesignsystemetForm):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=())
    upload = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, with ; or , between the cells) or XLSX, with the column names "
                    "in the first row. At most 5 MB and 5,000 rows."))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"), initial="utf-8",
        choices=[("utf-8", _("UTF-8 (Excel: “CSV UTF-8”)")),
                 ("windows-1252", _("Windows-1252 (older programs)"))],
        help_text=_("Choose Windows-1252 only if Husly says the file is not UTF-8."))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ImportKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]
        self.fields["upload"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet")


class MappingForm(DesignsystemetForm):
    """For each Husly field, the file's column that holds it. Whether every required field
    has one is the service's rule; the form offers the columns."""

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", _("– not in the file –"))] + [
            (str(i), name) for i, name in enumerate(batch.header)]
        for f in fields_for(batch.kind):
            self.fields[f.name] = forms.ChoiceField(
                label=f.label, choices=columns, required=f.required,
                initial=str(batch.mapping[f.name]) if f.name in batch.mapping else "",
                error_messages={"required": _(
                    "Choose the column that holds this. If the file has no such column, add "
                    "it to the file and upload it again.")})
            self.fields[f.name].widget.attrs["class"] = "ds-input"

    def mapping(self) -> dict:
        return {name: (int(v) if v not in ("", None) else None)
                for name, v in self.cleaned_data.items()}
