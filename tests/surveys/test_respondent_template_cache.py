"""The respondent pages keep a published template (and its organisation) in memory for
a few minutes: every page of every survey needs them, and a published version never
changes. A draft is never kept."""

from typing import Any

from django.test import Client

from surveys.selectors import survey_template_for_respondent
from surveys.services_templates import survey_template_new_version
from tests.conftest import World
from tests.surveys.factories import family_invitation, template


def test_a_published_template_is_read_once_then_kept(
    world: World, django_assert_num_queries: Any
) -> None:
    published = template(world.organisation)

    with django_assert_num_queries(1):
        first = survey_template_for_respondent(template_id=published.pk)
    with django_assert_num_queries(0):
        again = survey_template_for_respondent(template_id=published.pk)

    assert again is first
    assert again.organisation.name == world.organisation.name


def test_a_draft_is_read_every_time(world: World, django_assert_num_queries: Any) -> None:
    draft = survey_template_new_version(template=template(world.organisation))

    survey_template_for_respondent(template_id=draft.pk)
    with django_assert_num_queries(1):
        survey_template_for_respondent(template_id=draft.pk)


def test_the_kept_template_is_the_one_the_survey_pages_show(world: World) -> None:
    _, token = family_invitation(world)
    client = Client()
    client.get(f"/s/{token}/")
    client.get("/s/")

    page = client.get("/s/q/1/").content.decode()

    assert "Survey for parents and carers" in page
    assert world.organisation.name in page
