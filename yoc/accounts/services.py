"""Accounts: sign-up, sign-in, sessions, password reset, invitations, API tokens."""

from __future__ import annotations

from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from yoc import mail
from yoc.accounts.enums import Role, TokenPurpose
from yoc.accounts.models import (
    ApiToken,
    OneTimeToken,
    RecoveryCode,
    TwoFactor,
    User,
    UserSession,
)
from yoc.errors import DomainError, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from yoc.i18n import N_, ngettext
from yoc.paging import Keyset, Page, Window
from yoc.permissions import TokenScope
from yoc.ratelimit import RateLimitCount, RateLimiter
from yoc.security import hash_password, hash_token, new_token, password_problem, verify_password
from yoc.settings import Settings
from yoc.timeutil import utcnow


class RateLimited(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many sign-in attempts.", "rate_limited", retry_after=retry_after)

    def translated(self) -> str:
        return ngettext(
            "Too many sign-in attempts. Please wait %(num)d minute and try again.",
            "Too many sign-in attempts. Please wait %(num)d minutes and try again.",
            self.minutes,
        )


INVALID_LOGIN = N_("That email and password do not match an account.")
EMAIL_TAKEN = N_("An account with this email already exists. Try signing in instead.")
LINK_INVALID = N_("This link has expired or has already been used. Please ask for a new one.")
SIGNUP_LINK_DAYS = 3


class EmailTaken(ValidationFailed):
    """An account with this email exists. Said to admins and on the command line; a
    sign-up page says nothing of it (``tell_owner_of_signup``)."""

    def __init__(self) -> None:
        super().__init__({"email": EMAIL_TAKEN}, code="email_taken")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def login_rate_key(email: str) -> str:
    """The rate limiter's key for the sign-in attempts at one account."""
    return f"login:account:{normalise_email(email)}"


def _check_password(password: str, *, email: str = "", name: str = "", field: str = "password"):
    if problem := password_problem(password, email=email, name=name):
        raise ValidationFailed({field: problem})


async def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    password: str | None,
    language: str = "en",
    verified: bool = True,
) -> User:
    """Create an account; ``password`` None means the person chooses one (invitation).
    ``verified`` False: the account opens once its email is confirmed."""
    email = normalise_email(email)
    if password is not None:
        _check_password(password, email=email, name=name)
    # Hashed before looking the address up, so that a taken address costs the same time.
    password_hash = hash_password(password) if password is not None else None
    if await User.filter(email=email).exists():
        raise EmailTaken()
    try:
        return await User.create(
            email=email,
            name=name.strip(),
            role=role,
            language=language,
            password_hash=password_hash,
            email_verified_at=utcnow() if verified else None,
        )
    except IntegrityError:  # the same email, created a moment ago by another request
        raise EmailTaken() from None


async def sign_up_member(*, name: str, email: str, password: str, language: str) -> User:
    """A young person applies: a member account, which opens once they confirm their
    email (``send_signup_link``). Raises EmailTaken."""
    return await create_user(
        email=email,
        name=name,
        role=Role.MEMBER,
        password=password,
        language=language,
        verified=False,
    )


async def send_signup_link(user: User, *, settings: Settings) -> None:
    """Email a new member the link that confirms their address and opens the account."""
    token = await _issue_link(user, TokenPurpose.CONFIRM_EMAIL, SIGNUP_LINK_DAYS * 86400)
    await mail.queue_mail(
        to=user.email,
        template="signup_confirm",
        language=user.language,
        context={
            "name": user.name,
            "link": f"{settings.base_url}/signup/confirm/{token}",
            "days": SIGNUP_LINK_DAYS,
        },
    )


async def tell_owner_of_signup(email: str, *, settings: Settings) -> None:
    """Someone tried to sign up with an address that has an account: its owner hears of
    it (and how to sign in or choose a new password); the page said nothing."""
    user = await User.get(email=normalise_email(email))
    await mail.queue_mail(
        to=user.email,
        template="signup_taken",
        language=user.language,
        context={
            "name": user.name,
            "login_link": f"{settings.base_url}/login",
            "reset_link": f"{settings.base_url}/password-reset",
        },
    )


