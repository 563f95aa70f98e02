"""Checked reading of library records: text, numbers, colours; a ``ProjectError`` names where."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from previz.core.errors import ProjectError
from previz.core.ids import is_id

_COLOUR = re.compile(r"#[0-9a-f]{6}")
_HASH = re.compile(r"[0-9a-f]{64}")


def record(value: Any, where: str) -> dict[str, Any]:
    """``value`` as an object."""
    if not isinstance(value, dict):
        raise ProjectError("expected an object", where)
    return value


def schema(data: dict[str, Any], expected: str, where: str) -> None:
    """Check that ``data`` says it is ``expected`` (``"Character.1"``)."""
    if data.get("schema") != expected:
        raise ProjectError(f"expected schema {expected!r}, found {data.get('schema')!r}", where)


def text(value: Any, where: str, allow_empty: bool = True, limit: int = 10000) -> str:
    """A string (not empty unless allowed), at most ``limit`` characters."""
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise ProjectError("expected text" if allow_empty else "needs a name", where)
    if len(value) > limit:
        raise ProjectError(f"longer than {limit} characters", where)
    return value


def number(value: Any, where: str, minimum: float | None = None,
           maximum: float | None = None) -> float:
    """A finite number within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProjectError("expected a number", where)
    try:
        result = float(value)
    except OverflowError:  # an integer too large for a float
        raise ProjectError("expected a finite number", where) from None
    if not math.isfinite(result):
        raise ProjectError("expected a finite number", where)
    if minimum is not None and result < minimum:
        raise ProjectError(f"{result:g} is below {minimum:g}", where)
    if maximum is not None and result > maximum:
        raise ProjectError(f"{result:g} is above {maximum:g}", where)
    return result


def choice(value: Any, choices: Sequence[str], where: str) -> str:
    """One of ``choices``."""
    if value not in choices:
        raise ProjectError(f"{value!r} is not one of {', '.join(choices)}", where)
    return value


def colour(value: Any, where: str) -> str:
    """A colour as ``#rrggbb`` (lower case)."""
    if not isinstance(value, str) or not _COLOUR.fullmatch(value):
        raise ProjectError(f"{value!r} is not a colour such as #a0b0c0", where)
    return value


def identifier(value: Any, where: str) -> str:
    """A UUID in canonical form."""
    if not is_id(value):
        raise ProjectError(f"{value!r} is not a UUID", where)
    return value


def asset_hashes(value: Any, where: str) -> tuple[str, ...]:
    """A list of asset hashes (64 hex digits each)."""
    if not isinstance(value, list):
        raise ProjectError("expected a list of image hashes", where)
    for index, item in enumerate(value):
        if not isinstance(item, str) or not _HASH.fullmatch(item):
            raise ProjectError(f"{item!r} is not an image hash", f"{where}[{index}]")
    return tuple(value)


def items(value: Any, where: str, limit: int = 1000) -> list[Any]:
    """A list of at most ``limit`` items."""
    if not isinstance(value, list):
        raise ProjectError("expected a list", where)
    if len(value) > limit:
        raise ProjectError(f"more than {limit} items", where)
    return value


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three 0-255 integers."""
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))
