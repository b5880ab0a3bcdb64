"""A form refused puts a summary of every error first in the page's main content, where
a phone shows it and where focus lands (see tests/e2e/test_form_errors_journey.py): one
link per error, to a field marked invalid and described by its message, with what was
typed still in the form (the passwords of sign-up too)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.html_page import error_summary, linked_fields, parse_page
from tests.members.test_consent import application
from tests.tickets.conftest import submit, translated
from tests.tickets.factories import make_event, make_ticket_type, sliding_event
from tests.tickets.test_staff_forms import add_type
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.mail import OutboxMessage
from yoc.settings import PROJECT_DIR
from yoc.tickets.enums import Pricing

CHECK_FIELDS = "Please check the highlighted fields."


def value_of(html: str, element_id: str) -> str | None:
    control = parse_page(html).by_id(element_id)
    assert control is not None, f"no #{element_id} on the page"
    return control.get("value")


@pytest.mark.parametrize("language", ["en", "es"])
async def test_sign_up_reports_every_problem_at_once_and_keeps_the_passwords(
    client, language
) -> None:
    # A 15-year-old with a mistyped email, a short password and no guardian: before,
    # the guardian came first and the password only on the next try.
    form = application(
        15,
        email="itzel@",
        password="abc",
        password_confirm="abc",
        guardian_name="",
        guardian_email="",
        guardian_phone="",
    )
    client.headers["Accept-Language"] = language

    response = await post_form(client, "/signup", form)

    assert response.status_code == 422
    summary = error_summary(response.text)
    t = lambda message: translated(message, language)  # noqa: E731
    assert summary.heading == t(CHECK_FIELDS)
    assert summary.items == [
        (f"{t('Email')}: {t('Enter an email address like name@example.com.')}", "f-email"),
        (f"{t('Password')}: {t('Use at least 8 characters.')}", "f-password"),
        (
            f"{t('Your parent or guardian’s name')}: "
            f"{t('Tell us who your parent or guardian is.')}",
            "f-guardian_name",
        ),
        (
            f"{t('Your parent or guardian’s email')}: "
            f"{t('Give your guardian’s email or phone number.')}",
            "f-guardian_email",
        ),
    ]
    assert len(linked_fields(response.text)) == 4
    assert value_of(response.text, "f-name") == "Itzel Ramírez"
    assert value_of(response.text, "f-email") == "itzel@"
    assert value_of(response.text, "f-birth_date") == form["birth_date"]
    assert value_of(response.text, "f-password") == "abc"
    assert value_of(response.text, "f-password_confirm") == "abc"
    assert response.headers["cache-control"] == "no-store"
    assert await User.all().count() == 0


async def test_sign_up_says_the_passwords_differ_along_with_the_guardian(client) -> None:
    form = application(
        16, password_confirm="desert wind at noon", guardian_name="", guardian_phone=""
    )

    response = await post_form(client, "/signup", form)

    assert response.status_code == 422
    assert [target for _, target in error_summary(response.text).items] == [
        "f-password_confirm",
        "f-guardian_name",
    ]
    assert value_of(response.text, "f-password") == form["password"]
    assert value_of(response.text, "f-password_confirm") == "desert wind at noon"


async def test_the_members_own_email_as_the_guardians_is_reported_with_the_password(
    client,
) -> None:
    form = application(
        15, guardian_email="ITZEL@example.org", password="password", password_confirm="password"
    )

    response = await post_form(client, "/signup", form)

    assert response.status_code == 422
    assert [target for _, target in error_summary(response.text).items] == [
        "f-password",
        "f-guardian_email",
    ]


async def test_a_failed_log_in_says_why_first_and_keeps_the_email_only(client) -> None:
    await make_user(email="ana@example.org")

    response = await post_form(
        client, "/login", {"email": "ana@example.org", "password": "not my password"}
    )

    summary = error_summary(response.text)
    assert summary.heading == "That email and password do not match an account."
    assert summary.items == []
    assert value_of(response.text, "f-email") == "ana@example.org"
    assert value_of(response.text, "f-password") is None


async def test_a_log_in_with_empty_fields_links_to_both(client) -> None:
    response = await post_form(client, "/login", {"email": "", "password": ""})

    assert error_summary(response.text).items == [
        ("Email: This field is required.", "f-email"),
        ("Password: This field is required.", "f-password"),
    ]
    assert len(linked_fields(response.text)) == 2


async def test_a_refused_checkout_links_each_error_to_its_field(client) -> None:
    event, scale = await sliding_event()

    response = await submit(
        client,
        event,
        {f"qty_{scale.id}": "1", f"price_{scale.id}": "1", "payment": "box_office"},
        step="review",
        buyer={"buyer_name": "", "buyer_email": "ana@@example"},
    )

    assert response.status_code == 422
    summary = error_summary(response.text)
    assert summary.heading == CHECK_FIELDS
    # The price's problem with the buyer's, not on the next try.
    assert summary.items == [
        (
            "Pay what you can – Your price per ticket (USD): "
            "Choose a price between the lowest and the highest shown.",
            f"price_{scale.id}",
        ),
        ("Your name: This field is required.", "f-buyer_name"),
        ("Email: Enter an email address like name@example.com.", "f-buyer_email"),
    ]
    assert len(linked_fields(response.text)) == 3
    assert value_of(response.text, f"price_{scale.id}") == "1"
    assert value_of(response.text, "f-buyer_email") == "ana@@example"


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_checkout_with_wrong_buyer_details_and_no_ticket_says_both_at_once(
    client, language
) -> None:
    # Before, the buyer's details were refused first, and "Choose at least one ticket"
    # came only once they were right.
    event, _ = await sliding_event()

    response = await submit(
        client,
        event,
        {},
        step="review",
        language=language,
        buyer={"buyer_name": "Ana Pérez", "buyer_email": "ana@"},
    )

    assert response.status_code == 422
    t = lambda message: translated(message, language)  # noqa: E731
    summary = error_summary(response.text)
    assert summary.heading == t("Choose at least one ticket.")
    assert summary.items == [
        (f"{t('Email')}: {t('Enter an email address like name@example.com.')}", "f-buyer_email")
    ]
    assert value_of(response.text, "f-buyer_name") == "Ana Pérez"
    assert value_of(response.text, "f-buyer_email") == "ana@"


async def test_a_checkout_with_wrong_buyer_details_says_how_to_pay_too(client) -> None:
    event, scale = await sliding_event()

    response = await submit(
        client,
        event,
        {f"qty_{scale.id}": "2", f"price_{scale.id}": "80"},
        step="review",
        buyer={"buyer_name": "", "buyer_email": "ana@example.org"},
    )

    assert response.status_code == 422
    assert [target for _, target in error_summary(response.text).items] == [
        f"price_{scale.id}",
        "f-buyer_name",
        "payment-box_office",
    ]
    assert value_of(response.text, "f-buyer_email") == "ana@example.org"
    assert value_of(response.text, f"price_{scale.id}") == "80"


async def test_a_free_checkout_with_wrong_buyer_details_does_not_ask_how_to_pay(client) -> None:
    event = await make_event()
    free = await make_ticket_type(event, pricing=Pricing.FREE)

    response = await submit(
        client, event, {f"qty_{free.id}": "1"}, step="review", buyer={"buyer_name": ""}
    )

    assert response.status_code == 422
    assert [target for _, target in error_summary(response.text).items] == [
        "f-buyer_name",
        "f-buyer_email",
    ]


async def test_a_price_out_of_the_scale_links_to_the_price_of_its_ticket(client) -> None:
    event, scale = await sliding_event()

    response = await submit(
        client,
        event,
        {f"qty_{scale.id}": "1", f"price_{scale.id}": "1", "payment": "box_office"},
        step="review",
    )

    assert response.status_code == 422
    assert error_summary(response.text).items == [
        (
            "Pay what you can – Your price per ticket (USD): "
            "Choose a price between the lowest and the highest shown.",
            f"price_{scale.id}",
        )
    ]
    assert len(linked_fields(response.text)) == 1


async def test_a_checkout_refused_as_a_whole_says_so_first(client) -> None:
    event = await make_event()
    await make_ticket_type(event)

    response = await submit(client, event, {"payment": "box_office"}, step="review")

    summary = error_summary(response.text)
    assert summary.heading == "Choose at least one ticket."
    assert value_of(response.text, "f-buyer_name") == "Ana Pérez"


async def test_a_wrong_partner_code_is_reported_first_and_linked_to_the_code(client) -> None:
    event = await make_event()
    await make_ticket_type(event, access_code="CAMPESINO27", pricing=Pricing.FREE)

    response = await client.get(f"/events/{event.slug}?code=NOPE")

    summary = error_summary(response.text)
    assert summary.items == [
        (
            "Code from your school or group: "
            "That code does not open any tickets. Check it with your group.",
            "code",
        )
    ]
    assert len(linked_fields(response.text)) == 1
    assert value_of(response.text, "code") == "NOPE"


async def test_a_staff_form_links_each_error_to_its_field_and_keeps_the_rest(app) -> None:
    staff = await make_user(role=Role.STAFF)
    event = await make_event()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as browser:
        await log_in(browser, staff.email, PASSWORD)
        response = await add_type(
            browser,
            event,
            {
                "name_en": "",
                "pricing": "sliding",
                "min_price": "5",
                "suggested_price": "15 dollars",
                "max_price": "50",
            },
        )

    assert response.status_code == 422
    summary = error_summary(response.text)
    assert [target for _, target in summary.items] == ["f-name_en", "f-suggested_price"]
    assert len(linked_fields(response.text)) == 2
    assert value_of(response.text, "f-suggested_price") == "15 dollars"
    assert value_of(response.text, "f-name_es") == "Juventud"


async def test_a_page_without_errors_has_no_summary(client) -> None:
    page = await client.get("/signup")

    assert parse_page(page.text).by_id("error-summary") is None
    assert csrf_from(page.text)


async def reset_link(client: httpx.AsyncClient, email: str) -> str:
    await post_form(client, "/password-reset", {"email": email})
    message = await OutboxMessage.filter(template="password_reset", to_email=email).first()
    assert message is not None
    match = re.search(r"http://testserver(/password-reset/\S+)", message.body_text)
    assert match
    return match.group(1)


async def test_a_new_password_refused_keeps_both_passwords(client) -> None:
    await make_user(email="ana@example.org")
    link = await reset_link(client, "ana@example.org")

    response = await post_form(
        client,
        link,
        {"password": "a brand new passphrase", "password_confirm": "a brand new passfrase"},
    )

    assert response.status_code == 422
    assert error_summary(response.text).items == [
        ("New password again: The two passwords do not match.", "f-password_confirm")
    ]
    assert value_of(response.text, "f-password") == "a brand new passphrase"
    assert value_of(response.text, "f-password_confirm") == "a brand new passfrase"
    assert response.headers["cache-control"] == "no-store"


async def test_changing_the_password_reports_the_current_and_the_new_one_at_once(
    client,
) -> None:
    user = await make_user(email="ana@example.org", name="Ana")
    await log_in(client, user.email, PASSWORD)

    response = await post_form(
        client,
        "/account",
        {
            "current_password": "not it",
            "password": "ana@example.org",
            "password_confirm": "ana@example.org",
        },
        action="/account/password",
    )

    assert response.status_code == 422
    assert error_summary(response.text).items == [
        ("Current password: Your current password is not right.", "f-current_password"),
        ("New password: Your password must not be your name or email.", "f-password"),
    ]
    assert len(linked_fields(response.text)) == 2
    assert value_of(response.text, "f-password_confirm") == "ana@example.org"


def test_every_field_message_is_drawn_by_the_shared_macros() -> None:
    """A message written by hand into a template would be missing from the summary: each
    goes through field_error (templates/_forms.html), which tells the summary its field."""
    templates = PROJECT_DIR / "templates"
    by_hand = [
        str(path.relative_to(templates))
        for path in sorted(templates.rglob("*.html"))
        if path.name != "_forms.html" and "field-error" in path.read_text()
    ]

    assert by_hand == []
