"""Session limits and the second-factor requirement, applied to every request."""

import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

AUTHENTICATED_AT = "qa_authenticated_at"
LAST_SEEN_AT = "qa_last_seen_at"
SECOND_FACTOR_OK = "qa_second_factor_ok"
# The last-seen time is written at most this often, so that most requests do not write
# the session; idle expiry is therefore accurate to within this many seconds.
LAST_SEEN_RESOLUTION = 60


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionLimitsMiddleware:
    """Ends a session after 30 minutes idle, and 12 hours after sign-in in any case."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            authenticated_at = session.setdefault(AUTHENTICATED_AT, now)
            last_seen_at = session.get(LAST_SEEN_AT, now)
            idle = now - last_seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - authenticated_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_old:
                logout(request)
                if _is_api(request):
                    return JsonResponse({"detail": "Your session has ended."}, status=401)
                messages.info(request, "Your session ended. Sign in again to carry on.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if LAST_SEEN_AT not in session or now - last_seen_at >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """When a second factor is required, send anyone without one to set it up first."""

    # Survey pages (/s/) are for respondents, who may have no login: a signed-in member of
    # staff opening a family link is answering as a respondent, not using staff pages.
    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/s/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.QA_REQUIRE_SECOND_FACTOR
            and request.user.is_authenticated
            and not request.session.get(SECOND_FACTOR_OK)
            and not request.path.startswith(self.EXEMPT_PREFIXES)
        ):
            has_totp = Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists()
            if not has_totp:
                if _is_api(request):
                    return JsonResponse(
                        {"detail": "Set up an authenticator app before using the API."},
                        status=403,
                    )
                return redirect("mfa_activate_totp")
            request.session[SECOND_FACTOR_OK] = True
        return self.get_response(request)
