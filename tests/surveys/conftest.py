"""Fixtures of the survey tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from surveys.backends import LocmemSender


@pytest.fixture(autouse=True)
def _fresh_cache_and_outbox(settings: Any) -> Iterator[None]:
    """Rate-limit counters and sent messages start empty in every test."""
    settings.SURVEY_EMAIL_SENDER = "surveys.backends.LocmemSender"
    settings.SURVEY_SMS_SENDER = "surveys.backends.LocmemSender"
    cache.clear()
    LocmemSender.outbox.clear()
    yield
    cache.clear()
    LocmemSender.outbox.clear()
