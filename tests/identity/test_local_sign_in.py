"""Local (password) accounts stay for break-glass administrators; administrators can
switch password sign-in off for everyone else."""
import pytest
from django.test import Client
from django.utils.html import escape

from identity.forms import LOCAL_SIGN_IN_OFF
from identity.selectors import sign_in_policy_get
from tests import factories
from tests.security.signin import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _switch_local_sign_in_off() -> None:
    policy = sign_in_policy_get()
    policy.local_password_sign_in = False
    policy.save()


def _sign_in(username: str, password: str = PASSWORD):
    client = Client()
    return client, client.post("/accounts/login/", {"username": username, "password": password})


def test_by_default_analysts_sign_in_with_a_password(analyst_a):
    client, answer = _sign_in("analyst_a")
    assert answer.status_code == 302 and client.get("/").status_code == 200


def test_switched_off_an_analyst_password_is_refused_with_a_clear_message(analyst_a):
    _switch_local_sign_in_off()
    client, answer = _sign_in("analyst_a")
    assert answer.status_code == 200
    assert escape(LOCAL_SIGN_IN_OFF) in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_switched_off_a_wrong_password_gets_the_usual_message(analyst_a):
    _switch_local_sign_in_off()
    _, answer = _sign_in("analyst_a", "wrong-password")
    assert "correct username and password" in answer.content.decode()
    assert escape(LOCAL_SIGN_IN_OFF) not in answer.content.decode()


def test_switched_off_a_break_glass_administrator_still_signs_in_with_the_second_factor(administrator):
    _switch_local_sign_in_off()
    client, answer = _sign_in("admin_user")
    assert answer.status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/otp/verify/")


def test_the_setting_switches_it_off_too(settings, manager):
    settings.LOCAL_PASSWORD_SIGN_IN = False
    _, answer = _sign_in("manager")
    assert escape(LOCAL_SIGN_IN_OFF) in answer.content.decode()


def test_the_switch_keeps_its_history():
    sign_in_policy_get().save()  # as administrators first save it (reading it writes nothing)
    _switch_local_sign_in_off()
    assert [h.local_password_sign_in for h in sign_in_policy_get().history.order_by("history_date")] == [True, False]


def test_the_sign_in_page_offers_each_provider_and_says_who_may_use_a_password(settings):
    settings.OIDC_PROVIDERS = {
        "state": {"name": "Department of State (Okta)", "issuer": "https://state.okta.example", "client_id": "portal",
                  "client_secret": "s"},
        "dod": {"name": "Department of Defense (Entra ID)", "issuer": "https://login.entra.example/t/v2.0",
                "client_id": "portal", "client_secret": "s"},
    }
    _switch_local_sign_in_off()
    html = Client().get("/accounts/login/?next=/programs/").content.decode()
    assert 'href="/accounts/oidc/state/?next=/programs/"' in html
    assert "Sign in with Department of Defense (Entra ID)" in html
    assert "Reserved for break-glass administrators" in html


def test_with_no_provider_configured_the_sign_in_page_is_the_password_form(settings):
    settings.OIDC_PROVIDERS = {}
    html = Client().get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in html and 'name="password"' in html


def test_an_oidc_account_has_no_password_to_sign_in_with():
    user = factories.AnalystFactory(username="oidc.user")
    user.set_unusable_password()
    user.save()
    _, answer = _sign_in("oidc.user")
    assert "correct username and password" in answer.content.decode()


def test_reading_the_policy_writes_nothing_and_gives_the_defaults():
    policy = sign_in_policy_get()
    assert (policy.local_password_sign_in, policy.elevated_roles_require_piv) == (True, False)
    assert not policy.__class__.objects.exists()


def test_forgot_your_password_shows_only_while_everyone_may_sign_in_with_a_password(settings):
    link = 'href="/accounts/password/reset/"'
    assert link in Client().get("/accounts/login/").content.decode()
    _switch_local_sign_in_off()
    assert link not in Client().get("/accounts/login/").content.decode()
    sign_in_policy_get().__class__.objects.update(local_password_sign_in=True)
    settings.LOCAL_PASSWORD_SIGN_IN = False
    assert link not in Client().get("/accounts/login/").content.decode()


RESET_PAGES = ("/accounts/password/reset/", "/accounts/password/reset/sent/",
               "/accounts/password/reset/MQ/set-password/", "/accounts/password/reset/done/")


@pytest.mark.parametrize("switched_off_by", ["policy", "setting"])
def test_switched_off_every_password_reset_page_answers_404(settings, analyst_a, switched_off_by):
    # Given password sign-in on: the reset pages answer (the link from an e-mail redirects to its form)
    assert [Client().get(path).status_code for path in RESET_PAGES] == [200, 200, 200, 200]
    # When administrators switch it off (in the admin, or the deployment by its setting)
    if switched_off_by == "policy":
        _switch_local_sign_in_off()
    else:
        settings.LOCAL_PASSWORD_SIGN_IN = False
    # Then every reset page, and a reset request, answer 404, and no e-mail goes out
    assert [Client().get(path).status_code for path in RESET_PAGES] == [404, 404, 404, 404]
    assert Client().post(RESET_PAGES[0], {"email": analyst_a.email or "a@example.gov"}).status_code == 404


def test_switched_off_the_locked_out_page_does_not_offer_a_reset(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    _switch_local_sign_in_off()
    request = rf.get("/accounts/login/")
    request.user = AnonymousUser()
    html = render_to_string("registration/locked_out.html", request=request)
    assert "/accounts/password/reset/" not in html and "ask an administrator" in html


CHANGE_PAGES = ("/accounts/password/change/", "/accounts/password/change/done/")
CHANGE_LINK = 'href="/accounts/password/change/"'


def _signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)  # administrators: with the second factor verified
    return client


def test_the_change_password_link_and_pages_are_there_while_the_user_can_use_a_password(analyst_a):
    client = _signed_in(analyst_a)
    assert CHANGE_LINK in client.get("/").content.decode()
    assert [client.get(path).status_code for path in CHANGE_PAGES] == [200, 200]


@pytest.mark.parametrize("switched_off_by", ["policy", "setting"])
def test_switched_off_no_change_password_link_and_its_pages_answer_404(settings, analyst_a, administrator, switched_off_by):
    if switched_off_by == "policy":
        _switch_local_sign_in_off()
    else:
        settings.LOCAL_PASSWORD_SIGN_IN = False
    client = _signed_in(analyst_a)
    assert CHANGE_LINK not in client.get("/").content.decode()
    assert [client.get(path).status_code for path in CHANGE_PAGES] == [404, 404]
    assert client.post(CHANGE_PAGES[0], {"old_password": PASSWORD, "new_password1": "a-new-and-long-passphrase",
                                         "new_password2": "a-new-and-long-passphrase"}).status_code == 404
    # A break-glass administrator still signs in with a password, so may still change it.
    admin = _signed_in(administrator)
    assert CHANGE_LINK in admin.get("/notifications/").content.decode()
    assert admin.get(CHANGE_PAGES[0]).status_code == 200


def test_an_account_from_the_identity_provider_gets_no_change_password_link_nor_page():
    user = factories.AnalystFactory(username="oidc.user")
    user.set_unusable_password()
    user.save()
    client = _signed_in(user)
    assert CHANGE_LINK not in client.get("/").content.decode()
    assert [client.get(path).status_code for path in CHANGE_PAGES] == [404, 404]
