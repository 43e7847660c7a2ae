"""The permission matrix (STYLE.md): what each persona gets from every named URL.

Each row is (persona, method, URL name, kwargs builder, expected). Expected is a status
code, a Redirect, or HEALTH (the public health check answers 200 or 503). The rules:
anonymous on a signed-in page is sent to sign in; a record of another organisation, or
outside the user's visibility, is 404; a member who can see but may not change gets 403;
allowed is 200. A named URL with no row fails `test_every_named_url_has_a_row`.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.conftest import World
from tests.permission_matrix.rows_accounts_admin import (
    ADMIN_PAGES,
    ALLAUTH_PAGES,
)
from tests.permission_matrix.rows_audits import AUDIT_PAGES
from tests.permission_matrix.rows_pages import (
    API_PAGES,
    OUR_PAGES,
)
from tests.permission_matrix.rows_qa import QA_PAGES
from tests.permission_matrix.rows_surveys import SURVEY_PAGES
from tests.permission_matrix.vocabulary import (
    HEALTH,
    Kwargs,
    Redirect,
    Row,
)

MATRIX: list[Row] = [
    *OUR_PAGES,
    *API_PAGES,
    *AUDIT_PAGES,
    *SURVEY_PAGES,
    *QA_PAGES,
    *ALLAUTH_PAGES,
    *ADMIN_PAGES,
]


def _row_id(row: Row) -> str:
    persona, method, name, kwargs, expected = row
    return "-".join(part for part in (persona, method, name, kwargs.label, str(expected)) if part)


@pytest.mark.parametrize(
    ("persona", "method", "name", "kwargs", "expected"),
    MATRIX,
    ids=[_row_id(row) for row in MATRIX],
)
def test_permission_matrix(
    world: World, persona: str, method: str, name: str, kwargs: Kwargs, expected: Any
) -> None:
    client = Client(raise_request_exception=False)
    user = getattr(world, persona)
    if user.is_authenticated:
        client.force_login(user)
    url_kwargs = kwargs(world)
    url = reverse(name, kwargs=url_kwargs)

    response = client.generic(method, url)

    if expected == HEALTH:
        assert response.status_code in (200, 503)
        assert set(response.json()["checks"]) == {"database", "broker", "beat"}
    elif isinstance(expected, Redirect):
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == reverse(
            expected.to, kwargs=url_kwargs if expected.same_kwargs else None
        )
        if expected.keeps_next:
            assert parse_qs(location.query)["next"] == [url]
        if expected.then is not None:
            assert client.get(response["Location"]).status_code == expected.then
    else:
        assert response.status_code == expected


def _url_names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_url_has_a_row() -> None:
    covered = {name for _, _, name, _, _ in MATRIX}

    missing = sorted(set(_url_names(get_resolver())) - covered)

    assert missing == []
