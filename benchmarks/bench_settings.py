"""Settings for the survey benchmark's gunicorn: the project's, with the per-address
limit on link look-ups lifted (every request of the benchmark comes from 127.0.0.1)."""

from qa_system.settings import *  # noqa: F403

SURVEY_TOKEN_LOOKUPS_PER_MINUTE = 10**9
