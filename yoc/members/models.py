from tortoise import fields
from tortoise.models import Model


class Cohort(Model):
    """A group of members who go through the program together, with their mentors."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    slug = fields.CharField(max_length=80, unique=True)
    starts_on = fields.DateField(null=True)
    ends_on = fields.DateField(null=True)
    members: fields.ManyToManyRelation = fields.ManyToManyField(
        "yoc.User", related_name="member_cohorts", through="cohort_members"
    )
    mentors: fields.ManyToManyRelation = fields.ManyToManyField(
        "yoc.User", related_name="mentor_cohorts", through="cohort_mentors"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cohorts"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
