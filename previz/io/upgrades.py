"""Registered upgrades that bring saved objects ("Settings.0") to the current schema versions."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from previz.core.errors import ProjectError
from previz.core.project_json import SCHEMAS
from previz.io.scene_upgrade import gather_scenes
from previz.io.strict_json import join_path

UpgradeFn = Callable[[dict[str, Any]], dict[str, Any]]

_SCHEMA = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.(0|[1-9][0-9]{0,17})", re.ASCII)

# (type name, version read, function).
_BUILT_IN: tuple[tuple[str, int, UpgradeFn], ...] = (
    ("Project", 1, gather_scenes),  # shots' own subjects gathered into scenes and a cast
)


class Upgrades:
    """Upgrade functions by type name and the version each reads.

    A function receives a copy of a ``"Type.N"`` object and returns that object's fields at
    version N+1; its ``schema`` is set to ``"Type.N+1"`` for it. ``current`` maps each type to
    the version this Previz reads (``previz.core.project_json.SCHEMAS`` unless given).
    """

    def __init__(self, current: Mapping[str, int] | None = None) -> None:
        self.current: dict[str, int] = dict(SCHEMAS if current is None else current)
        self._functions: dict[tuple[str, int], UpgradeFn] = {}

    def register(self, type_name: str, from_version: int, function: UpgradeFn) -> None:
        """Use ``function`` to turn a ``type_name`` object at ``from_version`` into the next."""
        if type_name not in self.current:
            raise ValueError(f"no schema type {type_name!r}")
        if not 0 <= from_version < self.current[type_name]:
            raise ValueError(f"{type_name}.{from_version} is not older than the current"
                             f" {type_name}.{self.current[type_name]}")
        if (type_name, from_version) in self._functions:
            raise ValueError(f"an upgrade from {type_name}.{from_version} is already registered")
        self._functions[(type_name, from_version)] = function

    def copy(self) -> Upgrades:
        """An independent ``Upgrades`` with the same versions and functions."""
        twin = Upgrades(self.current)
        twin._functions = dict(self._functions)
        return twin

    def apply(self, data: Any, where: str = "") -> Any:
        """``data`` with every object carrying a known ``schema`` brought to its current version.

        Parents are upgraded before their children, so an upgrade may restructure what it
        holds. An object newer than this Previz reads, or an older one with no registered
        upgrade, is a ``ProjectError``.
        """
        holder = [data]
        stack: list[tuple[Any, Any, str]] = [(holder, 0, "")]
        while stack:
            parent, key, path = stack.pop()
            value = parent[key]
            if isinstance(value, dict):
                value = parent[key] = self._upgrade(value, where, path)
                stack.extend((value, name, join_path(path, name)) for name, child in value.items()
                             if isinstance(child, dict | list))
            elif isinstance(value, list):
                stack.extend((value, index, join_path(path, index))
                             for index, child in enumerate(value) if isinstance(child, dict | list))
        return holder[0]

    def _upgrade(self, value: dict[str, Any], where: str, path: str) -> dict[str, Any]:
        schema = value.get("schema")
        match = _SCHEMA.fullmatch(schema) if isinstance(schema, str) else None
        if match is None or match[1] not in self.current:
            return value
        type_name, version = match[1], int(match[2])
        current = self.current[type_name]
        place = f"{where}: {path}" if path else where
        if version > current:
            raise ProjectError(f"{schema} was written by a newer Previz; this one reads up to"
                               f" {type_name}.{current}", place)
        while version < current:
            value = self._step(value, type_name, version, place)
            version += 1
            value["schema"] = f"{type_name}.{version}"
        return value

    def _step(self, value: dict[str, Any], type_name: str, version: int,
              place: str) -> dict[str, Any]:
        function = self._functions.get((type_name, version))
        if function is None:
            raise ProjectError(f"{type_name}.{version} is too old: no upgrade to"
                               f" {type_name}.{version + 1} is registered", place)
        try:
            upgraded = function(dict(value))
        # An upgrade meets whatever the file holds; its failure is the file's problem.
        except Exception as error:
            raise ProjectError(f"cannot upgrade {type_name}.{version}: {error!r}", place) from None
        if not isinstance(upgraded, dict):
            raise ProjectError(f"the upgrade of {type_name}.{version} gave no object", place)
        return upgraded


def default_upgrades() -> Upgrades:
    """A fresh ``Upgrades`` at the current versions, holding every built-in upgrade."""
    upgrades = Upgrades()
    for type_name, version, function in _BUILT_IN:
        upgrades.register(type_name, version, function)
    return upgrades
