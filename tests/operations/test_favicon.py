"""Browsers ask for /favicon.ico on every new session: it answers with the vendored USWDS
icon, signed in or not (no 404 in the log, no console error)."""
import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_favicon_redirects_to_the_vendored_icon_without_sign_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("vendor/uswds/img/favicons/favicon.ico")
    assert finders.find("vendor/uswds/img/favicons/favicon.ico")
