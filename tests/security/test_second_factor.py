"""The TOTP second factor: required of administrators before any portal or admin page,
optional for other users (then required of them too)."""
import base64
import html
import logging
import re
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from programs.permissions import ADMINISTRATOR
from tests import factories
from tests.security.otp_helpers import confirmed_device, current_code, qr_text_from_svg

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def superuser():
    return factories.UserFactory(username="root_admin", role=ADMINISTRATOR, is_staff=True, is_superuser=True)


def _sign_in(client: Client, user, next_url: str = "/"):
    return client.post(f"/accounts/login/?next={next_url}", {"username": user.username, "password": PASSWORD,
                                                             "next": next_url})


def test_an_administrator_without_a_device_must_set_one_up_first(client, superuser):
    # Given an administrator who signs in with the right password
    assert _sign_in(client, superuser, "/programs/").status_code == 302

    # When they open any page, portal or admin
    for path in ("/programs/", "/admin/", "/dashboards/portfolio/"):
        response = client.get(path)
        # Then they are sent to the set-up page, keeping where they were going
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/setup/"), path
        assert parse_qs(urlsplit(response["Location"]).query)["next"] == [path]

    # And the set-up page shows a QR code of the provisioning URI, the secret in groups of
    # 4 and the URI itself, never cached
    response = client.get("/accounts/otp/setup/?next=/admin/")
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=superuser)
    secret = base64.b32encode(device.bin_key).decode()
    shown = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert shown == " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "style" not in svg and "<script" not in svg and " on" not in svg  # the strict CSP allows it inline
    uri = qr_text_from_svg(svg)
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/SSA Portal:root_admin"
    assert query["issuer"] == ["SSA Portal"] and query["secret"] == [secret] and query["digits"] == ["6"]
    assert html.escape(uri) in page  # the same URI as text, to paste
    label = re.search(r'<div class="otp-qr__image" role="img" aria-label="([^"]+)">', page).group(1)
    assert "QR code" in label and "root_admin" in label
    assert "Up to 6 characters" not in page and "The 6-digit code from your authenticator app." in page

    # When they confirm with a wrong code, then a clear message and still no access
    wrong = client.post("/accounts/otp/setup/", {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 400 and "not valid" in wrong.content.decode()
    assert client.get("/programs/").status_code == 302

    # When they confirm with the code the app shows (after django-otp's back-off: 1 s after
    # one failure, doubling with each further one), then every page opens
    time.sleep(1.1)
    confirmed = client.post("/accounts/otp/setup/", {"token": current_code(device), "next": "/admin/"})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/admin/"
    assert TOTPDevice.objects.get(user=superuser).confirmed
    assert client.get("/programs/").status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(("typed", "message"), [
    ("12345a", "The code is digits only (0-9). Enter the 6-digit code from your authenticator app."),
    ("１２３４５６", "The code is digits only (0-9)."),  # full-width digits are not what the app shows
    ("12345", "The code is 6 digits; this has 5. Enter the 6-digit code from your authenticator app."),
    ("1234567", "The code is 6 digits; this has 7."),
    ("", "Enter the 6-digit code from your authenticator app."),
])
def test_a_code_that_is_not_6_digits_is_refused_with_a_clear_message(client, superuser, typed, message):
    # Given an administrator on the set-up page
    _sign_in(client, superuser)
    client.get("/accounts/otp/setup/")
    # When they send something that is not a 6-digit code
    response = client.post("/accounts/otp/setup/", {"token": typed})
    # Then the code field says what is wanted, and nothing is confirmed
    page = response.content.decode()
    assert response.status_code == 400
    error = re.search(r'<span class="usa-error-message" id="id_token_error">(.*?)</span>', page, re.S).group(1)
    assert message in html.unescape(error)
    assert not TOTPDevice.objects.filter(user=superuser, confirmed=True).exists()


def test_a_code_typed_with_a_space_as_apps_show_it_is_accepted(client, superuser):
    _sign_in(client, superuser)
    client.get("/accounts/otp/setup/")
    code = current_code(TOTPDevice.objects.get(user=superuser))
    response = client.post("/accounts/otp/setup/", {"token": f"{code[:3]} {code[3:]}", "next": "/programs/"})
    assert response.status_code == 302 and response["Location"] == "/programs/"
    assert TOTPDevice.objects.get(user=superuser).confirmed


def test_an_administrator_with_a_device_verifies_at_each_sign_in(client, administrator, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    device = confirmed_device(administrator)
    _sign_in(client, administrator)
    response = client.get("/programs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")

    wrong = client.post("/accounts/otp/verify/", {"token": "123456", "next": "/programs/"})
    assert wrong.status_code == 400
    assert client.get("/programs/").status_code == 302
    time.sleep(1.1)  # django-otp's back-off after a failure
    right = client.post("/accounts/otp/verify/", {"token": current_code(device), "next": "/programs/"})
    assert right.status_code == 302 and right["Location"] == "/programs/"
    assert client.get("/programs/").status_code == 200
    events = [r.getMessage().split()[0] for r in caplog.records if r.name == "ssa_portal.security"]
    assert events[:3] == ["event=sign_in", "event=otp_failed", "event=otp_verified"]


def test_an_unverified_administrator_session_cannot_use_the_api(client, administrator):
    confirmed_device(administrator)
    _sign_in(client, administrator)
    response = client.get("/api/v1/programs/")
    assert response.status_code == 403 and response.json()["code"] == "second_factor_required"


def test_next_must_stay_on_the_portal(client, administrator):
    device = confirmed_device(administrator)
    _sign_in(client, administrator)
    response = client.post("/accounts/otp/verify/", {"token": current_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_analysts_are_not_asked_unless_they_enrol(client, analyst_a):
    _sign_in(client, analyst_a)
    assert client.get("/programs/").status_code == 200
    # an analyst may enrol from the set-up page; from then on the code is asked at sign-in
    client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=analyst_a)
    assert client.post("/accounts/otp/setup/", {"token": current_code(device)}).status_code == 302
    client.post("/accounts/logout/")
    _sign_in(client, analyst_a)
    assert client.get("/programs/")["Location"].startswith("/accounts/otp/verify/")


def test_api_tokens_of_administrators_are_not_sessions(client, administrator):
    from api.tokens import api_token_issue

    confirmed_device(administrator)
    _, key = api_token_issue(user=administrator, label="system")
    assert client.get("/api/v1/programs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_sign_in_page_explains_the_administrators_second_factor(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Administrators: a second factor" in page
    assert "6-digit code from an authenticator app (TOTP)" in page and "first sign-in" in page


def test_an_unverified_administrator_opening_the_api_docs_is_sent_to_the_second_factor(client, administrator):
    confirmed_device(administrator)
    _sign_in(client, administrator)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/otp/")
    link = client.get("/api/v1/programs/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert link.status_code == 302 and "next=/api/v1/programs/" in link["Location"]
    assert client.get("/api/v1/programs/", HTTP_ACCEPT="application/json").status_code == 403
