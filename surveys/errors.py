"""The survey-specific refusals (both are ApplicationErrors)."""

from qa_system.errors import ApplicationError

LINK_UNAVAILABLE_MESSAGE = (
    "This survey link cannot be used. It may have been used already, or it may have "
    "expired. If you would like to give your views, please ask your worker for a new link."
)


class SurveyLinkUnavailable(ApplicationError):
    """The link is invalid, expired, used or its campaign closed: one error for all, so a
    respondent (or someone guessing) cannot tell which."""

    def __init__(self) -> None:
        super().__init__(LINK_UNAVAILABLE_MESSAGE)


class SurveyRateLimited(ApplicationError):
    """Too many link look-ups from one address in a minute."""

    def __init__(self) -> None:
        super().__init__("Too many attempts. Please wait a minute and try again.")
