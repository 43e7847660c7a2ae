"""The staff survey pages: templates, campaigns, invitations to hand over, and the
child safety alerts."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisation.models import AccessLogEntry
from surveys.backends import LocmemSender
from surveys.models import (
    CampaignStatus,
    SafetyAlert,
    SurveyCampaign,
    SurveyInvitation,
    SurveyTemplate,
    SurveyToken,
    TemplateStatus,
)
from surveys.services_invitations import survey_invitation_create
from surveys.services_responses import survey_response_submit
from surveys.tokens import token_hash
from tests.conftest import World
from tests.surveys.factories import allocated_child, family_invitation, open_campaign, template


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _access_log(route: str) -> list[tuple[int, str, str]]:
    return list(
        AccessLogEntry.objects.filter(route=route).values_list(
            "user_id", "object_type", "object_id"
        )
    )


# --- Templates --------------------------------------------------------------------------


def test_a_qa_lead_creates_a_draft_adds_a_question_in_two_languages_and_publishes_it(
    world: World,
) -> None:
    client = _client(world.qa_lead)

    created = client.post(
        reverse("surveys:template_create"),
        {"key": "carers-2026", "audience": "parents", "title_en": "Carers", "title_cy": "Gofalwyr"},
    )
    draft = SurveyTemplate.objects.get(key="carers-2026")
    assert created["Location"] == reverse("surveys:template_detail", args=[draft.pk])
    added = client.post(
        reverse("surveys:question_add", args=[draft.pk]),
        {"code": "listened", "kind": "agree5", "text_en": "I was listened to.",
         "text_cy": "Cefais fy ngwrando."},
    )  # fmt: skip
    assert added.status_code == 302
    page = client.get(reverse("surveys:template_detail", args=[draft.pk])).content.decode()
    assert "I was listened to." in page
    assert "Cefais fy ngwrando." in page
    assert "English, Welsh" in page

    client.post(reverse("surveys:template_publish", args=[draft.pk]))

    draft.refresh_from_db()
    assert draft.status == TemplateStatus.PUBLISHED
    assert client.get(reverse("surveys:template_edit", args=[draft.pk])).status_code == 403


def test_publishing_an_empty_draft_is_refused_with_the_services_message(world: World) -> None:
    client = _client(world.qa_lead)
    client.post(
        reverse("surveys:template_create"),
        {"key": "empty", "audience": "staff", "title_en": "Empty"},
    )
    draft = SurveyTemplate.objects.get(key="empty")

    response = client.post(reverse("surveys:template_publish", args=[draft.pk]), follow=True)

    assert "Add at least one question before publishing." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == TemplateStatus.DRAFT


def test_a_published_survey_is_changed_through_a_new_draft_version(world: World) -> None:
    published = template(world.organisation, "parents")
    client = _client(world.qa_lead)

    response = client.post(reverse("surveys:template_new_version", args=[published.pk]))

    draft = SurveyTemplate.objects.get(key="parents", status=TemplateStatus.DRAFT)
    assert draft.version == published.version + 1
    assert response["Location"] == reverse("surveys:template_detail", args=[draft.pk])
    assert draft.questions.count() == published.questions.count()


def test_the_question_form_shows_a_services_refusal_on_its_field(world: World) -> None:
    client = _client(world.qa_lead)
    client.post(reverse("surveys:template_create"), {"key": "k", "audience": "child_8_12",
                                                     "title_en": "K"})  # fmt: skip
    draft = SurveyTemplate.objects.get(key="k")

    response = client.post(
        reverse("surveys:question_add", args=[draft.pk]),
        {"code": "c", "kind": "free_text", "text_en": "What?", "safety_place": "home"},
    )

    assert response.status_code == 200
    assert "Only a question with answers can be a &#x27;feel safe&#x27; question." in (
        response.content.decode()
    )
    assert draft.questions.count() == 0


# --- Campaigns --------------------------------------------------------------------------


def test_a_qa_lead_creates_a_continuous_campaign_for_one_team_and_opens_it(world: World) -> None:
    published = template(world.organisation, "parents")
    client = _client(world.qa_lead)

    response = client.post(
        reverse("surveys:campaign_create"),
        {
            "name": "After plans end",
            "template": published.pk,
            "kind": "continuous",
            "opens_on": timezone.localdate().isoformat(),
            "events": ["plan_ended", "case_closed"],
            "teams": [world.team.pk],
        },
    )

    campaign = SurveyCampaign.objects.get(name="After plans end")
    assert response["Location"] == reverse("surveys:campaign_detail", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT
    assert list(campaign.teams.all()) == [world.team]
    assert not campaign.all_teams
    client.post(reverse("surveys:campaign_open", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    page = client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    assert "North One" in page
    assert "a plan ends, a case closes" in page


def test_a_fixed_window_campaign_needs_a_closing_date(world: World) -> None:
    published = template(world.organisation, "staff")
    client = _client(world.qa_lead)

    response = client.post(
        reverse("surveys:campaign_create"),
        {
            "name": "Staff 2026",
            "template": published.pk,
            "kind": "fixed",
            "opens_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 200
    assert "Enter the date a fixed-window campaign closes." in response.content.decode()
    assert not SurveyCampaign.objects.exists()


def test_closing_a_staff_campaign_deletes_its_invitations(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff")
    assert SurveyInvitation.objects.filter(campaign=campaign).exists()

    _client(world.qa_lead).post(reverse("surveys:campaign_close", args=[campaign.pk]))

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert not SurveyInvitation.objects.filter(campaign=campaign).exists()


def test_the_campaign_list_offers_the_staff_survey_to_those_invited(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff")
    take = reverse("surveys:staff_take", args=[campaign.pk])

    invited = _client(world.practitioner).get(reverse("surveys:campaign_list")).content.decode()
    not_invited = _client(world.qa_lead).get(reverse("surveys:campaign_list")).content.decode()

    assert take in invited
    assert take not in not_invited


# --- Invitations ------------------------------------------------------------------------


def test_a_practitioner_sees_only_their_own_cases_invitations_and_the_access_log_says_so(
    world: World,
) -> None:
    campaign = open_campaign(world.organisation)
    mine, _ = family_invitation(world, campaign)
    theirs = allocated_child(world, worker=world.other_team_practitioner, team=world.other_team)
    survey_invitation_create(campaign=campaign, child=theirs, by=None)

    page = (
        _client(world.practitioner)
        .get(reverse("surveys:invitation_list", args=[campaign.pk]))
        .content.decode()
    )

    assert mine.child is not None
    assert mine.child.child_id in page
    assert theirs.child_id not in page
    assert _access_log("surveys:invitation_list") == [
        (world.practitioner.pk, "coredata.child", str(mine.child.pk))
    ]


def test_showing_a_link_makes_a_new_token_and_a_qr_code_and_is_never_cached(
    world: World,
) -> None:
    invitation, _ = family_invitation(world)
    tokens_before = SurveyToken.objects.filter(invitation=invitation).count()

    response = _client(world.practitioner).post(
        reverse("surveys:invitation_link", args=[invitation.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "<svg" in page
    assert "/s/" in page
    assert SurveyToken.objects.filter(invitation=invitation).count() == tokens_before + 1
    token = page.split("/s/", 1)[1].split("/", 1)[0]
    assert SurveyToken.objects.filter(invitation=invitation, token_hash=token_hash(token)).exists()
    assert _access_log("surveys:invitation_link")[0][0] == world.practitioner.pk


def test_the_invitation_page_never_shows_the_answers(world: World) -> None:
    invitation, token = family_invitation(world)
    survey_response_submit(
        invitation_id=invitation.pk,
        token_hash=token_hash(token),
        answers={"working_well": "A very particular sentence"},
    )

    page = (
        _client(world.team_manager)
        .get(reverse("surveys:invitation_detail", args=[invitation.pk]))
        .content.decode()
    )

    assert "Answered" in page
    assert "A very particular sentence" not in page
    assert "Show a link and QR code" not in page


def test_sending_the_survey_by_email_goes_through_the_survey_sender(world: World) -> None:
    invitation, _ = family_invitation(world)
    client = _client(world.practitioner)

    response = client.post(
        reverse("surveys:invitation_send", args=[invitation.pk]),
        {"channel": "email", "contact": "parent@example.org"},
    )

    assert response["Location"] == reverse("surveys:invitation_detail", args=[invitation.pk])
    assert [m.to for m in LocmemSender.outbox] == ["parent@example.org"]
    assert "/s/" in LocmemSender.outbox[0].body
    invitation.refresh_from_db()
    assert invitation.channel == "email"


def test_a_bad_phone_number_is_refused_on_its_field(world: World) -> None:
    invitation, _ = family_invitation(world)

    response = _client(world.practitioner).post(
        reverse("surveys:invitation_send", args=[invitation.pk]),
        {"channel": "sms", "contact": "call me"},
    )

    assert response.status_code == 200
    assert "Enter a mobile phone number." in response.content.decode()
    assert LocmemSender.outbox == []


def test_a_practitioner_offers_the_survey_for_a_child_of_their_own(world: World) -> None:
    campaign = open_campaign(world.organisation)
    child = allocated_child(world)
    client = _client(world.practitioner)
    form = client.get(reverse("surveys:invitation_create", args=[campaign.pk])).content.decode()
    assert child.child_id in form

    response = client.post(
        reverse("surveys:invitation_create", args=[campaign.pk]), {"child": str(child.pk)}
    )

    invitation = SurveyInvitation.objects.get(campaign=campaign, child=child)
    assert response["Location"] == reverse("surveys:invitation_detail", args=[invitation.pk])
    assert invitation.worker == world.practitioner.staff_member


# --- Child safety alerts ----------------------------------------------------------------


def _alert(world: World) -> SafetyAlert:
    campaign = open_campaign(world.organisation, "child_8_12")
    invitation, token = family_invitation(world, campaign)
    survey_response_submit(
        invitation_id=invitation.pk,
        token_hash=token_hash(token),
        answers={"safe_school": 1, "safe_home": 5},
    )
    return SafetyAlert.objects.get()


def test_the_team_manager_sees_the_alert_with_the_case_reference_and_acknowledges_it(
    world: World,
) -> None:
    alert = _alert(world)
    client = _client(world.team_manager)

    listing = client.get(reverse("surveys:alert_list")).content.decode()
    detail = client.get(reverse("surveys:alert_detail", args=[alert.pk])).content.decode()
    client.post(
        reverse("surveys:alert_acknowledge", args=[alert.pk]), {"note": "Worker visited today."}
    )

    assert alert.child.child_id in listing
    assert "To acknowledge" in listing
    assert "At school" in detail
    assert "Acknowledge the alert" in detail
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.team_manager
    assert alert.acknowledgement_note == "Worker visited today."
    assert _access_log("surveys:alert_list") == [
        (world.team_manager.pk, "coredata.child", str(alert.child_id))
    ]
    assert _access_log("surveys:alert_detail") == [
        (world.team_manager.pk, "coredata.child", str(alert.child_id))
    ]


def test_the_worker_sees_the_alert_but_cannot_acknowledge_it(world: World) -> None:
    alert = _alert(world)
    client = _client(world.practitioner)

    detail = client.get(reverse("surveys:alert_detail", args=[alert.pk])).content.decode()
    refused = client.post(reverse("surveys:alert_acknowledge", args=[alert.pk]), {})

    assert "Acknowledge the alert" not in detail
    assert refused.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_an_escalated_alert_is_marked_for_the_service_manager(world: World) -> None:
    alert = _alert(world)
    SafetyAlert.objects.filter(pk=alert.pk).update(escalated_at=timezone.now())

    listing = _client(world.service_manager).get(reverse("surveys:alert_list")).content.decode()

    assert "Escalated" in listing
    assert alert.child.child_id in listing


def test_the_surveys_navigation_entry_is_there_for_managers_not_for_data_officers(
    world: World,
) -> None:
    labels = {
        persona: [
            item.label
            for item in _client(getattr(world, persona)).get(reverse("home")).context["nav_items"]
        ]
        for persona in ("team_manager", "data_officer")
    }

    assert "Surveys" in labels["team_manager"]
    assert "Surveys" not in labels["data_officer"]
