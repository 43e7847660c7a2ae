"""Cross-site request forgery protection that works with the respondent pages' headers.

The respondent pages send `Referrer-Policy: no-referrer`, so that no address of a
survey reaches anyone. Browsers then post the pages' forms with `Origin: null` and no
`Referer` (the Fetch standard), which Django's CSRF check refuses. The respondent forms
keep Django's CSRF token check (a token bound to the CSRF cookie) and accept an `Origin`
of "null"; any other origin is checked as usual. Forging a post from another site gains
nothing in any case: the session cookie is SameSite=Lax, so a cross-site post carries no
survey.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt


class RespondentCsrfMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        return bool(super()._origin_verified(request))  # type: ignore[misc]  # not in the stubs


_respondent_csrf = decorator_from_middleware(RespondentCsrfMiddleware)


def respondent_form(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
    """For a view receiving a respondent page's form: the check above instead of the
    site-wide one (outermost decorator, so that the site-wide middleware skips it)."""
    return csrf_exempt(_respondent_csrf(view))
