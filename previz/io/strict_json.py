"""JSON text to data, strictly: UTF-8, finite numbers, no repeated keys, bounded nesting."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from previz.core.errors import ProjectError

_MAX_INT_DIGITS = 308


class _RepeatedKeys(dict[str, Any]):
    """A parsed object in which a key appeared twice; the walk reports where it is."""

    repeated = ""


class _NotFinite(ValueError):
    pass


@dataclass(frozen=True)
class _Problem:
    what: str
    culprit: object


def parse_json(data: bytes, where: str, max_depth: int) -> Any:
    """The JSON value in ``data``; ``ProjectError`` naming ``where`` and the place if malformed.

    Refused beyond what ``json.loads`` refuses: NaN and infinities (also as overflowing
    numbers such as ``1e999``, or integers of more than 308 digits), a key repeated in one
    object (the last would silently win), text with an unpaired surrogate (it could not be
    written back as UTF-8), and nesting deeper than ``max_depth``.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProjectError(f"not UTF-8 text (a bad byte at offset {error.start})",
                           where) from None
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_refuse_constant,
                           parse_float=_finite_float, parse_int=_float_sized_int)
    except json.JSONDecodeError as error:
        raise ProjectError(f"not valid JSON: {error.msg}",
                           f"{where} line {error.lineno} column {error.colno}") from None
    except (ValueError, RecursionError) as error:
        raise ProjectError(f"not valid JSON: {error}", where) from None
    problem = _find_problem(value, max_depth)
    if problem is not None:
        place = _path_to(value, problem.culprit)
        raise ProjectError(problem.what, f"{where}: {place}" if place else where)
    return value


def join_path(path: str, key: str | int) -> str:
    """The place of ``key`` inside ``path``, written the way core writes places."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            repeated = _RepeatedKeys(result)
            repeated.repeated = key
            return repeated
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise _NotFinite(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NotFinite(f"{text[:40]} is too large for a number")
    return number


def _float_sized_int(text: str) -> int:
    # Numbers must survive a float conversion (positions, ranges): 1e308 is the float limit.
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise _NotFinite(f"{text[:40]}... is too large for a number")
    return int(text)


def _find_problem(value: Any, max_depth: int) -> _Problem | None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth > max_depth:
            return _Problem(f"nested deeper than {max_depth} levels", item)
        if isinstance(item, _RepeatedKeys):
            return _Problem(f"the key {item.repeated!r} appears twice", item)
        if isinstance(item, dict):
            for key, child in item.items():
                if _has_surrogate(key):
                    return _Problem(f"a key with an unpaired surrogate: {key!r}", item)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and _has_surrogate(item):
            return _Problem(f"text with an unpaired surrogate: {item[:40]!r}", item)
    return None


def _path_to(root: Any, culprit: object) -> str:
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        item, path = stack.pop()
        if item is culprit:
            return path
        if isinstance(item, dict):
            stack.extend((child, join_path(path, key)) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, join_path(path, index)) for index, child in enumerate(item))
    return ""


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