async def confirm_signup(token: str) -> User:
    """A new member opened their link: the address is theirs, the account opens."""
    link = await _valid_link(token, TokenPurpose.CONFIRM_EMAIL)
    now = utcnow()
    async with in_transaction():
        if not await OneTimeToken.filter(id=link.id, used_at__isnull=True).update(used_at=now):
            raise DomainError(LINK_INVALID, "link_invalid")
        await User.filter(id=link.user_id, email_verified_at__isnull=True).update(
            email_verified_at=now
        )
    return await User.get(id=link.user_id)


async def sign_in_with_password(
    limiter: RateLimiter, settings: Settings, *, email: str, password: str, ip: str
) -> User:
    """Check a password under the limits on failed attempts, of which only failures
    count: per account from this client, per client, and per account from anywhere
    (slower). The last stops only clients that have failed on this account, so that a
    crowd of guessers never locks the owner out."""
    account = normalise_email(email)
    pair = (f"login:pair:{account}:{ip}", settings.login_limit, settings.login_window)
    client = (f"login:ip:{ip}", settings.login_client_limit, settings.login_window)
    whole = (
        f"login:account:{account}",
        settings.login_account_limit,
        settings.login_account_window,
    )
    verdicts = [
        await limiter.peek(pair[0], limit=pair[1], window=pair[2]),
        await limiter.peek(client[0], limit=client[1], window=client[2]),
    ]
    account_wide = await limiter.peek(whole[0], limit=whole[1], window=whole[2])
    if not account_wide.allowed:
        failed_here = await limiter.peek(pair[0], limit=1, window=pair[2])
        if not failed_here.allowed:
            verdicts.append(account_wide)
    if blocked := [v for v in verdicts if not v.allowed]:
        raise RateLimited(max(v.retry_after for v in blocked))
    try:
        user = await authenticate(email=email, password=password)
    except DomainError:
        for key, limit, window in (pair, client, whole):
            await limiter.hit(key, limit=limit, window=window)
        raise
    # The owner's own typos from this client are forgiven once they get it right.
    await limiter.reset(pair[0])
    return user


async def authenticate(*, email: str, password: str) -> User:
    user = await User.get_or_none(email=normalise_email(email))
    ok, needs_rehash = verify_password(user.password_hash if user else None, password)
    # An unconfirmed sign-up is refused like a wrong password: a sign-up with someone
    # else's address must not tell whether the password chosen with it works.
    if not user or not ok or not user.is_active or user.email_verified_at is None:
        raise DomainError(INVALID_LOGIN, "invalid_credentials")
    if needs_rehash:
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    await user.save(update_fields=["password_hash", "last_login_at"])
    return user


async def start_session(user: User, *, key: str, settings: Settings, user_agent: str = "") -> None:
    await UserSession.create(
        key_hash=hash_token(key),
        user=user,
        expires_at=utcnow() + timedelta(seconds=settings.session_max_age),
        user_agent=user_agent[:200],
    )


async def end_session(key: str | None) -> None:
    if key:
        await UserSession.filter(key_hash=hash_token(key)).delete()


ERASED_NAME = "Deleted member"


async def erase_account(user: User) -> None:
    """Close an account for good: its sessions, tokens and counted sign-in attempts go,
    and the row stays (other records point at it) with nothing that names the person."""
    for model in (UserSession, ApiToken, OneTimeToken, TwoFactor, RecoveryCode):
        await model.filter(user=user).delete()
    # Counted sign-in failures and mail name the email: the database's go now (Redis
    # forgets a count two windows later by itself).
    await RateLimitCount.filter(key__contains=user.email).delete()
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.name = ERASED_NAME
    user.password_hash = None
    user.is_active = False
    await user.save(update_fields=["email", "name", "password_hash", "is_active"])


