from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DesignsystemetForm(forms.Form):
    """Gives every widget Designsystemet's input class and ties help text and errors to it,
    so a screen reader reads what to fix together with the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "ds-input"
            if field.help_text and not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["aria-describedby"] = f"id_{name}-hjelp"

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            if attrs.get("aria-invalid"):
                continue
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = " ".join(
                filter(None, [attrs.get("aria-describedby"), f"id_{name}-feil"])
            )

    def add_service_error(self, error) -> None:
        """Show a service's refusal: next to its field when the form has one, else on top."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error.messages)
