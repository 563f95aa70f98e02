"""Project files: the .previz zip, read with every check, written atomically, upgraded on load."""

from __future__ import annotations

from previz.core.errors import ProjectError
from previz.io.archive import LoadLimits, RenderEntry
from previz.io.load import list_renders, load_project
from previz.io.save import STALE_TEMP_SECONDS, leftover_temp_files, save_project
from previz.io.sharing import (
    MissingModel,
    SharingReport,
    import_renders,
    missing_models,
    needed_renders,
    record_models,
    save_for_sharing,
)
from previz.io.upgrades import UpgradeFn, Upgrades, default_upgrades

__all__ = [
    "STALE_TEMP_SECONDS",
    "LoadLimits",
    "MissingModel",
    "ProjectError",
    "RenderEntry",
    "SharingReport",
    "UpgradeFn",
    "Upgrades",
    "default_upgrades",
    "import_renders",
    "leftover_temp_files",
    "list_renders",
    "load_project",
    "missing_models",
    "needed_renders",
    "record_models",
    "save_for_sharing",
    "save_project",
]
