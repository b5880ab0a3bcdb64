"""One settings object, read once from ``YOC_*`` environment variables."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlparse

# Published in this file, so it signs cookies only with YOC_ENV=development (`make run`).
DEV_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 - refused outside development
PROJECT_DIR = Path(__file__).resolve().parent.parent
# The role values (yoc.roles.Role), spelled out: settings are read before anything else.
ROLES = ("member", "mentor", "staff", "admin")


class ConfigError(Exception):
    """The configuration cannot be used; the message says which setting and why."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # Unset means production: a forgotten YOC_ENV must not fall back to the public key.
    env: str = "production"
    database_url: str = f"sqlite://{PROJECT_DIR / 'yoc.sqlite3'}"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    timezone: str = "America/Los_Angeles"
    smtp_url: str = ""
    mail_from: str = "YO-C <no-reply@yoc.example.org>"
    # Where people write or call with a question: shown in every page's footer, on the
    # consent form and in its email, and in the privacy notice.
    contact_email: str = "team@yoc.example.org"
    contact_phone: str = "(760) 555-0100"
    # A mail worker owns the messages it claims for this long; it claims this many at a
    # time. Each message's claim is renewed just before it is sent, and the send must end
    # well within the claim, so a second worker never takes a message still being sent.
    mail_lease_seconds: float = 120.0
    mail_batch: int = 10
    # /healthz answers 503 when the oldest unsent message has waited longer than this, or
    # when no worker has finished a round for this long (seconds).
    health_outbox_seconds: int = 900
    health_worker_seconds: int = 600
    redis_url: str = ""
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    # How long a buyer waits on Stripe's API per try before hearing it is unavailable.
    stripe_timeout_seconds: float = 5.0
    # Background jobs (outbox, expiring holds) inside the web process: handy in
    # development; production runs `yoc worker` instead.
    run_jobs_in_process: bool = True
    # Seconds between two rounds of the jobs that run inside the web process.
    jobs_interval: float = 5.0
    session_max_age: int = 14 * 24 * 3600
    password_reset_max_age: int = 3600
    invite_max_age: int = 7 * 24 * 3600
    hold_minutes: int = 15
    # How long a waiting list's offer holds its seats for the person offered them.
    waitlist_offer_hours: float = 24.0
    # Named on receipts, where part of what was paid is a gift.
    org_name: str = "Youth Organizing Council (YO-C)"
    org_tax_id: str = ""
    api_token_days: int = 90
    # Failed sign-ins: per account from one client, per client whatever the account
    # (a school shares one address), and per account from anywhere, counted over longer.
    login_limit: int = 10
    login_window: int = 300
    login_client_limit: int = 30
    login_account_limit: int = 100
    login_account_window: int = 3600
    # Orders placed per client address (a family or a box office line shares one), and
    # wrong partner or door codes per address, in a sliding window of seconds.
    order_limit: int = 20
    order_window: int = 600
    code_limit: int = 10
    code_window: int = 600
    # Emails that a page sends to an address someone types (sign-up, password reset,
    # resending tickets or the consent form): per address, and per client address.
    mail_limit: int = 3
    mail_client_limit: int = 30
    mail_window: int = 3600
    trusted_proxies: tuple[str, ...] = ()
    # Two-factor sign-in is required for these roles (role values); production's default
    # is staff and admins. Anyone may turn it on.
    require_two_factor_for: tuple[str, ...] = ()
    # Codes tried at the second step of a sign-in, per account in ``login_window``.
    two_factor_limit: int = 5
    # A session ends after this many seconds without a request: mentors, staff and
    # admins, and members (whose phones are their own and who sign in less often).
    idle_timeout_staff: int = 2 * 3600
    idle_timeout_member: int = 14 * 24 * 3600
    # Role changes, deletions, refunds and new door codes need the password or a code
    # entered within this many seconds.
    reauth_seconds: int = 600
    # Request bodies: forms and JSON, and the few paths that take a file (a photo).
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 6 * 1024 * 1024
    # A request whose body stops arriving for this long is answered 408 and let go.
    body_idle_seconds: float = 20.0
    static_max_age: int = 3600
    # Public pages (the festival page) are shared by anonymous visitors for this long:
    # what they show of availability may be this many seconds old. Orders always check
    # capacity in the database.
    public_page_seconds: float = 2.0
    # The bearer token a Prometheus scraper sends to /metrics; unset, /metrics is a 404.
    metrics_token: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        get = env.get
        name = get("YOC_ENV", "") or cls.env
        production = name == "production"
        default_key = DEV_SECRET_KEY if name == "development" else ""
        settings = cls(
            env=name,
            database_url=get("YOC_DATABASE_URL", cls.database_url),
            secret_key=get("YOC_SECRET_KEY", default_key),
            base_url=get("YOC_BASE_URL", cls.base_url).rstrip("/"),
            timezone=get("YOC_TIMEZONE", cls.timezone),
            smtp_url=get("YOC_SMTP_URL", ""),
            mail_from=get("YOC_MAIL_FROM", cls.mail_from),
            contact_email=get("YOC_CONTACT_EMAIL", cls.contact_email).strip(),
            contact_phone=get("YOC_CONTACT_PHONE", cls.contact_phone).strip(),
            mail_lease_seconds=float(get("YOC_MAIL_LEASE_SECONDS", str(cls.mail_lease_seconds))),
            mail_batch=int(get("YOC_MAIL_BATCH", str(cls.mail_batch))),
            health_outbox_seconds=int(
                get("YOC_HEALTH_OUTBOX_SECONDS", str(cls.health_outbox_seconds))
            ),
            health_worker_seconds=int(
                get("YOC_HEALTH_WORKER_SECONDS", str(cls.health_worker_seconds))
            ),
            redis_url=get("YOC_REDIS_URL", ""),
            stripe_secret_key=get("YOC_STRIPE_SECRET_KEY", ""),
            stripe_webhook_secret=get("YOC_STRIPE_WEBHOOK_SECRET", ""),
            stripe_api_base=get("YOC_STRIPE_API_BASE", ""),
            stripe_timeout_seconds=float(get("YOC_STRIPE_TIMEOUT_SECONDS", "5")),
            hold_minutes=int(get("YOC_HOLD_MINUTES", "15")),
            waitlist_offer_hours=float(
                get("YOC_WAITLIST_OFFER_HOURS", str(cls.waitlist_offer_hours))
            ),
            org_name=get("YOC_ORG_NAME", cls.org_name).strip() or cls.org_name,
            org_tax_id=get("YOC_ORG_TAX_ID", "").strip(),
            api_token_days=int(get("YOC_API_TOKEN_DAYS", str(cls.api_token_days))),
            login_limit=int(get("YOC_LOGIN_LIMIT", str(cls.login_limit))),
            login_client_limit=int(get("YOC_LOGIN_CLIENT_LIMIT", str(cls.login_client_limit))),
            login_account_limit=int(get("YOC_LOGIN_ACCOUNT_LIMIT", str(cls.login_account_limit))),
            login_account_window=int(
                get("YOC_LOGIN_ACCOUNT_WINDOW", str(cls.login_account_window))
            ),
            order_limit=int(get("YOC_ORDER_LIMIT", str(cls.order_limit))),
            order_window=int(get("YOC_ORDER_WINDOW", str(cls.order_window))),
            code_limit=int(get("YOC_CODE_LIMIT", str(cls.code_limit))),
            code_window=int(get("YOC_CODE_WINDOW", str(cls.code_window))),
            mail_limit=int(get("YOC_MAIL_LIMIT", str(cls.mail_limit))),
            mail_client_limit=int(get("YOC_MAIL_CLIENT_LIMIT", str(cls.mail_client_limit))),
            mail_window=int(get("YOC_MAIL_WINDOW", str(cls.mail_window))),
            public_page_seconds=float(get("YOC_PUBLIC_PAGE_SECONDS", "2")),
            metrics_token=get("YOC_METRICS_TOKEN", "").strip(),
            require_two_factor_for=tuple(
                r.strip()
                for r in get("YOC_REQUIRE_2FA_FOR", "staff,admin" if production else "").split(",")
                if r.strip()
            ),
            two_factor_limit=int(get("YOC_TWO_FACTOR_LIMIT", str(cls.two_factor_limit))),
            idle_timeout_staff=int(get("YOC_IDLE_TIMEOUT_STAFF", str(cls.idle_timeout_staff))),
            idle_timeout_member=int(get("YOC_IDLE_TIMEOUT_MEMBER", str(cls.idle_timeout_member))),
            reauth_seconds=int(get("YOC_REAUTH_SECONDS", str(cls.reauth_seconds))),
            max_body_bytes=int(get("YOC_MAX_BODY_BYTES", str(cls.max_body_bytes))),
            max_upload_bytes=int(get("YOC_MAX_UPLOAD_BYTES", str(cls.max_upload_bytes))),
            body_idle_seconds=float(get("YOC_BODY_IDLE_SECONDS", str(cls.body_idle_seconds))),
            run_jobs_in_process=_bool(get("YOC_RUN_JOBS_IN_PROCESS", "0" if production else "1")),
            jobs_interval=float(get("YOC_JOBS_INTERVAL", str(cls.jobs_interval))),
            trusted_proxies=tuple(
                p.strip() for p in get("YOC_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
        )
        return settings

    @property
    def stripe_enabled(self) -> bool:
        return bool(self.stripe_secret_key and self.stripe_webhook_secret)

    @property
    def contact_phone_uri(self) -> str:
        """The contact phone as a link a phone dials ("tel:7605550100"), or ""."""
        digits = re.sub(r"[^\d+]", "", self.contact_phone)
        return f"tel:{digits}" if digits else ""

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def https(self) -> bool:
        return urlparse(self.base_url).scheme == "https"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @classmethod
    def env_names(cls) -> frozenset[str]:
        """Every ``YOC_*`` variable that ``from_env`` reads."""
        names: set[str] = set()

        class Recorder(dict):
            def get(self, key: str, default: str | None = None) -> str | None:
                names.add(key)
                return default

        cls.from_env(Recorder())
        return frozenset(names)

    def check(self) -> None:
        """Refuse settings that are unsafe for the environment they run in."""
        if problems := self.problems():
            raise ConfigError(problems[0])

    def problems(self) -> list[str]:
        """What is unsafe for the environment these settings run in, one sentence each."""
        found: list[str] = []
        if self.env not in {"development", "production", "test"}:
            found.append(f"YOC_ENV must be development, production or test, not {self.env!r}")
        if not self.database_url.startswith(("sqlite://", "postgres://", "asyncpg://")):
            found.append("YOC_DATABASE_URL must start with sqlite:// or postgres://")
        if not self.jobs_interval > 0:
            found.append("YOC_JOBS_INTERVAL must be more than 0 seconds")
        if self.mail_lease_seconds <= 0 or self.mail_batch < 1:
            found.append("YOC_MAIL_LEASE_SECONDS must be more than 0 and YOC_MAIL_BATCH at least 1")
        if unknown := set(self.require_two_factor_for) - set(ROLES):
            found.append(
                f"YOC_REQUIRE_2FA_FOR takes roles ({', '.join(ROLES)}), "
                f"not {', '.join(sorted(unknown))}"
            )
        if self.env != "development" and (
            self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            found.append(
                "YOC_SECRET_KEY must be set to a random value of at least 32 characters "
                f"(YOC_ENV is {self.env}; only YOC_ENV=development uses the built-in key)"
            )
        if self.env != "development" and 0 < len(self.metrics_token) < 32:
            found.append(
                "YOC_METRICS_TOKEN must be a random value of at least 32 characters, or unset"
            )
        if self.production and not self.https:
            found.append("YOC_BASE_URL must start with https:// in production")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.contact_email):
            found.append(
                "YOC_CONTACT_EMAIL must be the email address people write to, "
                f"like team@example.org, not {self.contact_email!r}"
            )
        return found
