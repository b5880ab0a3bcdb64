"""Tickets: ticket types, orders and their states, holds, refunds."""
