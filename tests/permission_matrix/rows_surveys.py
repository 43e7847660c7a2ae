"""Matrix rows: the survey pages (staff and respondent) and survey API (issue 6).

The world's survey records belong to a case of the practitioner (team N1): its
invitations and child safety alerts are seen by the practitioner, the team manager, the
service manager of N and the QA lead; not by the other teams' practitioners, senior
leaders, data officers or administrators (aggregates only), nor another organisation.
Templates are seen by the whole-organisation roles and changed by QA leads and
administrators. Respondent pages need no account: without a survey in the session they
all give the one "link does not work" page (404).
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from surveys.models import SurveyQuestion, SurveySettings, SurveyTemplate
from surveys.services_campaigns import survey_campaign_create
from surveys.services_responses import survey_response_submit
from surveys.services_templates import survey_question_add, survey_template_create
from surveys.tokens import token_hash
from tests.conftest import World
from tests.permission_matrix.vocabulary import (
    ADMIN_INDEX,
    ADMIN_LOGIN,
    ADMIN_REFUSED,
    EVERYONE,
    LOGIN,
    NONE,
    Kwargs,
    Redirect,
    Row,
    rows,
    signed_in_page,
)
from tests.surveys.factories import allocated_child, family_invitation, open_campaign, template

MANAGERS_OF_N1 = ("practitioner", "team_manager", "service_manager", "qa_lead")
NOT_OF_N1 = (
    "other_team_practitioner", "far_team_practitioner", "senior_leader", "data_officer",
    "administrator", "other_organisation_admin", "other_organisation_practitioner",
)  # fmt: skip
TEMPLATE_READERS = ("qa_lead", "senior_leader", "administrator")
TEMPLATE_OUTSIDERS = (
    "practitioner", "team_manager", "service_manager", "data_officer", "other_team_practitioner",
    "other_organisation_admin",
)  # fmt: skip
LINK_UNAVAILABLE = 404


def _campaign(key: str = "parents", *, n1_only: bool = False) -> Kwargs:
    def build(w: World) -> dict[str, Any]:
        return {"pk": open_campaign(w.organisation, key, teams=[w.team] if n1_only else None).pk}

    return Kwargs(f"campaign_{key}{'_n1' if n1_only else ''}", build)


def _draft_campaign(w: World) -> dict[str, Any]:
    campaign = survey_campaign_create(
        organisation=w.organisation,
        template=template(w.organisation, "parents"),
        name="Draft",
        kind="continuous",
        opens_on=timezone.localdate(),
        events=["plan_ended"],
    )
    return {"pk": campaign.pk}


def _invitation(w: World) -> dict[str, Any]:
    return {"pk": family_invitation(w)[0].pk}


def _link(w: World) -> dict[str, Any]:
    return {"token": family_invitation(w)[1]}


def _expired_token(w: World) -> str:
    invitation, token = family_invitation(w)
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save(update_fields=["expires_at"])
    return token


def _alert(w: World) -> dict[str, Any]:
    """A child of the practitioner's who said they do not feel safe at home."""
    campaign = open_campaign(w.organisation, "child_8_12")
    invitation, token = family_invitation(w, campaign, the_child=allocated_child(w))
    submitted = survey_response_submit(
        invitation_id=invitation.pk, token_hash=token_hash(token), answers={"safe_home": 1}
    )
    assert submitted.safety_alert is not None
    return {"pk": submitted.safety_alert.pk}


def _draft_template(w: World) -> SurveyTemplate:
    draft = survey_template_create(
        organisation=w.organisation,
        key=f"draft-{timezone.now().timestamp():.0f}",
        audience="parents",
        title={"en": "A draft"},
    )
    survey_question_add(template=draft, code="q1", kind="agree5", text={"en": "A question"})
    return draft


def _question_of_draft(w: World) -> SurveyQuestion:
    return _draft_template(w).questions.get()


