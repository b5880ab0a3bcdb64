"""What the order log, refunds, check-ins and audit log store is in no language: codes
and figures, shown in the reader's language. Rows written before keep their meaning."""

import functools
import json
import re
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# The English notes the order services wrote, and the code and figures each becomes.
ORDER_NOTES = [
    (r"(?P<payment>free|box_office|stripe), (?P<amount_cents>\d+) cents", "placed"),
    (r"free order", "free"),
    (r"card payment unavailable", "card_unavailable"),
    (r"success page", "paid_on_return"),
    (r"late payment: success page", "paid_on_return", {"late": True}),
    (r"webhook (?P<reference>\S+)", "paid_by_webhook"),
    (r"late payment: webhook (?P<reference>\S+)", "paid_by_webhook", {"late": True}),
    (r"paid at the door", "paid_at_door"),
    (r"hold ended", "hold_ended"),
    (r"checkout ended unpaid \((?P<kind>[^)]*)\)", "checkout_ended"),
    (r"refunded in Stripe \((?P<reference>[^)]*)\)", "refunded_in_stripe"),
    (r"second payment refunded: (?P<reference>.*)", "second_payment_refunded"),
    (r"late payment refunded: sold out after the hold ended", "late_payment_refunded",
     {"why": "sold_out"}),
    (r"late payment refunded: order was (?P<why>\w+)", "late_payment_refunded"),
    # What a person wrote stays the note; the figures become details.
    (r"refunded (?P<count>\d+) ticket\(s\), (?P<amount_cents>\d+) cents: (?P<note>.*)",
     "tickets_refunded"),
    (r"payment does not match the order: (?P<note>.*)", "payment_mismatch"),
]
REFUND_REASONS = [
    (r"refunded in Stripe", "refunded_in_stripe"),
    (r"payment could not be honoured: .*", "late_payment_refunded"),
]
# The default gate's name was stored in the volunteer's language.
MAIN_GATE = ("Main gate", "Entrada principal")


def read_note(note):
    """(code, details, note) for an English note the services wrote, or None."""
    for pattern, code, *extra in ORDER_NOTES:
        found = re.fullmatch(pattern, note, re.S)
        if found:
            details = {**(extra[0] if extra else {})}
            kept = ""
            for key, value in found.groupdict().items():
                if key == "note":
                    kept = value
                else:
                    details[key] = int(value) if value.isdigit() else value
            return code, details, kept
    return None


def _sql(client, sql):
    """``?`` placeholders as the database writes them."""
    if client.capabilities.dialect == "postgres":
        count = iter(range(1, 1000))
        return re.sub(r"\?", lambda _: f"${next(count)}", sql)
    return sql


async def neutral_records(apps, schema_editor):
    client = schema_editor.client
    jsonb = "::jsonb" if client.capabilities.dialect == "postgres" else ""
    for row in await client.execute_query_dict("SELECT id, note FROM order_log WHERE note <> ''"):
        read = read_note(row["note"])
        if read is None:
            continue  # a reason staff wrote
        code, details, note = read
        await client.execute_query(
            _sql(client, f"UPDATE order_log SET code = ?, details = ?{jsonb}, note = ? WHERE id = ?"),
            [code, json.dumps(details, separators=(",", ":")), note, row["id"]],
        )
    for row in await client.execute_query_dict("SELECT id, reason FROM refunds"):
        for pattern, code in REFUND_REASONS:
            if re.fullmatch(pattern, row["reason"]):
                await client.execute_query(
                    _sql(client, "UPDATE refunds SET code = ?, reason = '' WHERE id = ?"),
                    [code, row["id"]],
                )
    for table, column in (("tickets", "checked_in_gate"), ("checkins", "gate")):
        await client.execute_query(
            _sql(client, f"UPDATE {table} SET {column} = '' WHERE {column} IN (?, ?)"),
            list(MAIN_GATE),
        )
    # Audit lines: the guardian who answered through the emailed link, a guardian on the
    # family page, and the size of an exported list, as codes and figures.
    rows = await client.execute_query_dict(
        "SELECT id, actor_label, subject_label, action, detail FROM audit_entries "
        "WHERE actor_label = 'guardian, through the emailed link' "
        "OR actor_label LIKE '%, guardian, on the family page' "
        "OR (action = 'export' AND subject_label LIKE '% members')"
    )
    for row in rows:
        detail = row["detail"]
        detail = dict(json.loads(detail) if isinstance(detail, str) else detail or {})
        actor, subject = row["actor_label"], row["subject_label"]
        if actor == "guardian, through the emailed link":
            actor, detail = "guardian", {"via": "emailed_link", **detail}
        elif actor.endswith(", guardian, on the family page"):
            actor = actor.removesuffix(", guardian, on the family page")
            detail = {"via": "family_page", **detail}
        counted = re.fullmatch(r"(\d+) members", subject)
        if row["action"] == "export" and counted:
            subject, detail = "", {**detail, "count": int(counted.group(1))}
        await client.execute_query(
            _sql(
                client,
                f"UPDATE audit_entries SET actor_label = ?, subject_label = ?, detail = ?{jsonb} "
                "WHERE id = ?",
            ),
            [actor, subject, json.dumps(detail, separators=(",", ":")), row["id"]],
        )


class Migration(migrations.Migration):
    dependencies = [('yoc', '0021_list_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OrderLog',
            name='code',
            field=fields.CharField(default='', db_default='', max_length=32),
        ),
        ops.AddField(
            model_name='OrderLog',
            name='details',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Refund',
            name='code',
            field=fields.CharField(default='', db_default='', max_length=32),
        ),
        ops.RunPython(neutral_records, ops.RunPython.noop),
    ]
