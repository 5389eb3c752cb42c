from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "husly.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self):
        # Each app's reactions to other apps' events (husly/<app>/subscribers.py, ADR 0031):
        # found by name, as the admin finds admin.py, so the kernel imports no domain app.
        autodiscover_modules("subscribers")
