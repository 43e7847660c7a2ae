from typing import Any

from django.conf import settings
from django.http import HttpRequest

from qa_system.navigation import navigation_for_user


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service name, the user's organisation and their navigation, for the header."""
    context: dict[str, Any] = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        current = request.resolver_match.view_name if request.resolver_match else ""
        context.update(navigation_for_user(user=user, current_view=current))
    return context
