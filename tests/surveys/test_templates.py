"""Templates: the defaults, versioning like audit tools, and per-language questions."""

import pytest
from django.contrib.sessions.backends.db import SessionStore

from qa_system.errors import ApplicationError
from surveys.models import Audience, SurveyTemplate, TemplateStatus
from surveys.questions import answer_choices
from surveys.respondent import (
    respondent_context,
    respondent_language_set,
    respondent_session_start,
)
from surveys.services_responses import survey_link_open
from surveys.services_templates import (
    default_templates,
    survey_question_add,
    survey_question_move,
    survey_question_update,
    survey_template_new_version,
    survey_template_publish,
    survey_templates_install_defaults,
)
from tests.conftest import World
from tests.surveys.factories import family_invitation, open_campaign


def test_the_defaults_cover_every_audience_and_the_indicators(world: World) -> None:
    installed = survey_templates_install_defaults(organisation=world.organisation)
    again = survey_templates_install_defaults(organisation=world.organisation)

    assert {t.audience for t in installed} == set(Audience.values)
    assert again == []
    assert all(t.status == TemplateStatus.PUBLISHED for t in installed)
    indicators = {q.indicator for t in installed for q in t.questions.all() if q.indicator}
    assert indicators == {
        "child_safe_home", "child_safe_school", "child_safe_community",
        "parent_satisfaction", "parent_understand", "staff_children_safer",
        "staff_caseload", "staff_supervision", "staff_time",
    }  # fmt: skip
    young = next(t for t in installed if t.audience == "child_4_7")
    assert {q.kind for q in young.questions.all()} <= {"faces3", "yes_no", "free_text"}
    assert young.safety_notice["en"]
    places = {q.safety_place for t in installed if t.is_child for q in t.questions.all()}
    assert places == {"", "home", "school", "community"}


def test_the_parents_survey_is_in_welsh_too() -> None:
    parents = next(spec for spec in default_templates() if spec["key"] == "parents")

    assert parents["title"]["cy"]
    assert all(question["text"].get("cy") for question in parents["questions"])


def test_a_published_version_never_changes(world: World) -> None:
    [parents] = [t for t in survey_templates_install_defaults(organisation=world.organisation)
                 if t.key == "parents"]  # fmt: skip

    with pytest.raises(ApplicationError, match="cannot be changed"):
        survey_question_add(template=parents, code="new", kind="yes_no", text={"en": "New?"})
    with pytest.raises(ApplicationError):
        survey_question_update(question=parents.questions.first(), text={"en": "Changed"})


def test_a_new_version_is_a_draft_copy_and_publishing_it_retires_the_old(world: World) -> None:
    [parents] = [t for t in survey_templates_install_defaults(organisation=world.organisation)
                 if t.key == "parents"]  # fmt: skip

    draft = survey_template_new_version(template=parents, by=world.qa_lead)
    survey_question_add(template=draft, code="extra", kind="yes_no", text={"en": "Anything else?"})
    survey_question_move(question=draft.questions.get(code="extra"), position=1)
    survey_template_publish(template=draft, by=world.qa_lead)

    parents.refresh_from_db()
    assert (draft.version, draft.status, parents.status) == (2, "published", "retired")
    assert list(draft.questions.values_list("code", flat=True))[:2] == [
        "extra",
        "explained_worries",
    ]
    assert parents.questions.count() == draft.questions.count() - 1
    assert (
        SurveyTemplate.objects.filter(key="parents", organisation=world.organisation).count() == 2
    )


def test_questions_are_checked(world: World) -> None:
    draft = survey_template_new_version(template=open_campaign(world.organisation).template)

    with pytest.raises(ApplicationError, match="English"):
        survey_question_add(template=draft, code="a", kind="agree5", text={"cy": "Dim Saesneg"})
    with pytest.raises(ApplicationError, match="free-text"):
        survey_question_add(
            template=draft, code="b", kind="agree5", text={"en": "B"}, column="worries"
        )
    with pytest.raises(ApplicationError, match="feel safe"):
        survey_question_add(
            template=draft, code="c", kind="free_text", text={"en": "C"}, safety_place="home"
        )


def test_a_respondent_can_answer_in_welsh(world: World) -> None:
    invitation, token = family_invitation(world)
    session = SessionStore()
    respondent_session_start(
        session=session, opened=survey_link_open(token=token, client_address="x")
    )

    english = respondent_context(session=session)
    respondent_language_set(session=session, language="cy")
    welsh = respondent_context(session=session)

    assert english.languages == ["en", "cy"]
    assert welsh.language == "cy"
    assert welsh.title == "Arolwg i rieni a gofalwyr"
    assert welsh.question(1).text_in(welsh.language).startswith("Esboniodd fy ngweithiwr")
    assert english.question(1).text_in(english.language).startswith("My worker explained")
    # The page furniture (answer labels) comes through Django's translations.
    assert answer_choices("agree5", "cy")[0] == (5, "Cytuno'n gryf")
    assert answer_choices("agree5", "en")[0] == (5, "Strongly agree")
