"""A real OpenID provider for the single sign-on tests, and a walk through its pages.

`oidc_provider` starts tests/accounts/oidc_provider.mjs (panva's oidc-provider, a devDependency
installed by `npm ci`) on a free loopback port, redirecting to the live server's callback, and
waits until its discovery document answers. Nothing here reaches beyond 127.0.0.1/localhost.
"""

import json
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from joserfc.jwk import RSAKey

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "husly"
CLIENT_SECRET = "husly-test-secret"
CALLBACK_PATH = "/konto/sso/svar/"
IDP_NAME = "Test-IdP"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Provider:
    issuer: str
    jwt_key_file: Path  # the private key of the private_key_jwt client "husly-jwt"


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node 20 is needed for the single sign-on tests (the OpenID provider).")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("oidc")
    key = RSAKey.generate_key(2048, parameters={"kid": "husly-test-1"}, private=True)
    key_file = folder / "client-key.json"
    key_file.write_text(json.dumps(key.as_dict(private=True)))
    public_jwks = json.dumps({"keys": [key.as_dict(private=False)]})
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own script
        [node, str(SCRIPT), str(port), live_server.url + CALLBACK_PATH, public_jwks],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"the OpenID provider stopped at start-up (see {log.name})")
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration",
                                timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the OpenID provider did not answer (see {log.name})")
            time.sleep(0.1)
        yield Provider(issuer=issuer, jwt_key_file=key_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def sso_site(settings, oidc_provider, live_server):
    """Single sign-on configured against the local provider, as an install would by env vars."""
    settings.HUSLY_OIDC_ISSUER = oidc_provider.issuer
    settings.HUSLY_OIDC_CLIENT_ID = CLIENT_ID
    settings.HUSLY_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.HUSLY_OIDC_NAME = IDP_NAME
    settings.HUSLY_OIDC_SCOPES = "openid email profile"
    settings.HUSLY_OIDC_USERNAME_CLAIM = "email"
    settings.HUSLY_OIDC_USERNAME_FIELD = "email"
    settings.HUSLY_OIDC_REQUIRE_MFA = False
    settings.HUSLY_OIDC_PRIVATE_KEY_FILE = ""
    settings.HUSLY_OIDC_PRIVATE_KEY_ID = ""
    return live_server.url


class _Form(HTMLParser):
    """The first form of a provider page: its action and fields."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.links = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self._in_form = attrs.get("action", ""), True
        elif tag == "input" and self._in_form and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def provider_form(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


def walk_to_callback(browser: requests.Session, husly_url: str, login: str, *,
                     abort: bool = False, start: str = "/konto/sso/") -> str:
    """From Husly's SSO link through the provider's login and consent pages, following every
    redirect, up to the URL the provider sends the browser back to (not yet opened)."""
    response = browser.get(husly_url + start, allow_redirects=False)
    for _ in range(20):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(husly_url + CALLBACK_PATH):
                return location
            response = browser.get(location, allow_redirects=False)
            continue
        assert response.status_code == 200, response.status_code
        form = _Form()
        form.feed(response.text)
        if abort:
            cancel = next(link for link in form.links if "/abort" in link)
            response = browser.get(urljoin(response.url, cancel), allow_redirects=False)
            continue
        assert form.action is not None, "the provider page has no form"
        data = dict(form.fields)
        if "login" in data:
            data.update(login=login, password="any")  # the development login takes any
        response = browser.post(urljoin(response.url, form.action), data=data,
                                allow_redirects=False)
    raise AssertionError("the provider never sent the browser back to Husly")
