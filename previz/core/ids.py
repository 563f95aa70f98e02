"""Identifiers: every node, link and timeline entry is named by a random UUID."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A fresh UUID4 as its canonical 36-character string."""
    return str(uuid.uuid4())


def is_id(value: object) -> bool:
    """Whether ``value`` is a UUID in canonical string form."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
