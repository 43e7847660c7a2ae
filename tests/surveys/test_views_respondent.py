"""The respondent's pages: opening a link, answering one question a page, going back and
changing, checking, sending once, and the one page for links that cannot be used."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import SafetyAlert, SurveyInvitation, SurveyResponse
from tests.conftest import World
from tests.surveys.factories import allocated_child, family_invitation, open_campaign

INTRO = "/s/"
REVIEW = "/s/check/"
SEND = "/s/send/"
DONE = "/s/thank-you/"
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store, max-age=0",
    "X-Robots-Tag": "noindex, nofollow",
}


def q(number: int) -> str:
    return f"/s/q/{number}/"


def _opened(token: str) -> Client:
    client = Client()
    response = client.get(f"/s/{token}/")
    assert response.status_code == 302
    return client


def _answer_all(client: Client, total: int, value: str = "4") -> None:
    for number in range(1, total + 1):
        client.post(q(number), {"answer": value} if number <= 10 else {"skip": "1"})


def test_opening_the_link_keeps_it_unused_and_redirects_to_an_address_without_it(
    world: World,
) -> None:
    invitation, token = family_invitation(world)
    client = Client()

    response = client.get(f"/s/{token}/")

    assert response.status_code == 302
    assert response["Location"] == INTRO
    assert token not in response["Location"]
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert invitation.opened_at is not None
    assert token not in str(dict(client.session))
    intro = client.get(INTRO)
    assert intro.status_code == 200
    assert "Survey for parents and carers" in intro.content.decode()
    assert token not in intro.content.decode()


def test_opening_the_link_twice_still_works_and_keeps_the_answers(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)
    client.post(q(1), {"answer": "5"})

    client.get(f"/s/{token}/")

    assert 'value="5" checked' in client.get(q(1)).content.decode()


def test_each_question_has_its_own_page_with_progress_and_a_back_link(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)

    page = client.get(q(3)).content.decode()

    assert "Question 3 of 13" in page
    assert "I was asked for my ideas about keeping my children safe." not in page
    assert "My worker talked about what is going well in my family" in page
    assert f'href="{q(2)}" class="govuk-back-link"' in page
    assert "<legend" in page
    assert "govuk-fieldset__heading" in page
    assert page.count('type="radio"') == 5
    assert '<label class="govuk-label govuk-radios__label" for="answer-1">Strongly agree' in page


def test_answers_are_kept_in_the_session_between_pages(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)

    first = client.post(q(1), {"answer": "2"})
    second = client.post(q(2), {"answer": "5"})

    assert first["Location"] == q(2)
    assert second["Location"] == q(3)
    assert 'value="2" checked' in client.get(q(1)).content.decode()
    assert 'value="5" checked' in client.get(q(2)).content.decode()
    assert SurveyResponse.objects.count() == 0


def test_the_last_question_leads_to_the_review_which_changes_one_answer(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)
    _answer_all(client, 13)
    assert client.post(q(13), {"answer": "Nothing to add"})["Location"] == REVIEW

    review = client.get(REVIEW).content.decode()
    assert "Check your answers" in review
    assert "Nothing to add" in review
    assert f'href="{q(1)}?change=1"' in review
    change = client.get(f"{q(1)}?change=1").content.decode()
    assert f'href="{REVIEW}" class="govuk-back-link"' in change
    response = client.post(f"{q(1)}?change=1", {"answer": "1"})

    assert response["Location"] == REVIEW
    assert "Strongly disagree" in client.get(REVIEW).content.decode()


def test_skipping_an_optional_question_forgets_its_answer(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)
    client.post(q(1), {"answer": "5"})

    client.post(f"{q(1)}?change=1", {"skip": "1"})

    assert "Not answered" in client.get(REVIEW).content.decode()


def test_an_answer_the_question_does_not_offer_shows_the_error_summary(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)

    response = client.post(q(1), {"answer": "9"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#answer-1">Choose an answer.</a>' in page
    assert "<title>Error:" in page


def test_a_required_question_left_unanswered_is_refused(world: World) -> None:
    invitation, token = family_invitation(world)
    question = invitation.campaign.template.questions.get(position=1)
    question.required = True
    question.save()
    client = _opened(token)

    response = client.post(q(1), {})

    assert response.status_code == 400
    assert "Skip this question" not in response.content.decode()
    sent = client.post(SEND)
    assert sent["Location"] == f"{q(1)}?change=1&missing=1"
    assert "Choose an answer." in client.get(sent["Location"]).content.decode()
    assert SurveyResponse.objects.count() == 0


def test_sending_uses_the_link_up_once_and_a_second_send_gets_the_used_link_page(
    world: World,
) -> None:
    invitation, token = family_invitation(world)
    client = _opened(token)
    _answer_all(client, 13)

    sent = client.post(SEND)
    again = client.post(SEND)

    assert sent["Location"] == DONE
    assert "Your answers have been sent." in client.get(DONE).content.decode()
    assert SurveyResponse.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert again.status_code == 404
    assert "This link does not work" in again.content.decode()
    assert client.get(REVIEW).status_code == 404
    assert Client().get(f"/s/{token}/").status_code == 404


def test_comments_are_shared_with_managers_only_when_ticked(world: World) -> None:
    _, first = family_invitation(world)
    _, second = family_invitation(world)
    for token, share in ((first, {"share_comments": "yes"}), (second, {})):
        client = _opened(token)
        client.post(q(11), {"answer": "The plan"})
        assert "Managers can read what I wrote" in client.get(REVIEW).content.decode()
        client.post(SEND, share)

    shares = sorted(SurveyResponse.objects.values_list("share_comments", flat=True))
    assert shares == [False, True]


def test_invalid_expired_and_used_links_get_the_same_page(world: World) -> None:
    expired, expired_token = family_invitation(world)
    SurveyInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    _, used_token = family_invitation(world)
    client = _opened(used_token)
    client.post(SEND)

    responses = [
        Client().get(f"/s/{token}/")
        for token in ("x" * 43, "not-a-token", expired_token, used_token)
    ]

    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    page = responses[0].content.decode()
    assert "This link does not work" in page
    assert "Nid yw'r ddolen hon yn gweithio" in page
    assert 'name="csrfmiddlewaretoken"' not in page


def test_a_page_without_a_survey_in_the_session_gets_the_same_page(world: World) -> None:
    pages = [Client().get(path) for path in (INTRO, q(1), REVIEW, DONE)]
    invalid = Client().get(f"/s/{'x' * 43}/")

    assert {r.status_code for r in pages} == {404}
    assert {r.content for r in pages} == {invalid.content}


@pytest.mark.parametrize("path", [INTRO, q(1), REVIEW])
def test_every_respondent_page_sends_the_privacy_headers(world: World, path: str) -> None:
    _, token = family_invitation(world)
    client = Client()
    opening = client.get(f"/s/{token}/")

    response = client.get(path)

    for name, value in HEADERS.items():
        assert opening[name] == value
        assert response[name] == value
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_friendly_pages_send_the_privacy_headers_too(world: World, settings: Any) -> None:
    _, token = family_invitation(world)
    client = _opened(token)
    client.post(SEND)
    settings.SURVEY_TOKEN_LOOKUPS_PER_MINUTE = 0

    for response in (client.get(DONE), Client().get(INTRO), Client().get(f"/s/{token}/")):
        assert {name: response[name] for name in HEADERS} == HEADERS


def test_respondent_pages_have_no_staff_navigation_and_load_nothing_from_elsewhere(
    world: World,
) -> None:
    _, token = family_invitation(world)
    client = _opened(token)
    client.force_login(world.practitioner)

    page = client.get(q(1)).content.decode()

    assert "govuk-service-navigation" not in page
    assert "Sign out" not in page
    assert "https://" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_looking_up_links_is_rate_limited_per_address(world: World, settings: Any) -> None:
    settings.SURVEY_TOKEN_LOOKUPS_PER_MINUTE = 3
    _, token = family_invitation(world)
    client = Client()
    for _ in range(3):
        assert client.get(f"/s/{'x' * 43}/").status_code == 404

    refused = client.get(f"/s/{token}/")
    elsewhere = Client(REMOTE_ADDR="192.0.2.7").get(f"/s/{token}/")

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert elsewhere.status_code == 302


def test_the_language_switch_shows_welsh_and_keeps_the_answers(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)
    client.post(q(1), {"answer": "4"})
    assert "Cymraeg" in client.get(q(1)).content.decode()

    switched = client.post(reverse("surveys:respond_language"), {"language": "cy", "next": q(1)})

    assert switched["Location"] == q(1)
    page = client.get(q(1)).content.decode()
    assert '<html lang="cy"' in page
    assert "Cwestiwn 1 o 13" in page
    assert "Esboniodd fy ngweithiwr yn glir" in page
    assert "Cytuno" in page
    assert 'value="4" checked' in page
    assert ">English</button>" in page
    assert "Gwirio eich atebion" in client.get(REVIEW).content.decode()


def test_the_language_switch_goes_back_only_to_a_survey_page(world: World) -> None:
    _, token = family_invitation(world)
    client = _opened(token)

    response = client.post(
        reverse("surveys:respond_language"), {"language": "cy", "next": "https://example.org/"}
    )

    assert response["Location"] == INTRO


def test_a_childs_survey_says_before_the_questions_that_someone_will_be_told(
    world: World,
) -> None:
    campaign = open_campaign(world.organisation, "child_4_7")
    _, token = family_invitation(world, campaign)
    client = _opened(token)

    intro = client.get(INTRO).content.decode()
    safety_question = client.get(q(5)).content.decode()

    assert "Keeping you safe" in intro
    assert "we will tell a grown-up who can help you" in intro
    assert "For a grown-up: you can read the questions and answers aloud" in intro
    assert "If you say you don't feel safe, we will tell someone who can help you." in (
        safety_question
    )
    assert 'src="/static/images/faces/happy.svg" alt=""' in safety_question
    assert "Happy</label>" in safety_question


def test_a_child_who_says_they_do_not_feel_safe_raises_an_alert_but_the_page_does_not_say(
    world: World,
) -> None:
    campaign = open_campaign(world.organisation, "child_8_12")
    _, token = family_invitation(world, campaign, the_child=allocated_child(world))
    client = _opened(token)
    client.post(q(5), {"answer": "1"})

    client.post(SEND)

    alert = SafetyAlert.objects.get()
    assert alert.places == ["home"]
    done = client.get(DONE).content.decode()
    assert "Childline" in done
    assert "home" not in done


def test_the_staff_survey_says_plainly_what_is_and_is_not_stored(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff")
    client = Client()
    client.force_login(world.practitioner)

    response = client.get(reverse("surveys:staff_take", args=[campaign.pk]))

    assert response["Location"] == INTRO
    intro = client.get(INTRO).content.decode()
    assert "Your answers are anonymous" in intro
    assert "We do not keep your name, your login, your email address" in intro
    assert "We keep your answers, your team and the week you answered." in intro


def test_a_form_posted_with_the_null_origin_of_a_no_referrer_page_is_accepted_with_its_token(
    world: World,
) -> None:
    _, token = family_invitation(world)
    client = Client(enforce_csrf_checks=True)
    client.get(f"/s/{token}/")
    client.get(q(1))
    csrf = client.cookies["csrftoken"].value

    accepted = client.post(q(1), {"answer": "5", "csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="null")
    no_token = client.post(q(1), {"answer": "4"}, HTTP_ORIGIN="null")
    elsewhere = client.post(
        q(1), {"answer": "4", "csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="https://example.org"
    )

    assert accepted.status_code == 302
    assert no_token.status_code == 403
    assert elsewhere.status_code == 403
    assert 'value="5" checked' in client.get(q(1)).content.decode()
