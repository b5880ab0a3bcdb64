"""The path from the classroom to the stage: Soapbox calls that require modules, mentors'
waivers, speeches grown from reflections, and practice nights with rubric feedback."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from yoc.curriculum.enums import ActivityKind


class Migration(migrations.Migration):
    dependencies = [("yoc", "0024_volunteer_shifts")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PracticeFeedback",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "progress",
                    fields.OneToOneField(
                        "yoc.ActivityProgress",
                        source_field="progress_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="practice",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "mentor",
                    fields.ForeignKeyField(
                        "yoc.User",
                        source_field="mentor_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="practice_feedback_given",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("mentor_name", fields.CharField(max_length=120)),
                (
                    "scores",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("comments", fields.TextField(default="", unique=False)),
                ("delivered_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "practice_feedback",
                "app": "yoc",
                "pk_attr": "id",
                "table_description": "A practice speech a member gave at a practice night, as the mentor heard it: scored on",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReadinessWaiver",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "member",
                    fields.ForeignKeyField(
                        "yoc.User",
                        source_field="member_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="speech_waivers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "granted_by",
                    fields.ForeignKeyField(
                        "yoc.User",
                        source_field="granted_by_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="speech_waivers_granted",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("granted_by_name", fields.CharField(max_length=120)),
                ("reason", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "soapbox_waivers",
                "app": "yoc",
                "pk_attr": "id",
                "table_description": "A mentor lets one member propose before finishing the required modules, and why.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SoapboxCall",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "event",
                    fields.OneToOneField(
                        "yoc.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="soapbox_call",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "required_modules",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("updated_by_name", fields.CharField(default="", max_length=120)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "soapbox_calls",
                "app": "yoc",
                "pk_attr": "id",
                "table_description": "An event's call for Soapbox proposals: the modules a member finishes first.",
            },
            bases=["Model"],
        ),
        ops.AlterField(
            model_name="Activity",
            name="kind",
            field=fields.CharEnumField(
                description="READ: read\nDISCUSS: discuss\nPRACTICE: practice\nREFLECT: reflect\nATTEND: attend\nPROJECT: project\nSPEECH: speech\nPRACTICE_NIGHT: practice_night",
                enum_type=ActivityKind,
                max_length=20,
            ),
        ),
        ops.AddField(
            model_name="Speech",
            name="event",
            field=fields.ForeignKeyField(
                "yoc.Event",
                source_field="event_id",
                null=True,
                db_index=True,
                db_constraint=True,
                to_field="id",
                related_name="proposals",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="Speech",
            name="reflection",
            field=fields.ForeignKeyField(
                "yoc.ActivityProgress",
                source_field="reflection_id",
                null=True,
                db_index=True,
                db_constraint=True,
                to_field="id",
                related_name="speeches",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
