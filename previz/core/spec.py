"""Declarative node specs: inputs, params and outputs, and how a param value is checked."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from previz.core.ports import PortType


class ParamKind(StrEnum):
    """How a param is stored, checked and edited."""

    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    STRING = "string"
    TEXT = "text"
    CHOICE = "choice"
    FRACTION = "fraction"
    ASSET = "asset"
    SUBJECTS = "subjects"
    LOCATION = "location"
    CAST = "cast"
    BLOCKING = "blocking"


@dataclass(frozen=True)
class Param:
    """One editable value of a node, stored by name as plain JSON.

    ``inherit`` names a project setting (``rate``, ``width``, ``height``) used when the value
    is ``None``; an ``optional`` param may be ``None`` and means "not set". Fractions are stored
    as strings such as ``"24000/1001"``. A ``location`` or ``cast`` param stores library ids;
    compiling resolves them to the records they name. A param that does not change the pictures
    (notes, dialogue, the number of takes) sets ``affects_render`` False and stays out of cache
    keys.
    """

    name: str
    kind: ParamKind
    default: Any
    label: str = ""
    tooltip: str = ""
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[Any, ...] = ()
    inherit: str | None = None
    optional: bool = False
    unit: str = ""
    affects_render: bool = True

    def check(self, value: Any) -> str | None:
        """The reason ``value`` is not acceptable for this param, or ``None`` if it is."""
        if value is None:
            return None if self.inherit or self.optional else "a value is needed"
        checker = _CHECKERS[self.kind]
        problem = checker(self, value)
        choice_kind = self.kind is not ParamKind.FRACTION
        if problem is None and self.choices and choice_kind and value not in self.choices:
            problem = f"{value!r} is not one of {', '.join(map(str, self.choices))}"
        return problem or self._check_range(value)

    def _check_range(self, value: Any) -> str | None:
        if self.kind not in (ParamKind.INT, ParamKind.FLOAT, ParamKind.FRACTION):
            return None
        number = parse_fraction(value) if self.kind is ParamKind.FRACTION else value
        if self.minimum is not None and number < self.minimum:
            return f"{value} is below the minimum {self.minimum:g}"
        if self.maximum is not None and number > self.maximum:
            return f"{value} is above the maximum {self.maximum:g}"
        return None


@dataclass(frozen=True)
class Input:
    """A typed input port; ``optional`` inputs may stay unconnected."""

    name: str
    type: PortType
    optional: bool = False
    label: str = ""


@dataclass(frozen=True)
class Output:
    """A typed output port."""

    name: str
    type: PortType
    label: str = ""


Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ParamIssue:
    """A problem with a param that only shows in combination with others."""

    param: str
    message: str


Validate = Callable[[dict[str, Any]], list[ParamIssue]]


@dataclass(frozen=True)
class NodeSpec:
    """Everything the app needs to show, check and run a node type, without running it.

    ``renders`` marks a node that renders through a backend (its ``backend`` and ``model``
    params, or those of the clip it continues). ``upgrades`` maps an older version to a
    function that turns that version's params into the next version's, so projects saved with
    an older node keep working. ``validate`` checks params that only go wrong together.
    ``one_of`` lists groups of optional inputs of which at least one must be connected.
    """

    id: str
    version: int
    display_name: str
    category: str
    inputs: tuple[Input, ...] = ()
    params: tuple[Param, ...] = ()
    outputs: tuple[Output, ...] = ()
    is_output: bool = False
    renders: bool = False
    description: str = ""
    aliases: tuple[str, ...] = ()
    upgrades: Mapping[int, Upgrade] = field(default_factory=dict)
    validate: Validate | None = None
    one_of: tuple[tuple[str, ...], ...] = ()

    def input(self, name: str) -> Input | None:
        """The input called ``name``, if there is one."""
        return next((port for port in self.inputs if port.name == name), None)

    def output(self, name: str) -> Output | None:
        """The output called ``name``, if there is one."""
        return next((port for port in self.outputs if port.name == name), None)

    def param(self, name: str) -> Param | None:
        """The param called ``name``, if there is one."""
        return next((param for param in self.params if param.name == name), None)

    def defaults(self) -> dict[str, Any]:
        """Every param at its default, as stored in a new node."""
        return {param.name: _copy_json(param.default) for param in self.params}

    def upgrade_params(self, version: int, params: dict[str, Any]) -> dict[str, Any]:
        """Bring params saved by ``version`` of this node type up to the current version."""
        for old in range(version, self.version):
            if old in self.upgrades:
                params = self.upgrades[old](dict(params))
        return params


ExecuteFn = Callable[..., Any]


@dataclass(frozen=True)
class NodeType:
    """A spec plus the function that runs it: ``execute(ctx, **inputs)``.

    ``execute`` is ``None`` for a node type declared before the services it needs exist; the
    compiler reports such a node instead of running it.
    """

    spec: NodeSpec
    execute: ExecuteFn | None = None


def parse_fraction(value: Any) -> Fraction:
    """A rate or other fraction from its stored form (``"24000/1001"``, ``24``)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a fraction")
    if isinstance(value, int):
        return Fraction(value)
    text = value.strip() if isinstance(value, str) else ""
    # Fraction() expands exponents digit by digit: "1e999999999" would hang it.
    if text and len(text) <= 32 and "e" not in text.lower():
        return Fraction(text)
    raise ValueError(f"{value!r} is not a fraction such as 24000/1001")


