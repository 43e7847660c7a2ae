"""Paths of survey pages for notifications and links (the pages are named in
INTERFACE.md; until a page exists its notification points at the home page)."""

from django.urls import NoReverseMatch, reverse


def page_path(name: str, **kwargs: object) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return "/"


def respond_path(token: str) -> str:
    """The path of a respondent link: `surveys:respond_start` with the token."""
    try:
        return reverse("surveys:respond_start", kwargs={"token": token})
    except NoReverseMatch:
        return f"/s/{token}/"