CAMPAIGN = _campaign()
CAMPAIGN_N1 = _campaign(n1_only=True)
STAFF_CAMPAIGN = _campaign("staff")
DRAFT_CAMPAIGN = Kwargs("draft_campaign", _draft_campaign)
INVITATION = Kwargs("invitation_of_practitioner", _invitation)
ALERT = Kwargs("alert_of_practitioner", _alert)
LINK = Kwargs("link", _link)
BAD_LINK = Kwargs("bad_link", lambda w: {"token": "x" * 43})
EXPIRED_LINK = Kwargs("expired_link", lambda w: {"token": _expired_token(w)})
PUBLISHED = Kwargs("published_template", lambda w: {"pk": template(w.organisation).pk})
DRAFT = Kwargs("draft_template", lambda w: {"pk": _draft_template(w).pk})
QUESTION = Kwargs("question_of_draft", lambda w: {"pk": _question_of_draft(w).pk})
THEIR_TEMPLATE = Kwargs("their_template", lambda w: {"pk": template(w.other_organisation).pk})
QUESTION_NUMBER = Kwargs("question_1", lambda w: {"number": 1})


def _unit(unit_type: str, get: Any) -> Kwargs:
    return Kwargs(f"results_{unit_type}", lambda w: {"unit_type": unit_type, "unit_id": get(w)})


RESULTS_ORGANISATION = _unit("organisation", lambda w: w.organisation.pk)
RESULTS_SERVICE = _unit("service", lambda w: w.service.pk)
RESULTS_TEAM = _unit("team", lambda w: w.team.pk)
RESULTS_PRACTITIONER = _unit("practitioner", lambda w: w.practitioner.staff_member.pk)
RESULTS_NO_SUCH_KIND = _unit("nothing", lambda w: w.team.pk)


def _download(unit: Kwargs, file_format: str) -> Kwargs:
    return Kwargs(f"{unit.label}_{file_format}", lambda w: {**unit(w), "file_format": file_format})


def _each(*personas: str, expected: Any) -> tuple[tuple[str, Any], ...]:
    return tuple((persona, expected) for persona in personas)


def _settings_of(whose: str) -> Kwargs:
    """The survey settings row of our organisation or theirs (for the admin rows)."""

    def build(w: World) -> dict[str, Any]:
        organisation = w.organisation if whose == "ours" else w.other_organisation
        row, _ = SurveySettings.objects.get_or_create(organisation=organisation)
        return {"object_id": row.pk}

    return Kwargs(f"{whose}_survey_settings", build)


OUR_SETTINGS = _settings_of("ours")
THEIR_SETTINGS = _settings_of("theirs")


RESPONDENT_GETS = ("surveys:respond_intro", "surveys:respond_review", "surveys:respond_done")

