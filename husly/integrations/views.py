"""The administrator's integration pages: tokens for other systems, created, shown once,
revoked, with each token's call log. Access by the page kind `integrations`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from husly.access.decorators import page
from husly.integrations import selectors, services
from husly.integrations.forms import TokenForm


@page("integrations")
def token_list(request):
    municipality = request.staff.municipality
    return render(request, "integrations/token_list.html", {
        "tokens": selectors.tokens_listed(municipality=municipality),
        "today": timezone.localdate()})


@never_cache
@page("integrations")
def token_create(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.integration_token_create(
                municipality=request.staff.municipality, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            # Shown in this answer only: not stored, not in a message or the session.
            return render(request, "integrations/token_created.html",
                          {"token": token, "secret": secret})
    return render(request, "integrations/token_form.html", {"form": form})


@page("integrations")
def token_detail(request, pk: int):
    token = selectors.token_get(municipality=request.staff.municipality, pk=pk)
    calls = Paginator(selectors.token_calls(token=token), 50).get_page(request.GET.get("side"))
    return render(request, "integrations/token_detail.html", {
        "token": token, "page_obj": calls, "today": timezone.localdate()})


@page("integrations")
def token_revoke(request, pk: int):
    """GET asks to confirm; POST revokes."""
    token = selectors.token_get(municipality=request.staff.municipality, pk=pk)
    if request.method == "POST":
        try:
            services.integration_token_revoke(token=token, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The token is revoked. Calls with it are refused from "
                                        "now on."))
        return redirect("integrations:token_detail", pk=token.pk)
    return render(request, "integrations/token_revoke.html", {"token": token})
