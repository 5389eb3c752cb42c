from django.urls import include, path
from django.views.i18n import set_language

from husly.accounts.admin_site import site as admin_site
from husly.api.api import api
from husly.api.integration import integration_api
from husly.web import views as web_views
from husly.web.urls import app_urls

urlpatterns = [
    path("", web_views.home, name="home"),
    path("helse/", web_views.health, name="health"),
    path("innboks/", include("husly.inbox.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("konto/", include("husly.web.signin_urls")),
    path("beboere/", include(app_urls("husly.people.urls"))),
    path("boliger/", include(app_urls("husly.housing.urls"))),
    path("tildeling/", include(app_urls("husly.allocation.urls"))),
    path("oppfolging/", include(app_urls("husly.followup.urls"))),
    path("tavle/", include("husly.board.urls")),
    path("tilgang/", include("husly.access.urls")),
    path("resultater/troskap/", include("husly.fidelity.urls")),
    path("resultater/", include("husly.outcomes.urls")),
    path("finansiering/", include("husly.financing.urls")),
    path("metode/", include("husly.guidance.urls")),
    path("forum/", include("husly.forum.urls")),
    path("kostnadsdeling/", include("husly.costs.urls")),
    path("paminnelser/", include("husly.reminders.urls")),
    path("integrasjoner/", include("husly.integrations.urls")),
    # Before the staff API, which is mounted on the prefix above it.
    path("api/v1/integrasjon/", integration_api.urls),
    path("import/", include("husly.imports.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]

handler403 = "husly.common.views.permission_denied"
handler404 = "husly.common.views.page_not_found"
handler500 = "husly.common.views.server_error"
