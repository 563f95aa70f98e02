"""Exports for editors, shoots and producers: movies, OTIO, FCP XML, EDL, PDF, CSV."""

from __future__ import annotations

from previz.export.cut import Cut, CutEntry, ExportError, build_cut
from previz.export.delivery import (
    FORMATS,
    ExportOptions,
    ExportReport,
    export_project,
    parse_formats,
)
from previz.export.provenance import (
    Recipe,
    RecipeError,
    RenderRecord,
    missing_assets,
    read_recipe,
    recipe_for,
    restore_recipe,
)

__all__ = [
    "FORMATS",
    "Cut",
    "CutEntry",
    "ExportError",
    "ExportOptions",
    "ExportReport",
    "Recipe",
    "RecipeError",
    "RenderRecord",
    "build_cut",
    "export_project",
    "missing_assets",
    "parse_formats",
    "read_recipe",
    "recipe_for",
    "restore_recipe",
]
