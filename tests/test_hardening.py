"""Issue "Hardening": deploy checks, cookies, error reports, upload limits and the admin site."""

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter
from django_otp.plugins.otp_totp.models import TOTPDevice

from husly.access.models import AccessLogEntry
from husly.accounts.admin_site import site
from husly.accounts.models import Role, Unit
from tests.factories import ResidentFactory, staff_make

MANAGE = settings.BASE_DIR / "manage.py"
PASSWORD = "et-langt-testpassord-42"


def _production_env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HUSLY_") and k not in {
               "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
               # The browser tests set it for Playwright; production never has it.
               "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(HUSLY_HTTPS="1", SECRET_KEY=secrets.token_urlsafe(64),
               ALLOWED_HOSTS="husly.example.kommune.no", HUSLY_VAR_DIR=str(tmp_path))
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _run(env, *args):
    return subprocess.run([sys.executable, *args], env=env, cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=120, check=False)


def test_deploy_check_is_clean_with_the_production_settings(tmp_path):
    command = [str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"]
    result = _run(_production_env(tmp_path), *command)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

    # The same check without HTTPS fails: the test can tell the difference.
    result = _run(_production_env(tmp_path, HUSLY_HTTPS=None), *command)
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W012" in result.stderr  # session cookie not secure


def test_production_cookies_are_secure_httponly_and_same_site(tmp_path):
    names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
             "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
             "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "DEBUG"]
    script = ("import django, json; django.setup(); from django.conf import settings; "
              f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))")
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings")
    result = _run(env, "-c", script)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax", "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True, "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True, "LANGUAGE_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "DEBUG": False,
    }


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True, SESSION_COOKIE_SECURE=True,
                   CSRF_COOKIE_SECURE=True)
def test_responses_carry_hsts_and_flagged_cookies(client, make_staff):
    make_staff(Role.FOLLOWUP_WORKER, username="ansatt")
    page = client.get(reverse("accounts:login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["secure"] and csrf["samesite"] == "Lax"

    response = client.post(reverse("accounts:login"),
                           {"username": "ansatt", "password": PASSWORD}, secure=True)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_no_logger_mails_error_reports():
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)]
    handlers = [h for logger in loggers for h in logger.handlers]
    assert not [h for h in handlers if isinstance(h, AdminEmailHandler)]
    assert not settings.ADMINS


def test_error_reports_hide_post_data_cookies_and_local_variables():
    # Built from parts: the report shows source lines, which must not contain the values.
    national_id, note, session_key = "170590" + "80123", "Inn" + "lagt", "session-" + "key"
    request = RequestFactory().post("/beboere/", {"q": national_id, "note": note})
    request.COOKIES[settings.SESSION_COOKIE_NAME] = session_key
    try:
        raise ValueError("boom")
    except ValueError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    for text in (reporter.get_traceback_text(), reporter.get_traceback_html()):
        assert "boom" in text and "note" in text  # the report and the field names are there
        for value in (national_id, note, session_key):
            assert value not in text


