"""System checks that keep a production deployment honest."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def second_factor_required_in_production(**kwargs: Any) -> list[Error]:
    if settings.PRODUCTION and not settings.QA_REQUIRE_SECOND_FACTOR:
        return [
            Error(
                "Production must require a second factor for every user.",
                hint="Unset QA_REQUIRE_SECOND_FACTOR or set it to true.",
                id="organisation.E001",
            )
        ]
    return []
