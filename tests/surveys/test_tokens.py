"""The link token's life: stored as a hash, opening does not use it, submitting uses it
once, and every unusable link looks the same."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.errors import LINK_UNAVAILABLE_MESSAGE, SurveyLinkUnavailable, SurveyRateLimited
from surveys.models import SurveyInvitation, SurveyResponse, SurveyToken
from surveys.services_campaigns import survey_campaign_close
from surveys.services_responses import survey_link_open, survey_response_submit
from surveys.tokens import token_hash
from tests.conftest import World
from tests.surveys.factories import family_invitation

ADDRESS = "192.0.2.10"
ANSWERS = {"explained_worries": 4, "overall_satisfied": 5}


def _submit(invitation: SurveyInvitation, token: str) -> object:
    return survey_response_submit(
        invitation_id=invitation.pk, token_hash=token_hash(token), answers=ANSWERS
    )


def _unavailable_message(**kwargs: object) -> str:
    with pytest.raises(SurveyLinkUnavailable) as raised:
        survey_link_open(client_address=ADDRESS, **kwargs)  # type: ignore[arg-type]
    return raised.value.message


def test_token_is_long_and_stored_only_as_its_hash(world: World) -> None:
    invitation, token = family_invitation(world)

    stored = SurveyToken.objects.get(invitation=invitation)

    assert len(token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    assert stored.token_hash == token_hash(token)
    assert token not in stored.token_hash
    assert not SurveyToken.objects.filter(token_hash=token).exists()


def test_opening_the_link_does_not_use_it_up(world: World) -> None:
    invitation, token = family_invitation(world)

    for _ in range(3):  # a mail scanner, a link preview, the parent
        opened = survey_link_open(token=token, client_address=ADDRESS)

    invitation.refresh_from_db()
    assert opened.invitation.pk == invitation.pk
    assert invitation.used_at is None
    assert invitation.opened_at is not None
    assert SurveyResponse.objects.count() == 0


def test_submitting_uses_the_link_up_once(world: World) -> None:
    invitation, token = family_invitation(world)

    _submit(invitation, token)
    with pytest.raises(SurveyLinkUnavailable):
        _submit(invitation, token)

    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert SurveyResponse.objects.filter(invitation=invitation).count() == 1
    assert SurveyResponse.objects.get().answers == ANSWERS


def test_used_expired_invalid_and_closed_links_look_the_same(world: World) -> None:
    used, used_token = family_invitation(world)
    _submit(used, used_token)
    expired, expired_token = family_invitation(world)
    SurveyInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    closed, closed_token = family_invitation(world)
    survey_campaign_close(campaign=closed.campaign)

    messages = {
        _unavailable_message(token=used_token),
        _unavailable_message(token=expired_token),
        _unavailable_message(token=closed_token),
        _unavailable_message(token="x" * 43),  # well formed, unknown
        _unavailable_message(token="not a token!"),
    }

    assert messages == {LINK_UNAVAILABLE_MESSAGE}


def test_a_second_link_for_the_same_invitation_is_used_up_with_the_first(world: World) -> None:
    from surveys.services_invitations import survey_invitation_issue_link

    invitation, first = family_invitation(world)
    second = survey_invitation_issue_link(invitation=invitation, by=world.practitioner).token

    _submit(invitation, second)

    with pytest.raises(SurveyLinkUnavailable):
        survey_link_open(token=first, client_address=ADDRESS)


def test_token_look_ups_are_rate_limited_per_address(world: World, settings: object) -> None:
    settings.SURVEY_TOKEN_LOOKUPS_PER_MINUTE = 5  # type: ignore[attr-defined]
    _, token = family_invitation(world)

    for _ in range(3):
        survey_link_open(token=token, client_address=ADDRESS)
    for _ in range(2):
        with pytest.raises(SurveyLinkUnavailable):
            survey_link_open(token="y" * 43, client_address=ADDRESS)
    # The sixth look-up in the minute is refused, even for a good link.
    with pytest.raises(SurveyRateLimited):
        survey_link_open(token=token, client_address=ADDRESS)

    # Another address is not held back, and the valid link still opens from it.
    assert survey_link_open(token=token, client_address="192.0.2.99").token_hash == token_hash(
        token
    )


def test_the_rate_limit_keeps_no_address_in_the_cache_keys(world: World) -> None:
    # Whatever the cache (in-process in tests on SQLite, Redis in CI's PostgreSQL run):
    # the look-up is counted under a keyed hash of the address, never the address.
    from django.core.cache import cache

    from surveys.tokens import _address_key

    _, token = family_invitation(world)
    window = int(time.time() // 60)
    survey_link_open(token=token, client_address=ADDRESS)

    key = _address_key(ADDRESS, window)
    if cache.get(key) is None:  # the minute turned between the look-up and here
        key = _address_key(ADDRESS, window + 1)
    assert cache.get(key) == 1
    assert ADDRESS not in key
    assert key.startswith("surveys:lookups:")
