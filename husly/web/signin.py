"""Signing in: the password, the second factor, single sign-on, signing out and choosing the
municipality. Pages of the interface layer: they use the access policy's page rules (ADR 0031)."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import login, logout
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from husly.access.decorators import page
from husly.accounts import services, sso
from husly.accounts.forms import LoginForm, TokenForm
from husly.accounts.middleware import SESSION_MUNICIPALITY, two_factor_step


def _next_url(request, default="home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


@page("public")
def login_view(request):
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        step = two_factor_step(form.user)
        next_url = _next_url(request)
        if step:
            return redirect(reverse(step) + "?next=" + next_url)
        services.staff_signed_in(user=form.user, method="password")
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/login.html", {
        "form": form, "next": _next_url(request),
        "sso_name": settings.HUSLY_OIDC_NAME if sso.sso_enabled() else None,
        "sso_next": _next_url(request, default="home") if request.GET.get("next") else None,
    })


@page("public")
def sso_login(request):
    """The login page's single sign-on link: on to the OpenID provider."""
    if not sso.sso_enabled():
        raise Http404
    try:
        return sso.sso_redirect(request, next_url=_next_url(request, default="home"))
    except sso.SsoRefused as refused:
        return _sso_refused(request, refused)


@page("public")
def sso_callback(request):
    """The provider sends the browser back here with a code, or with an error."""
    if not sso.sso_enabled():
        raise Http404
    try:
        _user, next_url = sso.sso_complete(request)
    except sso.SsoRefused as refused:
        return _sso_refused(request, refused)
    return HttpResponseRedirect(next_url)


def _sso_refused(request, refused):
    name = settings.HUSLY_OIDC_NAME
    pages = {
        "no_access": (
            _("You have no access to Husly"),
            _("You are signed in at %(name)s, but Husly has no active staff account with a "
              "role for you. Ask your administrator for access to Husly.") % {"name": name}),
        "mfa": (
            _("Two-factor sign-in is needed"),
            _("%(name)s did not confirm that you signed in with two factors. Sign in there "
              "with two-factor authentication, or ask your administrator.") % {"name": name}),
        "state": (
            _("The sign-in could not be completed"),
            _("The answer to Husly was old, used already or changed on the way. Start again "
              "from the login page.")),
        "idp_error": (
            _("The sign-in was stopped"),
            _("%(name)s cancelled or refused the sign-in. Start again from the login page, or "
              "log in with your Husly username and password.") % {"name": name}),
        "invalid": (
            _("The sign-in could not be completed"),
            _("The answer from %(name)s could not be verified. Start again from the login "
              "page; if it happens again, tell your administrator.") % {"name": name}),
        "unavailable": (
            _("Single sign-on is not available just now"),
            _("%(name)s does not answer. Try again in a few minutes, or log in with your Husly "
              "username and password.") % {"name": name}),
    }
    title, text = pages[refused.reason]
    return render(request, "accounts/sso_refused.html", {"title": title, "text": text},
                  status=refused.status)


@page("public")
def otp_verify(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            services.staff_signed_in(user=request.user, method="password+totp")
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("The code is wrong or too old. Type the code the app shows "
                                  "now; it changes every 30 seconds."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@page("public")
def otp_setup(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if any(True for _ in devices_for_user(request.user, confirmed=True)):
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Husly", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.totp_device_confirm(device=device, by=request.user)
            otp_login(request, device)
            services.staff_signed_in(user=request.user, method="password+totp")
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("The code does not match. Check that the app shows Husly and "
                                  "type the code it shows now."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    qr_data_uri = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr_data_uri": qr_data_uri, "secret": secret, "next": _next_url(request),
    })


@require_POST
@page("public")
def logout_view(request):
    # Read before logout(), which empties the session.
    id_token = request.session.get(sso.SESSION_ID_TOKEN, "")
    logout(request)
    provider_logout = sso.sso_logout_url(request, id_token=id_token)
    if provider_logout:
        return HttpResponseRedirect(provider_logout)
    return redirect("accounts:login")


@require_POST
@page("signed_in")
def municipality_switch(request):
    wanted = request.POST.get("municipality")
    if wanted and request.user.role_assignments.filter(municipality_id=wanted).exists():
        request.session[SESSION_MUNICIPALITY] = int(wanted)
    return redirect("home")
