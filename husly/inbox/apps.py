from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "husly.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        from husly.access.context_processors import menu_count_register
        from husly.inbox.selectors import inbox_count

        menu_count_register("inbox", lambda staff: inbox_count(staff=staff))
