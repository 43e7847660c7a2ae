"""Keyed pseudonyms for children: stable per installation, meaningless outside it."""

import hashlib
import hmac

from django.conf import settings


def child_pseudonym(*, la_code: str, child_id: str) -> str:
    """HMAC-SHA256 of the LA code and child ID under the installation's pseudonym key.

    24 hex characters (96 bits): no collision in any realistic number of children, and
    nothing about the child can be read back from it without the key.
    """
    message = f"{la_code}:{child_id}".encode()
    digest = hmac.new(settings.PSEUDONYM_KEY.encode(), message, hashlib.sha256)
    return digest.hexdigest()[:24]
