"""The cancel link of a sign-up without an account: a token signed with the app's
secret key (itsdangerous), naming the sign-up. A cancelled sign-up's row is gone, so
its old link opens nothing (a new sign-up has a new id)."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from yoc.settings import Settings

_SALT = "volunteer-shift-cancel"


def cancel_token(signup_id: int, settings: Settings) -> str:
    return URLSafeSerializer(settings.secret_key, salt=_SALT).dumps(signup_id)


def cancel_link(signup_id: int, settings: Settings) -> str:
    return f"{settings.base_url}/volunteer/cancel/{cancel_token(signup_id, settings)}"


def signup_id_in(token: str, settings: Settings) -> int | None:
    """The sign-up a token names, or None for a token not signed here."""
    try:
        found = URLSafeSerializer(settings.secret_key, salt=_SALT).loads(token)
    except BadSignature:
        return None
    return found if isinstance(found, int) and 0 < found < 2**31 else None
