"""A sign-up whose guardian email belongs to a YO-C account is told so with the form's
other problems, in one round, in the applicant's language, with what was typed kept;
and finding that out costs an attacker no less than before: each answer that looked the
address up counts against the client's sign-up limit, and past it nothing is looked up."""

from __future__ import annotations

import pytest

from tests.conftest import client_from, post_form
from tests.factories import make_user
from tests.html_page import error_summary, parse_page
from tests.members.test_consent import application
from tests.tickets.conftest import translated
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.members.services.guardianship import ACCOUNT_EMAIL
from yoc.settings import Settings

CLIENT_LIMIT = 4
MISMATCH = "The two passwords do not match."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(mail_client_limit=CLIENT_LIMIT)


def value_of(html: str, element_id: str) -> str | None:
    control = parse_page(html).by_id(element_id)
    assert control is not None, f"no #{element_id} on the page"
    return control.get("value")


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_guardian_email_of_an_account_is_reported_with_the_other_problems(
    client, language
) -> None:
    await make_user(email="mentor@example.org", role=Role.MENTOR)
    # Before, the mismatch came first and the guardian's address only on the next try.
    form = application(
        15,
        language=language,
        password_confirm="desert wind at noon",
        guardian_email="Mentor@example.org",
    )
    client.headers["Accept-Language"] = language

    response = await post_form(client, "/signup", form)

    assert response.status_code == 422
    t = lambda message: translated(message, language)  # noqa: E731
    assert error_summary(response.text).items == [
        (f"{t('Password again')}: {t(MISMATCH)}", "f-password_confirm"),
        (f"{t('Your parent or guardian’s email')}: {t(ACCOUNT_EMAIL)}", "f-guardian_email"),
    ]
    for field in ("name", "email", "password", "password_confirm", "guardian_email"):
        assert value_of(response.text, f"f-{field}") == form[field]
    assert await User.filter(role=Role.MEMBER).count() == 0


async def test_fixing_the_other_problems_still_refuses_an_accounts_email(client) -> None:
    await make_user(email="mentor@example.org", role=Role.MENTOR)

    response = await post_form(
        client, "/signup", application(15, guardian_email="mentor@example.org")
    )

    assert response.status_code == 422
    assert [target for _, target in error_summary(response.text).items] == ["f-guardian_email"]
    assert await User.filter(role=Role.MEMBER).count() == 0


async def test_refused_sign_ups_look_addresses_up_only_within_the_clients_limit(app) -> None:
    await make_user(email="mentor@example.org", role=Role.MENTOR)
    said = []
    async with client_from(app, "203.0.113.9") as prober:
        for n in range(CLIENT_LIMIT + 3):
            form = application(
                15,
                email=f"probe{n}@example.org",
                password_confirm="not the same",
                guardian_email="mentor@example.org",
            )
            response = await post_form(prober, "/signup", form)
            assert response.status_code == 422
            said.append([target for _, target in error_summary(response.text).items])

    looked_up = ["f-password_confirm", "f-guardian_email"]
    assert said == [looked_up] * CLIENT_LIMIT + [["f-password_confirm"]] * 3
    # The limit is the one sign-ups that go through share: the next one is refused too.
    async with client_from(app, "203.0.113.9") as prober:
        last = await post_form(
            prober, "/signup", application(15, email="real@example.org", guardian_email="x@ex.org")
        )
    assert last.status_code == 429
