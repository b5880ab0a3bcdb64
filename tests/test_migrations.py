"""The migrations in migrations/ describe exactly the models in the code."""

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from yoc.db import tortoise_config


async def test_models_have_no_changes_missing_a_migration(app) -> None:
    config = tortoise_config("sqlite://:memory:")
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])

    pending = await detector.changes()

    described = [
        f"{writer.app_label}: {[type(op).__name__ for op in writer.operations]}"
        for writer in pending
    ]
    assert described == [], (
        "The models changed without a migration. Run `.venv/bin/tortoise makemigrations` "
        f"and commit the file. Pending: {described}"
    )


async def test_every_model_table_exists_after_migrating(app) -> None:

    for model in Tortoise.apps["yoc"].values():
        # A query on each table proves the migration created it with the model's columns.
        rows = await model.all().limit(1)
        assert rows == []
