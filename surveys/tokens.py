"""Link tokens and the rate limit on looking them up.

A token is `secrets.token_urlsafe(32)`: 256 random bits, 43 URL-safe characters. Only
its SHA-256 hash is stored (`SurveyToken.token_hash`); a look-up hashes what it is given
and finds the row by the hash. A plain hash is enough (no salt or slow hash): the
token is random and long, so there is nothing to guess from the hash.

Look-ups are counted per client address in the cache (a fixed one-minute window). The
cache key is a keyed hash of the address, so the address itself is stored nowhere,
not even in the cache, and never in the database.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache

TOKEN_BYTES = 32


def token_new() -> str:
    """A new random token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_looks_valid(token: str) -> bool:
    """A cheap shape check before the database is asked (43 URL-safe characters)."""
    return 20 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def _address_key(client_address: str, window: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address.encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"surveys:lookups:{digest}:{window}"


def token_lookup_allowed(*, client_address: str) -> bool:
    """Count one look-up from this address; False once it is over the per-minute limit."""
    limit: int = getattr(settings, "SURVEY_TOKEN_LOOKUPS_PER_MINUTE", 30)
    window = int(time.time() // 60)
    key = _address_key(client_address or "unknown", window)
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=120)
            count = 1
    return count <= limit