# fmt: off
SURVEY_PAGES: list[Row] = [
    # --- Respondent pages: no account. A link opens (302 to a page without the token)
    # for anyone; a bad, expired or used link, or a page with no survey in the session,
    # is the one friendly page (404).
    *rows("surveys:respond_start", LINK,
          *((p, Redirect("surveys:respond_intro", then=200)) for p in EVERYONE)),
    *rows("surveys:respond_start", BAD_LINK, *_each(*EVERYONE, expected=LINK_UNAVAILABLE)),
    *rows("surveys:respond_start", EXPIRED_LINK,
          ("anonymous", LINK_UNAVAILABLE), ("practitioner", LINK_UNAVAILABLE)),
    *rows("surveys:respond_start", LINK, ("anonymous", 405), method="POST"),
    *(row for name in RESPONDENT_GETS
      for row in rows(name, NONE, *_each(*EVERYONE, expected=LINK_UNAVAILABLE))),
    *rows("surveys:respond_question", QUESTION_NUMBER,
          *_each(*EVERYONE, expected=LINK_UNAVAILABLE)),
    *rows("surveys:respond_question", QUESTION_NUMBER,
          ("anonymous", LINK_UNAVAILABLE), method="POST"),
    *rows("surveys:respond_submit", NONE,
          ("anonymous", LINK_UNAVAILABLE), ("practitioner", LINK_UNAVAILABLE), method="POST"),
    *rows("surveys:respond_submit", NONE, ("anonymous", 405)),
    *rows("surveys:respond_language", NONE,
          ("anonymous", LINK_UNAVAILABLE), ("team_manager", LINK_UNAVAILABLE), method="POST"),
    *rows("surveys:respond_language", NONE, ("anonymous", 405)),

    # --- Campaigns: everyone signed in has the list; a campaign is seen by the roles it
    # concerns; creating, opening and closing one is for QA leads and administrators.
    *signed_in_page("surveys:campaign_list"),
    *rows("surveys:campaign_create", NONE,
          ("anonymous", LOGIN), ("qa_lead", 200), ("administrator", 200),
          ("other_organisation_admin", 200),
          *_each("practitioner", "team_manager", "service_manager", "senior_leader",
                 "data_officer", expected=403)),
    *rows("surveys:campaign_create", NONE,
          ("anonymous", LOGIN), ("practitioner", 403), ("qa_lead", 200), method="POST"),
    *rows("surveys:campaign_detail", CAMPAIGN,
          ("anonymous", LOGIN), ("data_officer", 404), ("other_organisation_admin", 404),
          ("other_organisation_practitioner", 404),
          *_each("practitioner", "team_manager", "service_manager", "other_team_practitioner",
                 "far_team_practitioner", "qa_lead", "senior_leader", "administrator",
                 expected=200)),
    *rows("surveys:campaign_detail", CAMPAIGN_N1,
          ("practitioner", 200), ("team_manager", 200), ("service_manager", 200),
          ("other_team_practitioner", 404), ("far_team_practitioner", 404), ("qa_lead", 200)),
    *rows("surveys:campaign_detail", CAMPAIGN, ("qa_lead", 405), method="POST"),
    *rows("surveys:campaign_open", DRAFT_CAMPAIGN,
          ("anonymous", LOGIN), ("practitioner", 403), ("team_manager", 403),
          ("senior_leader", 403), ("data_officer", 404), ("other_organisation_admin", 404),
          ("qa_lead", Redirect("surveys:campaign_detail", same_kwargs=True)),
          ("administrator", Redirect("surveys:campaign_detail", same_kwargs=True)),
          method="POST"),
    *rows("surveys:campaign_open", DRAFT_CAMPAIGN, ("qa_lead", 405)),
    *rows("surveys:campaign_close", CAMPAIGN,
          ("anonymous", LOGIN), ("practitioner", 403), ("service_manager", 403),
          ("data_officer", 404), ("other_organisation_admin", 404),
          ("qa_lead", Redirect("surveys:campaign_detail", same_kwargs=True)), method="POST"),
    *rows("surveys:campaign_close", CAMPAIGN, ("qa_lead", 405)),
    # A staff member's own staff survey: the invited go to the anonymous pages; someone
    # with no invitation (no team) is sent back to the campaign.
    *rows("surveys:staff_take", STAFF_CAMPAIGN,
          ("anonymous", LOGIN),
          ("practitioner", Redirect("surveys:respond_intro", then=200)),
          ("team_manager", Redirect("surveys:respond_intro", then=200)),
          ("far_team_practitioner", Redirect("surveys:respond_intro", then=200)),
          ("qa_lead", Redirect("surveys:campaign_detail", same_kwargs=True)),
          ("data_officer", 404), ("other_organisation_admin", 404),
          ("other_organisation_practitioner", 404)),
    *rows("surveys:staff_take", STAFF_CAMPAIGN, ("practitioner", 405), method="POST"),

    # --- Invitations (child-level): the campaign's list is filtered to the person's
    # cases; one invitation is seen by its case's worker and managers and QA leads.
    *(row for name in ("surveys:invitation_list", "surveys:invitation_create")
      for row in rows(name, CAMPAIGN,
                      ("anonymous", LOGIN), ("data_officer", 404),
                      ("other_organisation_admin", 404),
                      *_each("practitioner", "team_manager", "service_manager",
                             "other_team_practitioner", "qa_lead", "senior_leader",
                             "administrator", expected=200))),
    *rows("surveys:invitation_list", STAFF_CAMPAIGN,
          ("practitioner", 404), ("team_manager", 404), ("qa_lead", 404)),
    *rows("surveys:invitation_list", CAMPAIGN, ("practitioner", 405), method="POST"),
    *rows("surveys:invitation_create", CAMPAIGN,
          ("anonymous", LOGIN), ("practitioner", 200), ("data_officer", 404), method="POST"),
    *rows("surveys:invitation_create", STAFF_CAMPAIGN, ("practitioner", 404)),
    *(row for name in ("surveys:invitation_detail", "surveys:invitation_send")
      for row in rows(name, INVITATION,
                      ("anonymous", LOGIN), *_each(*MANAGERS_OF_N1, expected=200),
                      *_each(*NOT_OF_N1, expected=404))),
    *rows("surveys:invitation_send", INVITATION,
          ("anonymous", LOGIN), ("practitioner", 200), ("senior_leader", 404), method="POST"),
    *rows("surveys:invitation_link", INVITATION,
          ("anonymous", LOGIN), *_each(*MANAGERS_OF_N1, expected=200),
          *_each(*NOT_OF_N1, expected=404), method="POST"),
    *rows("surveys:invitation_link", INVITATION, ("practitioner", 405)),
    *rows("surveys:invitation_detail", INVITATION, ("practitioner", 405), method="POST"),

    # --- Templates: read by the whole-organisation roles, changed by QA leads and
    # administrators; a published version never changes.
    *rows("surveys:template_list", NONE,
          ("anonymous", LOGIN), *_each(*TEMPLATE_READERS, expected=200),
          ("other_organisation_admin", 200),
          *_each("practitioner", "team_manager", "service_manager", "data_officer",
                 expected=403)),
    *rows("surveys:template_create", NONE,
          ("anonymous", LOGIN), ("qa_lead", 200), ("administrator", 200),
          ("senior_leader", 403), ("practitioner", 403), ("data_officer", 403)),
    *rows("surveys:template_create", NONE,
          ("qa_lead", 200), ("senior_leader", 403), method="POST"),
    *rows("surveys:template_detail", PUBLISHED,
          ("anonymous", LOGIN), *_each(*TEMPLATE_READERS, expected=200),
          *_each(*TEMPLATE_OUTSIDERS, expected=404)),
    *rows("surveys:template_detail", THEIR_TEMPLATE,
          ("qa_lead", 404), ("administrator", 404), ("other_organisation_admin", 200)),
    *rows("surveys:template_detail", PUBLISHED, ("qa_lead", 405), method="POST"),
    *(row for name in ("surveys:template_edit", "surveys:question_add")
      for row in [*rows(name, DRAFT,
                        ("anonymous", LOGIN), ("qa_lead", 200), ("administrator", 200),
                        ("senior_leader", 403), *_each(*TEMPLATE_OUTSIDERS, expected=404)),
                  *rows(name, PUBLISHED, ("qa_lead", 403), ("administrator", 403))]),
    *rows("surveys:template_edit", DRAFT, ("qa_lead", 200), method="POST"),
    *rows("surveys:question_add", DRAFT, ("qa_lead", 200), method="POST"),
    *rows("surveys:template_publish", DRAFT,
          ("anonymous", LOGIN), ("senior_leader", 403), ("practitioner", 404),
          ("other_organisation_admin", 404),
          ("qa_lead", Redirect("surveys:template_detail", same_kwargs=True)), method="POST"),
    *rows("surveys:template_publish", PUBLISHED, ("qa_lead", 403), method="POST"),
    *rows("surveys:template_publish", DRAFT, ("qa_lead", 405)),
    *rows("surveys:template_new_version", PUBLISHED,
          ("anonymous", LOGIN), ("senior_leader", 403), ("team_manager", 404),
          ("qa_lead", 302), method="POST"),
    *rows("surveys:template_new_version", PUBLISHED, ("qa_lead", 405)),
    *rows("surveys:question_edit", QUESTION,
          ("anonymous", LOGIN), ("qa_lead", 200), ("administrator", 200),
          ("senior_leader", 403), ("practitioner", 404), ("other_organisation_admin", 404)),
    *rows("surveys:question_edit", QUESTION, ("qa_lead", 200), method="POST"),
    *rows("surveys:question_remove", QUESTION,
          ("anonymous", LOGIN), ("qa_lead", 302), ("senior_leader", 403),
          ("practitioner", 404), method="POST"),
    *rows("surveys:question_remove", QUESTION, ("qa_lead", 405)),

    # --- Results: the units a person may see, as on the core data pages (outside:
    # 404). The downloads follow the page.
    *signed_in_page("surveys:results"),
    *rows("surveys:results", NONE, ("qa_lead", 405), method="POST"),
    *(row for name, unit in (("surveys:results_unit", lambda k: k),
                             ("surveys:results_download", lambda k: _download(k, "csv")))
      for row in [
          *rows(name, unit(RESULTS_ORGANISATION),
                ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
                ("team_manager", 200), ("service_manager", 200), ("qa_lead", 200),
                ("senior_leader", 200), ("administrator", 200),
                ("other_organisation_admin", 404)),
          *rows(name, unit(RESULTS_SERVICE),
                ("practitioner", 404), ("team_manager", 404), ("service_manager", 200),
                ("qa_lead", 200), ("other_organisation_admin", 404)),
          *rows(name, unit(RESULTS_TEAM),
                ("anonymous", LOGIN), ("practitioner", 404), ("other_team_practitioner", 404),
                ("team_manager", 200), ("service_manager", 200), ("senior_leader", 200),
                ("other_organisation_admin", 404)),
          *rows(name, unit(RESULTS_PRACTITIONER),
                ("practitioner", 200), ("other_team_practitioner", 404), ("team_manager", 200),
                ("qa_lead", 200), ("other_organisation_admin", 404)),
          *rows(name, unit(RESULTS_NO_SUCH_KIND), ("qa_lead", 404)),
      ]),
    *rows("surveys:results_download", _download(RESULTS_TEAM, "xlsx"),
          ("team_manager", 200), ("practitioner", 404)),
    *rows("surveys:results_download", _download(RESULTS_TEAM, "pdf"), ("team_manager", 404)),
    *rows("surveys:results_unit", RESULTS_TEAM, ("team_manager", 405), method="POST"),

    # --- Child safety alerts (child-level): the list for everyone signed in, filtered;
    # one alert for its case's worker and managers and QA leads; acknowledging it for
    # the managers and QA leads (the worker sees it but may not: 403).
    *signed_in_page("surveys:alert_list"),
    *rows("surveys:alert_detail", ALERT,
          ("anonymous", LOGIN), *_each(*MANAGERS_OF_N1, expected=200),
          *_each(*NOT_OF_N1, expected=404)),
    *rows("surveys:alert_detail", ALERT, ("team_manager", 405), method="POST"),
    *rows("surveys:alert_acknowledge", ALERT,
          ("anonymous", LOGIN), ("practitioner", 403),
          ("team_manager", Redirect("surveys:alert_detail", same_kwargs=True)),
          ("service_manager", Redirect("surveys:alert_detail", same_kwargs=True)),
          ("qa_lead", Redirect("surveys:alert_detail", same_kwargs=True)),
          *_each(*NOT_OF_N1, expected=404), method="POST"),
    *rows("surveys:alert_acknowledge", ALERT, ("team_manager", 405)),
    # --- API --- (the survey API's rows: surveys backend)
    # The API answers 403 to anonymous requests (no login redirect), 404 outside a
    # person's scope, 403 to a member who may see but not act.
    *(row for name in ("api:survey-template-list", "api:survey-campaign-list",
                       "api:survey-result-list", "api:survey-alert-list")
      for row in rows(name, NONE, ("anonymous", 403), ("practitioner", 200),
                      ("data_officer", 200), ("qa_lead", 200),
                      ("other_organisation_admin", 200))),
    *rows("api:survey-campaign-list", NONE, ("qa_lead", 405), method="POST"),
    *rows("api:survey-campaign-detail", CAMPAIGN_N1,
          ("anonymous", 403), ("practitioner", 200), ("team_manager", 200),
          ("service_manager", 200), ("senior_leader", 200), ("other_team_practitioner", 404),
          ("far_team_practitioner", 404), ("data_officer", 404),
          ("other_organisation_admin", 404)),
    *rows("api:survey-alert-detail", ALERT,
          ("anonymous", 403), *_each(*MANAGERS_OF_N1, expected=200),
          *_each(*NOT_OF_N1, expected=404)),
    *rows("api:survey-alert-acknowledge", ALERT,
          ("anonymous", 403), ("practitioner", 403), ("team_manager", 200),
          ("service_manager", 200), ("qa_lead", 200), *_each(*NOT_OF_N1, expected=404),
          method="POST"),
    *rows("api:survey-alert-acknowledge", ALERT, ("team_manager", 405)),
    # --- Admin --- (an organisation's survey settings; surveys backend)
    *rows("admin:surveys_surveysettings_changelist", NONE, ("anonymous", ADMIN_LOGIN),
          ("practitioner", ADMIN_REFUSED), ("administrator", 200)),
    *rows("admin:surveys_surveysettings_add", NONE, ("anonymous", ADMIN_LOGIN),
          ("practitioner", ADMIN_REFUSED), ("administrator", 200)),
    *(row for view in ("change", "delete", "history")
      for row in [
          *rows(f"admin:surveys_surveysettings_{view}", OUR_SETTINGS,
                ("anonymous", ADMIN_LOGIN), ("practitioner", ADMIN_REFUSED),
                ("administrator", 200), ("other_organisation_admin", ADMIN_INDEX)),
          *rows(f"admin:surveys_surveysettings_{view}", THEIR_SETTINGS,
                ("administrator", ADMIN_INDEX)),
      ]),
]
# fmt: on
