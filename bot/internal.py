"""The internal token our own processes show each other (Rasa's API, the action server, the
web channel): one check, in constant time, for all of them."""

from __future__ import annotations

import hmac


def authorised(authorization: str | None, token: str | None) -> bool:
    """Whether an Authorization header carries `Bearer <token>`; never without a token set."""
    if token is None or authorization is None:
        return False
    return hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())
