"""Files dropped on (or opened into) the node editor: an exported MP4 or PNG brings back the
sub-graph of its recipe, a plain image becomes an Image node, a movie without a recipe is
left out with a message."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QFileDialog, QWidget

from previz._qt.undo import push_command
from previz.core.errors import EditRefused
from previz.core.project import Asset
from previz.core.project_json import ASSET_EXTENSIONS
from previz.export import Recipe, RecipeError, missing_assets, read_recipe, restore_recipe
from previz.io import default_upgrades

if TYPE_CHECKING:
    from previz._qt.qt_main_window import QtMainWindow

log = logging.getLogger(__name__)
MOVIE_EXTENSIONS = ("mp4", "mov", "m4v")


@dataclass(frozen=True)
class Dropped:
    """What one dropped file did: the nodes it added (none if it was left out), the assets
    its recipe needs that the project lacks, and what to tell the user."""

    node_ids: tuple[str, ...]
    missing: tuple[str, ...] = ()
    message: str = ""


def droppable(path: Path) -> bool:
    """Whether the canvas takes ``path``: an image or a movie, by its extension."""
    return path.suffix.lower().lstrip(".") in (*ASSET_EXTENSIONS, *MOVIE_EXTENSIONS)


def drop_file(window: QtMainWindow, path: Path, at: QPointF) -> Dropped:
    """Bring ``path`` into the project at ``at`` (scene), as one undo step; tell the user
    (status bar and log) what happened."""
    try:
        recipe = read_recipe(path, default_upgrades().apply)
    except RecipeError as error:
        return _tell(window, Dropped((), message=f"{path.name}: unreadable recipe: {error}"))
    if recipe is not None:
        return _tell(window, _restore(window, path, recipe, at))
    if path.suffix.lower().lstrip(".") not in ASSET_EXTENSIONS:
        return _tell(window, Dropped((), message=f"{path.name} carries no Previz recipe:"
                                                 " only exported movies can be dropped"))
    try:
        data = path.read_bytes()
    except OSError as error:
        return _tell(window, Dropped((), message=f"could not read {path.name}: {error}"))
    asset = Asset.from_bytes(data, path.name, path.suffix)
    node_id = window.editor.add_image_node(asset, at)
    return _tell(window, Dropped((node_id,), message=f"added {path.name} as an Image node"))


def open_exported(window: QtMainWindow, path: Path | None = None) -> Dropped | None:
    """Bring in an exported file (asking which if ``path`` is None) at the middle of the
    node editor's view, as a drop there would; None if the user cancelled."""
    path = path or ask_exported_path(window)
    if path is None:
        return None
    editor = window.editor
    return drop_file(window, path, editor.mapToScene(editor.viewport().rect().center()))


def ask_exported_path(parent: QWidget) -> Path | None:
    """An exported movie or picture to restore the recipe of, from the user."""
    patterns = " ".join(f"*.{ext}" for ext in (*MOVIE_EXTENSIONS, *ASSET_EXTENSIONS))
    chosen, _ = QFileDialog.getOpenFileName(parent, "Open an exported file", str(Path.home()),
                                            f"Exported movies and pictures ({patterns})")
    return Path(chosen) if chosen else None


def _restore(window: QtMainWindow, path: Path, recipe: Recipe, at: QPointF) -> Dropped:
    document = window.document
    project = document.project
    command = restore_recipe(project, recipe, document.registry,
                             (round(at.x()), round(at.y())))
    missing = missing_assets(project, recipe)
    try:
        push_command(document.undo_stack, project, command)
    except EditRefused as error:
        return Dropped((), message=f"{path.name}: could not restore its recipe: {error}")
    ids = tuple(node.id for node in command.nodes)
    window.selection.set_nodes(list(ids))
    text = f"restored {len(ids)} node(s) from the recipe of {path.name}"
    if missing:
        names = [recipe.graph.assets[sha].name for sha in missing]
        text += f"; image(s) missing here: {', '.join(names)}"
    return Dropped(ids, tuple(missing), text)


def _tell(window: QtMainWindow, dropped: Dropped) -> Dropped:
    window.statusBar().showMessage(dropped.message, 8000)
    if dropped.missing or not dropped.node_ids:
        log.warning("%s", dropped.message)
    else:
        log.info("%s", dropped.message)
    return dropped