def format_fraction(value: Fraction) -> str:
    """The stored form of a fraction: ``"24000/1001"``, or ``"24"`` for a whole number."""
    return str(value)


def _copy_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    return value


def _check_int(param: Param, value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return None if ok else f"{value!r} is not a whole number"


def _check_float(param: Param, value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return None if ok else f"{value!r} is not a number"


def _check_bool(param: Param, value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{value!r} is not true or false"


MAX_STRING = 1_000  # characters in a one-line param: a name, a slate number
MAX_TEXT = 100_000  # characters in a text param: a prompt, a scene's action and dialogue


def _check_string(param: Param, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{value!r} is not text"
    limit = MAX_TEXT if param.kind is ParamKind.TEXT else MAX_STRING
    if len(value) > limit:
        return f"text of {len(value):,} characters, over the limit of {limit:,}"
    return None


def _check_fraction(param: Param, value: Any) -> str | None:
    try:
        rate = parse_fraction(value)
    except (ValueError, ZeroDivisionError):
        return f"{value!r} is not a fraction such as 24000/1001"
    if param.choices and rate not in {parse_fraction(c) for c in param.choices}:
        return f"{value} is not one of {', '.join(map(str, param.choices))}"
    return None


def _check_asset(param: Param, value: Any) -> str | None:
    ok = isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    return None if ok else f"{value!r} is not an asset hash (64 hex digits)"


def _check_subjects(param: Param, value: Any) -> str | None:
    from previz.core.subjects import subjects_problem

    return subjects_problem(value)


def _check_location(param: Param, value: Any) -> str | None:
    from previz.core.scene import location_problem

    return location_problem(value)


def _check_cast(param: Param, value: Any) -> str | None:
    from previz.core.scene import cast_problem

    return cast_problem(value)


def _check_blocking(param: Param, value: Any) -> str | None:
    from previz.core.blocking import blocking_problem

    return blocking_problem(value)


_CHECKERS: dict[ParamKind, Callable[[Param, Any], str | None]] = {
    ParamKind.INT: _check_int,
    ParamKind.FLOAT: _check_float,
    ParamKind.BOOL: _check_bool,
    ParamKind.STRING: _check_string,
    ParamKind.TEXT: _check_string,
    ParamKind.CHOICE: lambda param, value: None,
    ParamKind.FRACTION: _check_fraction,
    ParamKind.ASSET: _check_asset,
    ParamKind.SUBJECTS: _check_subjects,
    ParamKind.LOCATION: _check_location,
    ParamKind.CAST: _check_cast,
    ParamKind.BLOCKING: _check_blocking,
}
