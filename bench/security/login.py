"""Sign in to a running Husly as one demo user and print the cookies as shell assignments.

    python login.py BASE_URL USERNAME [PASSWORD] [--two-factor]

prints
    SESSIONID=...
    CSRFTOKEN=...

Standard library only. The password defaults to the demo password. Exits non-zero if the
server does not answer the login with a redirect and a session cookie (wrong password,
axes lock-out, two-factor asked for and not possible).

--two-factor: make the session OTP-verified, as the admin site asks even in the demo. The
first time, two-factor is set up as a person would on /konto/tofaktor/oppsett/ (read the
secret the page shows, type the current TOTP code) and the secret is kept in
bench/security/var/run/totp-USERNAME (var/run is the run's own database directory); later
logins type the code on /konto/tofaktor/.
"""

import base64
import hashlib
import hmac
import http.cookiejar
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

DEMO_PASSWORD = "husly-demo-2026"
SECRETS = Path(__file__).resolve().parent / "var" / "run"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def totp(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238 with django-otp's defaults: SHA-1, 30 s steps, 6 digits."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // 30)
    raw = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = raw[-1] & 0x0F
    return f"{(struct.unpack('>I', raw[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def fetch(opener, url, data: dict | None = None) -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(), ""
    except urllib.error.HTTPError as exc:  # redirects come back as errors without a handler
        return exc.code, exc.read().decode(errors="replace"), exc.headers.get("Location", "")


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return match.group(1) if match else ""


def type_code(opener, url: str, secret: str) -> bool:
    """Post the current code; django-otp takes each code once, so on a refusal wait for the
    next 30-second step and try once more."""
    for attempt in range(2):
        status, page, _location = fetch(opener, url)
        if status != 200:
            return False
        status, _page, _location = fetch(opener, url, {"csrfmiddlewaretoken": csrf_of(page),
                                                       "token": totp(secret)})
        if status == 302:
            return True
        if attempt == 0:
            time.sleep(30 - time.time() % 30 + 1)
    return False


def two_factor(opener, base: str, username: str) -> bool:
    secret_file = SECRETS / f"totp-{username}"
    setup = f"{base}/konto/tofaktor/oppsett/"
    status, page, location = fetch(opener, setup)
    if status == 200:  # no confirmed device yet: set one up
        secret = re.search(r"\b([A-Z2-7]{32})\b", page)
        if not secret:
            print("no secret on the two-factor setup page", file=sys.stderr)
            return False
        SECRETS.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secret.group(1))
        return type_code(opener, setup, secret.group(1))
    if "/konto/tofaktor/" in location and secret_file.exists():
        return type_code(opener, f"{base}/konto/tofaktor/", secret_file.read_text().strip())
    print(f"two-factor for {username}: no device secret in {secret_file}", file=sys.stderr)
    return False


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    base, username = args[0].rstrip("/"), args[1]
    password = args[2] if len(args) > 2 else DEMO_PASSWORD
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    login_url = f"{base}/konto/logg-inn/"
    _status, page, _location = fetch(opener, login_url)
    if not csrf_of(page):
        print("no csrfmiddlewaretoken on the login page", file=sys.stderr)
        return 1
    status, _page, location = fetch(opener, login_url, {
        "csrfmiddlewaretoken": csrf_of(page), "username": username, "password": password})
    cookies = {c.name: c.value for c in jar}
    if status != 302 or "sessionid" not in cookies:
        print(f"login as {username} failed: HTTP {status}, Location {location!r}",
              file=sys.stderr)
        return 1
    if "--two-factor" in sys.argv:
        if not two_factor(opener, base, username):
            print(f"two-factor for {username} failed", file=sys.stderr)
            return 1
    elif "tofaktor" in location:
        print(f"login as {username}: two-factor asked for (use --two-factor)", file=sys.stderr)
        return 1
    cookies = {c.name: c.value for c in jar}
    print(f"SESSIONID={cookies['sessionid']}")
    print(f"CSRFTOKEN={cookies['csrftoken']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
