import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client, override_settings

from organisation.middleware import AUTHENTICATED_AT, LAST_SEEN_AT
from tests.conftest import World


def _signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    return client


def _shift_session(client: Client, key: str, seconds_ago: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds_ago
    session.save()


def test_a_session_idle_for_over_30_minutes_ends(world: World) -> None:
    client = _signed_in(world.practitioner)
    _shift_session(client, LAST_SEEN_AT, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # signed out, not just redirected once


def test_a_session_idle_for_29_minutes_carries_on(world: World) -> None:
    client = _signed_in(world.practitioner)
    _shift_session(client, LAST_SEEN_AT, 29 * 60)
    assert client.get("/").status_code == 200


def test_a_session_ends_12_hours_after_sign_in_even_when_active(world: World) -> None:
    client = _signed_in(world.practitioner)
    _shift_session(client, AUTHENTICATED_AT, 12 * 3600 + 1)
    assert client.get("/").status_code == 302


def test_an_ended_session_gets_401_from_the_api(world: World) -> None:
    client = _signed_in(world.practitioner)
    _shift_session(client, LAST_SEEN_AT, 31 * 60)
    assert client.get("/api/v1/teams/").status_code == 401


@override_settings(QA_REQUIRE_SECOND_FACTOR=True)
def test_without_an_authenticator_a_user_is_sent_to_set_one_up(world: World) -> None:
    client = Client()
    client.force_login(world.qa_lead)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/api/v1/teams/").status_code == 403
    # Setting up a second factor is reachable (allauth first asks for the password again).
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 302
    assert setup["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(setup["Location"]).status_code == 200


@override_settings(QA_REQUIRE_SECOND_FACTOR=True)
def test_survey_pages_are_not_held_back_by_the_second_factor(world: World) -> None:
    # A member of staff without an authenticator who opens a family survey link is a
    # respondent there: the link's page answers (here: the same page as any bad link).
    client = Client()
    client.force_login(world.qa_lead)
    response = client.get("/s/not-a-real-token/")
    assert response.status_code == 404
    assert "/accounts/2fa/" not in response.get("Location", "")


@override_settings(QA_REQUIRE_SECOND_FACTOR=True)
def test_with_an_authenticator_the_requirement_is_met(world: World) -> None:
    TOTP.activate(world.qa_lead, generate_totp_secret())
    client = Client()
    client.force_login(world.qa_lead)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/organisation/", "/me/"])
def test_pages_send_a_strict_content_security_policy(world: World, path: str) -> None:
    client = _signed_in(world.qa_lead)
    policy = client.get(path)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "default-src 'none'" in policy
