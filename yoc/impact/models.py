from tortoise import fields
from tortoise.models import Model


class PublishedFigure(Model):
    """A figure staff chose to show on the public "Our year in numbers" page for a year.
    The figure is named by its key (yoc.impact.services.figures), in no language."""

    id = fields.IntField(primary_key=True)
    year = fields.SmallIntField()
    figure = fields.CharField(max_length=40)
    published_by_name = fields.CharField(max_length=160)
    published_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "published_figures"
        unique_together = (("year", "figure"),)