async def set_language(user: User, language: str) -> None:
    user.language = language
    await user.save(update_fields=["language"])


async def change_password(user: User, *, current: str, new: str) -> None:
    ok, _ = verify_password(user.password_hash, current)
    # Both problems at once: the current password and the new one.
    problems = {} if ok else {"current_password": N_("Your current password is not right.")}
    if problem := password_problem(new, email=user.email, name=user.name):
        problems["password"] = problem
    if problems:
        raise ValidationFailed(problems)
    async with in_transaction():
        user.password_hash = hash_password(new)
        await user.save(update_fields=["password_hash"])
        # Other browsers signed in with the old password are signed out, and devices
        # given a token with it stop.
        await UserSession.filter(user=user).delete()
        await _end_api_tokens(user)


# One-time links ---------------------------------------------------------------


async def _issue_link(user: User, purpose: TokenPurpose, max_age: int) -> str:
    token = new_token()
    await OneTimeToken.create(
        purpose=purpose,
        token_hash=hash_token(token),
        user=user,
        expires_at=utcnow() + timedelta(seconds=max_age),
    )
    return token


async def _valid_link(token: str, purpose: TokenPurpose) -> OneTimeToken:
    link = (
        await OneTimeToken.filter(token_hash=hash_token(token), purpose=purpose)
        .select_related("user")
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise DomainError(LINK_INVALID, "link_invalid")
    return link


async def check_link(token: str, purpose: TokenPurpose) -> User:
    """The person a one-time link is for, if it can still be used."""
    return (await _valid_link(token, purpose)).user


async def _use_link(token: str, purpose: TokenPurpose, new_password: str) -> User:
    link = await _valid_link(token, purpose)
    user = link.user
    _check_password(new_password, email=user.email, name=user.name)
    async with in_transaction():
        # The conditional update is what makes the link single-use, even when two
        # requests race with it.
        used = await OneTimeToken.filter(id=link.id, used_at__isnull=True).update(used_at=utcnow())
        if not used:
            raise DomainError(LINK_INVALID, "link_invalid")
        user.password_hash = hash_password(new_password)
        # The link came by email: whoever opened it reads that mailbox.
        user.email_verified_at = user.email_verified_at or utcnow()
        await user.save(update_fields=["password_hash", "email_verified_at"])
        await UserSession.filter(user=user).delete()
        await _end_api_tokens(user)
        await OneTimeToken.filter(user=user, purpose=purpose, used_at__isnull=True).update(
            used_at=utcnow()
        )
    return user


async def request_password_reset(email: str, *, settings: Settings, language: str) -> None:
    """Email a reset link if the account exists, else a note that there is no account
    (in ``language``, the asker's): one email either way, and the page says the same."""
    email = normalise_email(email)
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        await mail.queue_mail(
            to=email,
            template="password_reset_unknown",
            language=language,
            context={"signup_link": f"{settings.base_url}/signup"},
        )
        return
    # Only the newest link works: older ones, perhaps still in someone's inbox, end.
    await OneTimeToken.filter(
        user=user, purpose=TokenPurpose.PASSWORD_RESET, used_at__isnull=True
    ).update(used_at=utcnow())
    token = await _issue_link(user, TokenPurpose.PASSWORD_RESET, settings.password_reset_max_age)
    await mail.queue_mail(
        to=user.email,
        template="password_reset",
        language=user.language,
        context={
            "name": user.name,
            "link": f"{settings.base_url}/password-reset/{token}",
            "minutes": settings.password_reset_max_age // 60,
        },
    )


async def reset_password(token: str, new_password: str) -> User:
    return await _use_link(token, TokenPurpose.PASSWORD_RESET, new_password)


async def invite_user(
    *, inviter: User, email: str, name: str, role: Role, language: str, settings: Settings
) -> User:
    """An admin invites a mentor, staff member or admin, who then chooses a password."""
    if inviter.role != Role.ADMIN:
        raise PermissionDenied(N_("Only an admin can invite people."), "forbidden")
    async with in_transaction():
        user = await create_user(
            email=email, name=name, role=role, password=None, language=language, verified=False
        )
        token = await _issue_link(user, TokenPurpose.INVITE, settings.invite_max_age)
        await mail.queue_mail(
            to=user.email,
            template="invite",
            language=language,
            context={
                "name": user.name,
                "inviter": inviter.name,
                "role": Role(role),
                "link": f"{settings.base_url}/invite/{token}",
                "days": settings.invite_max_age // 86400,
            },
        )
    return user


async def accept_invite(token: str, password: str) -> User:
    return await _use_link(token, TokenPurpose.INVITE, password)


async def get_user(user_id: int) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound(N_("We could not find that person."), "not_found")
    return user


async def change_role(*, actor: User, user_id: int, role: Role) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound(N_("We could not find that person."), "not_found")
    if user.id == actor.id:
        raise DomainError(N_("You cannot change your own role."), "own_role")
    if user.role != role:
        async with in_transaction():
            user.role = role
            await user.save(update_fields=["role"])
            # A token was given for what the old role allowed.
            await _end_api_tokens(user)
    return user


async def set_active(*, actor: User, user_id: int, active: bool) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound(N_("We could not find that person."), "not_found")
    if user.id == actor.id:
        raise DomainError(N_("You cannot deactivate your own account."), "own_account")
    async with in_transaction():
        user.is_active = active
        await user.save(update_fields=["is_active"])
        if not active:
            await UserSession.filter(user=user).delete()
            await _end_api_tokens(user)
    return user


# API tokens ---------------------------------------------------------------------


async def create_api_token(
    user: User, name: str, *, scope: TokenScope = TokenScope.WRITE, days: int = 90
) -> tuple[ApiToken, str]:
    """Return the token row and the secret, which is shown once and never stored. The
    token works for ``days`` and may do what ``scope`` says (and the owner's role)."""
    secret = "yoc_" + new_token()
    token = await ApiToken.create(
        user=user,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:10],
        scope=scope,
        expires_at=utcnow() + timedelta(days=days),
    )
    return token, secret


