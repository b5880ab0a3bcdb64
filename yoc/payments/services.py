"""Taking money and giving it back through a provider, with a Payment row for each
online checkout. Callers name what is paid for by a ``subject`` (an order's code) and
never see a provider's own records."""

from __future__ import annotations

from dataclasses import replace

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from yoc.payments.enums import PaymentState
from yoc.payments.models import Payment, WebhookEvent
from yoc.payments.providers import Charge, Payments
from yoc.timeutil import utcnow

# The metadata key under which a provider's objects carry their subject. Its name is from
# the days when orders were the only thing paid for, and stays so that checkouts begun
# then are still recognised as ours.
SUBJECT_KEY = "order_code"


def _metadata(subject: str) -> dict[str, str]:
    return {SUBJECT_KEY: subject}


async def begin(payments: Payments, method: str, subject: str, charge: Charge) -> str | None:
    """Start paying for ``subject``; return where to send the payer (None: nothing to do
    online). A checkout still open for the subject is reused, so nobody pays twice."""
    provider = payments.get(method)
    if not provider.online:
        return None
    latest = (
        await Payment.filter(provider=provider.name, subject=subject, state=PaymentState.PENDING)
        .order_by("-id")
        .first()
    )
    if latest is not None:
        url = await provider.open_checkout(latest.reference)
        if url:
            return url
    charge = replace(charge, metadata={**charge.metadata, **_metadata(subject)})
    started = await provider.begin(charge)
    await Payment.create(
        provider=provider.name,
        subject=subject,
        reference=started.reference,
        amount_cents=charge.amount_cents,
        currency=charge.currency,
    )
    return started.redirect_url


async def cancel(payments: Payments, method: str, subject: str) -> None:
    """Close every open checkout of ``subject``: it must not be paid any more."""
    if not payments.offers(method):
        return
    provider = payments.get(method)
    for payment in await Payment.filter(
        provider=provider.name, subject=subject, state=PaymentState.PENDING
    ):
        await provider.cancel(payment.reference)
        await Payment.filter(id=payment.id, state=PaymentState.PENDING).update(
            state=PaymentState.CLOSED
        )


async def confirmed(
    method: str, *, reference: str, subject: str, charge_ref: str = ""
) -> Payment | None:
    """The provider says the checkout ``reference`` is paid: record it. None when the
    checkout is not one of ours for that subject."""
    payment = await Payment.get_or_none(provider=method, reference=reference)
    if payment is None or payment.subject != subject:
        return None
    await _mark_paid(payment, charge_ref)
    return payment


async def closed(method: str, *, reference: str, subject: str) -> Payment | None:
    """The checkout ``reference`` ended unpaid; None when it is not one of ours."""
    payment = await Payment.get_or_none(provider=method, reference=reference)
    if payment is None or payment.subject != subject:
        return None
    await Payment.filter(id=payment.id, state=PaymentState.PENDING).update(
        state=PaymentState.CLOSED
    )
    return payment


async def is_paid(payments: Payments, method: str, subject: str) -> bool:
    """Ask the provider whether the subject's latest checkout is paid, and record it."""
    if not payments.offers(method) or not payments.get(method).online:
        return False
    payment = await Payment.filter(provider=method, subject=subject).order_by("-id").first()
    if payment is None:
        return False
    if payment.state == PaymentState.PAID:
        return True
    answer = await payments.get(method).confirmation(payment.reference)
    if answer.paid:
        await _mark_paid(payment, answer.charge_ref)
    return answer.paid


async def _mark_paid(payment: Payment, charge_ref: str) -> None:
    changes: dict = {"state": PaymentState.PAID, "paid_at": utcnow()}
    if charge_ref:
        changes["charge_ref"] = charge_ref
    await Payment.filter(
        id=payment.id, state__in=[PaymentState.PENDING, PaymentState.CLOSED]
    ).update(**changes)
    if charge_ref and not payment.charge_ref:
        await Payment.filter(id=payment.id, charge_ref="").update(charge_ref=charge_ref)
    payment.state, payment.charge_ref = PaymentState.PAID, charge_ref or payment.charge_ref


async def refund(payments: Payments, method: str, subject: str, amount_cents: int) -> str:
    """Give ``amount_cents`` of the subject's payment back; return the provider's
    reference for it."""
    provider = payments.get(method)
    if not provider.online:
        return await provider.refund(
            reference="", charge_ref="", amount_cents=amount_cents, metadata=_metadata(subject)
        )
    payment = (
        await Payment.filter(
            provider=provider.name,
            subject=subject,
            state__in=[PaymentState.PAID, PaymentState.REFUNDED],
        )
        .order_by("-id")
        .first()
    )
    if payment is None:
        raise LookupError(f"no payment of {subject} to refund")
    ref = await provider.refund(
        reference=payment.reference,
        charge_ref=payment.charge_ref,
        amount_cents=amount_cents,
        metadata=_metadata(subject),
    )
    async with in_transaction():
        await Payment.filter(id=payment.id).update(
            refunded_cents=F("refunded_cents") + amount_cents
        )
        await Payment.filter(id=payment.id, refunded_cents__gte=F("amount_cents")).update(
            state=PaymentState.REFUNDED
        )
    return ref


