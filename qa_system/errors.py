"""The one exception for a broken business rule.

Services raise `ApplicationError(message, extra)`; views turn it into a form error or a
message, and the API's exception handler into a 400 response. The message is written for
the person who caused it, and never contains a child's details.
"""

from typing import Any


class ApplicationError(Exception):
    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
