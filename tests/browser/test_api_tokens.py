"""API tokens in a real browser: an analyst issues a token, copies it, it authenticates an
API call, then revokes it and it no longer does; the API docs open inside the layout."""
import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_issues_and_revokes_a_token_in_the_browser(new_page, analyst_a, program_a):
    # Given an analyst signed in, who reaches the token page from the navigation
    page = new_page(analyst_a)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/api-tokens/")

    # When they name a read-and-write token, give it 30 days and issue it
    page.get_by_label("Name").fill("DSCA feed")
    page.get_by_label("Read and write", exact=False).check()
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Issue token").click()

    # Then the token is shown once, with the warning, and copies to the clipboard
    assert "shown only once" in page.get_by_role("alert").inner_text()
    token = page.get_by_role("textbox", name="Token (").input_value()
    assert len(token) == 64
    page.get_by_role("button", name="Copy token").click()
    expect(page.locator("#token-copied")).to_have_text("Token copied to the clipboard.")  # waits for the promise
    assert page.evaluate("navigator.clipboard.readText()") == token
    screenshot(page, "api-tokens-issued")
    # and it authenticates an API call
    headers = {"Authorization": f"Token {token}"}
    assert page.request.get(f"/api/v1/programs/{program_a.pk}/", headers=headers).status == 200

    # When they revoke it (confirmation page, then the button)
    page.goto("/api-tokens/")
    assert token not in page.content(), "the token is not shown again"
    row = page.locator("#api-tokens tbody tr", has_text="DSCA feed")
    assert "read and write" in row.inner_text()
    row.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke token").click()

    # Then the list says so and the token no longer works
    page.wait_for_url("**/api-tokens/")
    assert "revoked" in page.locator(".messages").inner_text()
    assert "DSCA feed" not in page.locator("#api-tokens").inner_text()
    assert page.request.get(f"/api/v1/programs/{program_a.pk}/", headers=headers).status == 401


def test_the_api_docs_open_inside_the_layout_with_a_way_back(new_page, analyst_a):
    page = new_page(analyst_a)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API", exact=True).click()
    page.wait_for_url("**/api/v1/docs/")
    page.locator(".swagger-ui .info").wait_for()  # Swagger UI drew the schema under the strict CSP
    assert page.get_by_role("navigation", name="Main").is_visible()
    screenshot(page, "api-docs-in-layout")
    page.get_by_role("link", name="Back to the portal's home page").click()
    page.wait_for_url(lambda url: url.endswith("/"))