async def owe_refund(method: str, subject: str, *, reference: str = "") -> bool:
    """Record that a payment of the subject (its checkout ``reference``, else its latest
    paid one) is to be given back in full; False when it already is (owed, or given
    back). Made to stick before the provider is asked, so a failed refund is retried
    rather than forgotten (``settle_refund_due``)."""
    query = Payment.filter(provider=method, subject=subject, state=PaymentState.PAID)
    if reference:
        query = query.filter(reference=reference)
    payment = await query.order_by("-id").first()
    if payment is None:
        return False
    return bool(
        await Payment.filter(
            id=payment.id, state=PaymentState.PAID, refund_due_cents=0, refunded_cents=0
        ).update(refund_due_cents=payment.amount_cents)
    )


async def paid_by_another(method: str, subject: str, reference: str) -> bool:
    """Whether another checkout of the subject is paid and kept (not being given back):
    then the checkout ``reference`` paid a second time."""
    return await (
        Payment.filter(
            provider=method, subject=subject, state=PaymentState.PAID, refund_due_cents=0
        )
        .exclude(reference=reference)
        .exists()
    )


async def is_given_back(method: str, reference: str) -> bool:
    """Whether the checkout ``reference`` is owed back or was given back in full."""
    return await (
        Payment.filter(provider=method, reference=reference)
        .filter(Q(refund_due_cents__gt=0) | Q(state=PaymentState.REFUNDED))
        .exists()
    )


async def checkout_of(method: str, *, reference: str, subject: str) -> Payment | None:
    """The subject's checkout ``reference``; None when it is not one of the subject's."""
    payment = await Payment.get_or_none(provider=method, reference=reference)
    return payment if payment is not None and payment.subject == subject else None


async def has_checkouts(method: str, subject: str) -> bool:
    return await Payment.filter(provider=method, subject=subject).exists()


async def refund_owed_or_made(method: str, subject: str) -> bool:
    """Whether the subject's payment is being, or has been, given back in full."""
    return await (
        Payment.filter(provider=method, subject=subject)
        .filter(Q(refund_due_cents__gt=0) | Q(state=PaymentState.REFUNDED))
        .exists()
    )


async def settle_refund_due(payments: Payments, method: str, subject: str) -> list[Payment]:
    """Make the refunds owed on the subject's payments; return the payments given back
    now, each with the provider's reference for its refund in ``refund_ref`` (none when
    nothing is owed any more: another caller made it). Raises ``ProviderUnavailable``
    when the provider did not make one; it stays owed.

    Every try for one payment carries the same idempotency key, so tries that race, or
    one whose answer was lost, give the money back once."""
    made = []
    for payment in await Payment.filter(
        provider=method, subject=subject, refund_due_cents__gt=0
    ).order_by("id"):
        due = payment.refund_due_cents
        ref = await payments.get(method).refund(
            reference=payment.reference,
            charge_ref=payment.charge_ref,
            amount_cents=due,
            metadata=_metadata(subject),
            idempotency_key=f"refund-due-{payment.reference}",
        )
        async with in_transaction():
            settled = await Payment.filter(id=payment.id, refund_due_cents=due).update(
                refund_due_cents=0, refunded_cents=F("refunded_cents") + due
            )
            if not settled:
                continue
            await Payment.filter(id=payment.id, refunded_cents__gte=F("amount_cents")).update(
                state=PaymentState.REFUNDED
            )
        payment.refund_ref = ref  # type: ignore[attr-defined]
        payment.refunded_cents += due
        made.append(payment)
    return made


async def refunds_due(method: str) -> list[str]:
    """The subjects whose payment is owed back."""
    subjects = await Payment.filter(provider=method, refund_due_cents__gt=0).values_list(
        "subject", flat=True
    )
    return list(dict.fromkeys(subjects))


async def refunded_elsewhere(
    method: str, *, subject: str, charge_ref: str, amount_cents: int
) -> None:
    """Money given back outside this app (in the provider's dashboard)."""
    await Payment.filter(provider=method, subject=subject, charge_ref=charge_ref).update(
        refunded_cents=amount_cents
    )
    await Payment.filter(
        provider=method, subject=subject, refunded_cents__gte=F("amount_cents")
    ).update(state=PaymentState.REFUNDED)


async def first_delivery(event_id: str, kind: str) -> bool:
    """Record a provider event as processed; False when it was already. Call it in the
    transaction of the event's effect, so that a failure records nothing."""
    return await once(event_id, kind)


async def once(key: str, kind: str) -> bool:
    """True for exactly one caller with this key, however many race."""
    try:
        async with in_transaction():
            await WebhookEvent.create(event_id=key, type=kind)
    except IntegrityError:
        return False
    return True
