"""The settings as the app reads them: unusable values, unknown names, the base URL and
the shape of Stripe's keys (no call to Stripe)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlparse

from yoc.checks.findings import Finding, Status, fail, ok, warn
from yoc.settings import Settings

# Variables the test tooling reads (the Makefile, tests/): not settings, and not typos.
TOOLING_PREFIXES = ("YOC_TEST_", "YOC_E2E_")
DEFAULT_SENDER = Settings.mail_from
EXAMPLE_CONTACT = {
    "YOC_CONTACT_EMAIL": Settings.contact_email,
    "YOC_CONTACT_PHONE": Settings.contact_phone,
}


def read_settings(environ: Mapping[str, str]) -> tuple[Settings | None, list[Finding]]:
    known = Settings.env_names()
    findings = [
        warn(
            "settings",
            f"{name} is set but this app has no such setting (a typo?); "
            "the README lists every YOC_ variable.",
        )
        for name in sorted(environ)
        if name.startswith("YOC_") and name not in known and not name.startswith(TOOLING_PREFIXES)
    ]
    try:
        settings = Settings.from_env(environ)
    except ValueError:
        return None, [*findings, *_unreadable(environ, known)]
    problems = [p for p in settings.problems() if not p.startswith("YOC_BASE_URL")]
    findings += [fail("settings", f"{problem}.") for problem in problems]
    if not problems:
        findings.insert(0, ok("settings", f"YOC_ENV is {settings.env}; the settings are usable."))
    if settings.production and settings.database_url.startswith("sqlite://"):
        findings.append(
            warn(
                "settings",
                "YOC_DATABASE_URL is a SQLite file: production should use PostgreSQL "
                "(postgres://user:password@host:5432/yoc).",
            )
        )
    if settings.production and (examples := _example_contact(settings)):
        named = " and ".join(examples)
        are = "are the examples" if len(examples) > 1 else "is the example"
        findings.append(
            warn(
                "settings",
                f"{named} {are}: set the address and phone number families write to and "
                "call (every page and consent form shows them).",
            )
        )
    left_out = [r for r in ("staff", "admin") if r not in settings.require_two_factor_for]
    if settings.production and left_out:
        findings.append(
            warn(
                "settings",
                f"YOC_REQUIRE_2FA_FOR leaves out {', '.join(left_out)}: in production, staff "
                "and admins should need two-factor sign-in (the default when it is unset).",
            )
        )
    if settings.production and settings.mail_from == DEFAULT_SENDER:
        findings.append(
            warn("settings", "YOC_MAIL_FROM is the example sender: set your own address.")
        )
    return settings, findings


def _example_contact(settings: Settings) -> list[str]:
    """The contact settings left at the development example."""
    values = {
        "YOC_CONTACT_EMAIL": settings.contact_email,
        "YOC_CONTACT_PHONE": settings.contact_phone,
    }
    return [name for name, example in EXAMPLE_CONTACT.items() if values[name] == example]


def _unreadable(environ: Mapping[str, str], known: frozenset[str]) -> list[Finding]:
    """Which variables hold something that is not a number where a number belongs."""
    bad = []
    for name in sorted(known & environ.keys()):
        try:
            Settings.from_env({name: environ[name]})
        except ValueError:
            bad.append(name)
    return [
        fail("settings", f"{name} must be a number, not {environ[name]!r}; fix it or unset it.")
        for name in bad
    ] or [fail("settings", "A YOC_ setting that takes a number holds something else.")]


def check_base_url(settings: Settings) -> Finding:
    url = urlparse(settings.base_url)
    if settings.production and not settings.https:
        return fail(
            "base URL",
            f"YOC_BASE_URL is {settings.base_url}: in production it must be the public "
            "https:// address (e.g. https://yoc.example.org), or sign-in cookies and "
            "emailed links will not work.",
        )
    if settings.production and url.hostname in {"localhost", "127.0.0.1", "::1"}:
        return warn(
            "base URL",
            f"YOC_BASE_URL is {settings.base_url}: emailed links will point at this "
            "machine; set the public address.",
        )
    if not settings.https:
        return ok("base URL", f"{settings.base_url} (plain http is refused in production).")
    return ok("base URL", f"{settings.base_url}")


def check_stripe(settings: Settings) -> list[Finding]:
    """The shape of the keys (test or live, secret, webhook); no call to Stripe."""
    key, webhook = settings.stripe_secret_key, settings.stripe_webhook_secret
    if not key and not webhook:
        return [
            (warn if settings.production else ok)(
                "Stripe",
                "Not configured: card payment is off (free and pay-at-the-door tickets "
                "work). Set YOC_STRIPE_SECRET_KEY and YOC_STRIPE_WEBHOOK_SECRET to sell by card.",
            )
        ]
    findings = []
    if not key or not webhook:
        missing = "YOC_STRIPE_WEBHOOK_SECRET" if key else "YOC_STRIPE_SECRET_KEY"
        findings.append(
            fail("Stripe", f"{missing} is not set, so card payment stays off: set both.")
        )
    if key:
        findings.append(_stripe_key(key, settings))
    if webhook and not webhook.startswith("whsec_"):
        findings.append(
            fail(
                "Stripe",
                "YOC_STRIPE_WEBHOOK_SECRET should start with whsec_: copy the signing "
                "secret of the webhook endpoint from Stripe's dashboard.",
            )
        )
    if not any(f.status == Status.FAIL for f in findings) and settings.stripe_api_base:
        findings.append(
            warn("Stripe", f"YOC_STRIPE_API_BASE sends Stripe calls to {settings.stripe_api_base}.")
        )
    return findings


def _stripe_key(key: str, settings: Settings) -> Finding:
    if key.startswith("pk_"):
        return fail(
            "Stripe",
            "YOC_STRIPE_SECRET_KEY is a publishable key (pk_…): use the secret key (sk_…).",
        )
    mode = next((m for m in ("live", "test") if key.startswith((f"sk_{m}_", f"rk_{m}_"))), None)
    if mode is None:
        return fail(
            "Stripe",
            "YOC_STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_live_… or "
            "sk_test_…).",
        )
    if mode == "test" and settings.production:
        return warn(
            "Stripe",
            "Test keys (sk_test_…): no real card is charged. Use the live keys to sell tickets.",
        )
    if mode == "live" and not settings.production:
        return warn(
            "Stripe",
            f"Live keys with YOC_ENV={settings.env}: real cards would be charged.",
        )
    return ok("Stripe", f"{mode.capitalize()} keys and a webhook secret are set.")
