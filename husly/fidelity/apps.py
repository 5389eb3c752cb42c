from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FidelityConfig(AppConfig):
    name = "husly.fidelity"
    label = "fidelity"
    verbose_name = _("Housing First fidelity")
