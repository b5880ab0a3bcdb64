"""Count the SQL statements the ORM sends, to keep pages at a fixed number of queries.

Tortoise logs every statement it sends (plain, in a transaction, or a script) on the
``tortoise.db_client`` logger at debug level, on SQLite and PostgreSQL alike; a handler
there sees each one once. Transaction control (BEGIN, COMMIT) is not counted.

    with count_queries() as queries:
        response = await client.get("/events/the-hue")
    assert len(queries) == 2, queries.text()
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

_LOGGER = logging.getLogger("tortoise.db_client")
_NOT_STATEMENTS = ("Created connection", "Closed connection")


class QueryLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []
        # The values sent with each statement (None when it was sent without), to run
        # one again, under EXPLAIN say.
        self.values: list[list | None] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and record.args:
            self.statements.append(str(record.args[0]))  # type: ignore[index]
            self.values.append(list(record.args[1] or []))  # type: ignore[index]
        elif isinstance(record.msg, str) and not record.msg.startswith(_NOT_STATEMENTS):
            self.statements.append(record.msg)
            self.values.append(None)

    def __len__(self) -> int:
        return len(self.statements)

    def text(self) -> str:
        """The statements, one a line: a readable message when a count is wrong."""
        return "\n".join(f"{i + 1}. {s}" for i, s in enumerate(self.statements))


@contextmanager
def count_queries() -> Iterator[QueryLog]:
    """Collect the statements sent while the block runs."""
    log = QueryLog()
    level, propagate = _LOGGER.level, _LOGGER.propagate
    _LOGGER.addHandler(log)
    _LOGGER.setLevel(logging.DEBUG)
    _LOGGER.propagate = False  # keep pytest's log capture out of it
    try:
        yield log
    finally:
        _LOGGER.removeHandler(log)
        _LOGGER.setLevel(level)
        _LOGGER.propagate = propagate
