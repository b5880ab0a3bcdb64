"""QR codes (segno): SVG for pages, PNG for email."""

from __future__ import annotations

import io

import segno


def svg(data: str) -> str:
    # A quiet zone and a medium error-correction level read well from a cracked screen.
    return segno.make(data, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")


def png(data: str) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()
