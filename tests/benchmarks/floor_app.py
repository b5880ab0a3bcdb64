"""The floor: the least a Starlette + Jinja2 page can cost on this machine.

A table of ticket types held in memory (built once at start), rendered by Jinja2 into a
page about as large as the festival page (BENCH_FLOOR_BYTES), served by uvicorn with the
same worker count. No middleware, no database, no session: our stack cannot beat it.

With BENCH_FLOOR_DATABASE_URL (PostgreSQL) it also serves the bare order path: one
conditional update of a stock counter and two inserts in a transaction, no application
logic, the floor for free-ticket orders.
"""

from __future__ import annotations

import contextlib
import os
import secrets

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

PAGE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/site.css"></head>
<body><header><a href="/">YO-C</a></header><main>
<h1>{{ title }}</h1><p>{{ description }}</p>
<form method="post" action="/orders"><ul>
{% for row in rows %}<li class="ticket-type"><h3>{{ row.name }}</h3><p>{{ row.description }}</p>
<p class="price">{{ "$%.2f"|format(row.price / 100) }}</p>
{% if row.available %}<label for="qty_{{ row.id }}">How many</label>
<select id="qty_{{ row.id }}" name="qty_{{ row.id }}">
{%- for n in range(row.max + 1) %}<option value="{{ n }}">{{ n }}</option>{% endfor -%}
</select>
{% else %}<p>Sold out</p>{% endif %}</li>
{% endfor %}</ul><button type="submit">Review my order</button></form>
</main><footer>YO-C</footer></body></html>
"""
)


def _rows(target_bytes: int) -> list[dict]:
    """Enough ticket types for the page to reach about ``target_bytes``."""
    rows: list[dict] = []

    def row(i: int) -> dict:
        return {
            "id": i,
            "name": f"Ticket type {i}",
            "description": "Entry for the whole day, with the youth stage and the food vendors.",
            "price": 1500 + 500 * i,
            "available": i % 7 != 6,
            "max": 8,
        }

    while len(_render(rows)) < target_bytes:
        rows.append(row(len(rows)))
    return rows


def _render(rows: list[dict]) -> str:
    return PAGE.render(
        title="The Hue 2027",
        description="Music, food, art and organising from the Eastern Coachella Valley.",
        rows=rows,
    )


ROWS = _rows(int(os.environ.get("BENCH_FLOOR_BYTES", "12000")))


async def page(request: Request) -> Response:
    return HTMLResponse(_render(ROWS))


async def order(request: Request) -> Response:
    """One ticket: take a seat with a conditional update, write the order and its ticket."""
    pool = request.app.state.pool
    await request.json()
    stock_id = int(request.path_params["id"])
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        order_id = await conn.fetchval(
            "INSERT INTO floor_orders (stock_id, email) VALUES ($1, $2) RETURNING id",
            stock_id,
            "buyer@example.org",
        )
        await conn.execute(
            "INSERT INTO floor_tickets (order_id, secret) VALUES ($1, $2)",
            order_id,
            secrets.token_urlsafe(16),
        )
        # The contended row last: its lock is held only from here to the commit.
        taken = await conn.execute(
            "UPDATE floor_stock SET sold = sold + 1 WHERE id = $1 AND sold + 1 <= size", stock_id
        )
        if taken == "UPDATE 0":
            await transaction.rollback()
            return JSONResponse({"error": "sold_out"}, status_code=409)
        await transaction.commit()
    return JSONResponse({"order": order_id}, status_code=201)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    url = os.environ.get("BENCH_FLOOR_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import asyncpg

        app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=10)
        try:
            yield
        finally:
            await app.state.pool.close()
    else:
        yield


app = Starlette(
    routes=[
        Route("/page", page),
        Route("/stock/{id:int}/orders", order, methods=["POST"]),
    ],
    lifespan=lifespan,
)
