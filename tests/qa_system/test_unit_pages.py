"""The addresses of unit pages, filled in from one reverse() per unit type, and the
rows a page builds per unit below it (the comparison, the links to the units below)."""

import pytest
from django.urls import reverse, set_script_prefix

from qa_system.selectors_qa_units import unit_page_url
from qa_system.templatetags.qa_pages import qa_children_links


@pytest.mark.parametrize("unit_type", ["service", "team", "practitioner"])
@pytest.mark.parametrize("pk", [1, 7, 42, 987654321, 10**12])
def test_a_unit_page_url_is_what_reverse_gives(unit_type: str, pk: int) -> None:
    assert unit_page_url(unit_type, pk) == reverse(f"qa:unit_{unit_type}", args=[pk])


def test_a_unit_page_url_follows_the_script_prefix() -> None:
    set_script_prefix("/sightline/")
    try:
        assert unit_page_url("team", 3) == "/sightline/quality/teams/3/"
    finally:
        set_script_prefix("/")


class _Unit:
    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name


class _Period:
    key = "2025-26-q1"


def test_the_links_to_the_units_below_escape_names_and_carry_the_period() -> None:
    links = qa_children_links(
        [_Unit("/quality/teams/1/", "A & B"), _Unit("/q/2/", "<C>")], _Period()
    )

    assert links == (
        '<a class="govuk-link" href="/quality/teams/1/?period=2025-26-q1">A &amp; B</a>, '
        '<a class="govuk-link" href="/q/2/?period=2025-26-q1">&lt;C&gt;</a>'
    )
