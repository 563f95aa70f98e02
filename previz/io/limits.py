"""One set of limits for saving and loading: a project is checked against them before it is
written, so whatever saves opens again (DESIGN §9)."""

from __future__ import annotations

from typing import Any

from previz.core.errors import ProjectError
from previz.core.project import Project
from previz.core.project_json import project_from_dict
from previz.io.archive import LoadLimits
from previz.io.strict_json import parse_json

_MAX_RATE_TEXT = 32


def check_project_json(data: bytes, limits: LoadLimits, where: str) -> Any:
    """The parsed project.json in ``data`` once it is within ``limits``: its size, nesting,
    numbers, text and timeline length; ``ProjectError`` naming ``where`` and the place."""
    if len(data) > limits.max_project_json_bytes:
        raise ProjectError(f"project.json is {len(data)} bytes, over the limit of"
                           f" {limits.max_project_json_bytes}", where)
    raw = parse_json(data, where, limits.max_json_depth)
    refuse_slow_input(raw, limits, where)
    return raw


def refuse_slow_input(raw: Any, limits: LoadLimits, where: str) -> None:
    """Refuse what would make parsing slow: too many timeline entries, a rate that Fraction
    would expand (``"1e999999999"``); cheap for any real project, a hang for a hostile one."""
    if not isinstance(raw, dict):
        return
    timeline = raw.get("timeline")
    if isinstance(timeline, list) and len(timeline) > limits.max_timeline_entries:
        raise ProjectError(f"{len(timeline)} timeline entries, over the limit of"
                           f" {limits.max_timeline_entries}", f"{where}: timeline")
    settings = raw.get("settings")
    rate = settings.get("rate") if isinstance(settings, dict) else None
    if isinstance(rate, str) and (len(rate) > _MAX_RATE_TEXT or "e" in rate.lower()):
        raise ProjectError(f"editorial rate {rate[:_MAX_RATE_TEXT]!r} is not a frame rate"
                           " such as 24000/1001", f"{where}: settings.rate")


def check_savable(project: Project, data: bytes, limits: LoadLimits, where: str) -> None:
    """Refuse to save what would not open: ``data`` (the project's JSON) must pass the load
    checks and read back as a project, and the assets must fit the archive limits."""
    raw = check_project_json(data, limits, where)
    project_from_dict(raw)
    sizes = [len(asset.data) for asset in project.assets.values()]
    if len(sizes) + 1 > limits.max_entries:
        raise ProjectError(f"{len(sizes)} assets, over the limit of {limits.max_entries - 1}",
                           where)
    for asset in project.assets.values():
        if len(asset.data) > limits.max_asset_bytes:
            raise ProjectError(f"asset {asset.name!r} is {len(asset.data)} bytes, over the"
                               f" limit of {limits.max_asset_bytes}", where)
    if sum(sizes) > limits.max_total_asset_bytes:
        raise ProjectError(f"assets of {sum(sizes)} bytes in all, over the limit of"
                           f" {limits.max_total_asset_bytes}", where)