def test_upload_limits_let_large_files_through_but_not_large_form_data():
    scan = SimpleUploadedFile("samtykke.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024),
                              content_type="application/pdf")
    request = RequestFactory().post("/x/", {"purpose": "Samarbeid", "attachment": scan})
    assert request.FILES["attachment"].size > 10 * 1024 * 1024
    assert request.POST["purpose"] == "Samarbeid"

    request = RequestFactory().post("/x/", {"note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                                                          + 1)})
    with pytest.raises(RequestDataTooBig):
        request.POST  # noqa: B018


# The admin site ----------------------------------------------------------------------------

@pytest.fixture
def administrator(make_staff):
    user = make_staff(Role.ADMINISTRATOR, username="admin")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def log_entry(municipality, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, username="miljo")
    resident = ResidentFactory(municipality=municipality, given_name="Ragnhild",
                               family_name="Hemmelighaug")
    return AccessLogEntry.objects.create(
        municipality=municipality, user=worker, resident=resident, accessed_at=timezone.now(),
        categories="followup", basis="team", view="people:resident_detail")


def test_a_verified_administrator_opens_the_admin(client, login, administrator, log_entry):
    login(client, administrator)
    assert client.get("/admin/").status_code == 200
    for model in site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
    page = client.get(reverse("admin:accounts_user_change", args=[administrator.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "is_health_personnel" in content and "cleared_for_protected_addresses" in content
    assert "argon2" not in content.lower() and "md5" not in content.lower()
    assert administrator.password not in content


def test_the_admin_login_is_the_apps_login(client, administrator):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login") + "?next=/admin/")


def test_an_administrator_without_two_factor_is_held_at_the_two_factor_step(
        client, administrator, settings):
    TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_the_demo_skips_two_factor_but_the_admin_does_not(client, administrator, settings):
    settings.HUSLY_REQUIRE_2FA = False
    client.force_login(administrator)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))


def test_staff_flag_and_administrator_role_are_both_needed(client, login, make_staff,
                                                           administrator):
    leader = make_staff(Role.TEAM_LEADER, username="leder")
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    login(client, leader)
    assert client.get("/admin/", follow=True).status_code == 403

    administrator.is_staff = False
    administrator.save(update_fields=["is_staff"])
    login(client, administrator)
    assert client.get("/admin/", follow=True).status_code == 403


def _admin_urls():
    """Every named admin URL, with made-up arguments: the site refuses before any lookup."""
    values = {"app_label": "accounts", "content_type_id": "1"}
    urls = []

    def walk(patterns, groups):
        for p in patterns:
            own = groups | set(p.pattern.regex.groupindex)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, own)
            elif isinstance(p, URLPattern) and p.name:
                urls.append(reverse(f"admin:{p.name}",
                                    kwargs={g: values.get(g, "1") for g in own}))

    resolver = next(p for p in get_resolver().url_patterns
                    if isinstance(p, URLResolver) and p.namespace == "admin")
    walk(resolver.url_patterns, set())
    return urls


def test_every_admin_url_refuses_everyone_but_verified_administrators(client, login,
                                                                       make_staff):
    urls = _admin_urls()
    assert len(urls) > 30
    for url in urls:
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login")), url

    leader = make_staff(Role.TEAM_LEADER, username="leder")
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    login(client, leader)
    for url in urls:
        assert client.get(url, follow=True).status_code == 403, url


def test_the_access_log_cannot_be_changed_or_deleted(client, login, administrator, log_entry):
    login(client, administrator)
    change = reverse("admin:access_accesslogentry_change", args=[log_entry.pk])
    page = client.get(change)
    assert page.status_code == 200  # readable
    assert "Hemmelighaug" not in page.content.decode()  # the resident as a number only
    assert client.post(change, {"basis": "case", "categories": "health"}).status_code == 403
    delete = reverse("admin:access_accesslogentry_delete", args=[log_entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:access_accesslogentry_add")).status_code == 403
    client.post(reverse("admin:access_accesslogentry_changelist"),
                {"action": "delete_selected", "_selected_action": [log_entry.pk], "post": "yes"})
    changelist = client.get(reverse("admin:access_accesslogentry_changelist"))
    assert "Hemmelighaug" not in changelist.content.decode()

    saved = AccessLogEntry.objects.get(pk=log_entry.pk)
    assert (saved.basis, saved.categories) == ("team", "followup")


def test_an_administrator_sees_only_their_own_municipality(client, login, administrator,
                                                           other_municipality):
    foreign_unit = Unit.objects.create(municipality=other_municipality, name="Stord NAV",
                                       kind="nav")
    foreign_worker = staff_make(municipality=other_municipality, role=Role.NAV_COUNSELLOR,
                                username="stord-nav")
    login(client, administrator)
    units = client.get(reverse("admin:accounts_unit_changelist")).content.decode()
    assert "Stord NAV" not in units
    response = client.get(reverse("admin:accounts_unit_change", args=[foreign_unit.pk]))
    assert response.status_code == 302  # "does not exist", back to the admin index
    response = client.get(reverse("admin:accounts_user_change", args=[foreign_worker.pk]))
    assert response.status_code == 302
    assert client.get(reverse("admin:common_municipality_add")).status_code == 403
    add_role = client.get(reverse("admin:accounts_roleassignment_add")).content.decode()
    assert "Stord" not in add_role


def test_staff_who_also_work_elsewhere_are_left_to_a_superuser(client, login, administrator,
                                                               make_staff, other_municipality):
    from husly.accounts.services import role_assign

    # Given a staff member with roles here and in another municipality
    shared = make_staff(Role.ANALYST, username="delt")
    role_assign(user=shared, municipality=other_municipality, role=Role.ADMINISTRATOR, unit=None)
    local = make_staff(Role.ANALYST, username="lokal")
    login(client, administrator)
    # Then this municipality's administrator cannot open, change or reset them
    assert client.get(reverse("admin:accounts_user_change", args=[local.pk])).status_code == 200
    change = reverse("admin:accounts_user_change", args=[shared.pk])
    assert client.get(change).status_code == 302  # "does not exist", back to the index
    response = client.post(reverse("admin:auth_user_password_change", args=[shared.pk]),
                           {"password1": "et-nytt-langt-passord-99",
                            "password2": "et-nytt-langt-passord-99"})
    assert response.status_code in (302, 403, 404)
    shared.refresh_from_db()
    assert shared.check_password("et-langt-testpassord-42")