async def _end_api_tokens(user: User) -> None:
    """What the owner gave a device stops with a new password, role or deactivation."""
    await ApiToken.filter(user=user, revoked_at__isnull=True).update(revoked_at=utcnow())


async def user_for_api_token(secret: str) -> tuple[User, TokenScope] | None:
    """The owner of a token that still works, and what the token may do."""
    now = utcnow()
    token = (
        await ApiToken.filter(
            token_hash=hash_token(secret), revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # Record use at most once a minute, so a busy scanner does not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        await ApiToken.filter(id=token.id).update(last_used_at=now)
    return token.user, token.scope


async def list_api_tokens(user: User, *, everyone: bool = False) -> list[ApiToken]:
    query = ApiToken.all() if everyone else ApiToken.filter(user=user)
    return await query.select_related("user")


async def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    token = await ApiToken.get_or_none(id=token_id)
    # Someone else's token is "not found", so its existence is not confirmed.
    if token is None or (token.user_id != actor.id and actor.role != Role.ADMIN):
        raise NotFound(N_("We could not find that token."), "not_found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        await token.save(update_fields=["revoked_at"])
    return token


USERS = Keyset("users", (("name", str), ("id", int)))


async def search_users(
    window: Window, *, q: str = "", role: Role | None = None
) -> tuple[Page[User], int]:
    """A page of the people whose name or email holds ``q`` (by name), and how many match."""
    query = User.all()
    if q:
        query = query.filter(Q(name__icontains=q) | Q(email__icontains=q))
    if role:
        query = query.filter(role=role)
    return await USERS.page(query, window), await query.count()


async def staff_contacts() -> list[tuple[str, str]]:
    """Email and language of every active staff member and admin (for staff notices)."""
    found = await User.filter(role__in=[Role.STAFF, Role.ADMIN], is_active=True).order_by("id")
    return [(user.email, user.language) for user in found]
