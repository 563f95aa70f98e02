"""The one action table: every command the window offers, from which menus and shortcuts are built.

Each row says what the action is called, where it sits in the menus and which keys run it;
the window supplies what each does by id. Nothing else makes a menu entry or a shortcut.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

Key = QKeySequence.StandardKey | str
Handler = Callable[[], object]


@dataclass(frozen=True)
class ActionSpec:
    """One command: a dotted id, its menu and label, its keys and a tooltip.

    ``group`` separates runs of entries within a menu; a spec with ``submenu`` is a menu of
    its own (Open Recent) filled when it opens. ``scope`` names where its keys work: the whole
    ``window``, or only the ``canvas`` (the node editor), so that Delete or Ctrl+C typed in an
    inspector field stays with that field.
    """

    id: str
    menu: str
    text: str
    keys: tuple[Key, ...] = ()
    tip: str = ""
    group: int = 0
    submenu: bool = False
    scope: str = "window"


SK = QKeySequence.StandardKey

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("file.new", "&File", "&New", (SK.New,), "Start an empty project"),
    ActionSpec("file.open", "&File", "&Open…", (SK.Open,), "Open a .previz project"),
    ActionSpec("file.open_recent", "&File", "Open &Recent", (), "Projects opened lately",
               submenu=True),
    ActionSpec("file.open_exported", "&File", "Open E&xported File…", ("Ctrl+Shift+O",),
               "Bring back the nodes that made an exported movie or PNG (its recipe)"),
    ActionSpec("file.import_screenplay", "&File", "Import Scree&nplay…", ("Ctrl+I",),
               "A new project from a Fountain or Final Draft script, its coverage cut in"
               " script order"),
    ActionSpec("file.save", "&File", "&Save", (SK.Save,), "Save the project", group=1),
    ActionSpec("file.save_as", "&File", "Save &As…", ("Ctrl+Shift+S",),
               "Save the project under another name", group=1),
    ActionSpec("file.export", "&File", "&Export…", ("Ctrl+E",),
               "Export movies, editors' timelines, storyboard and shot list", group=1),
    ActionSpec("file.share", "&File", "Save for S&haring…", ("Ctrl+Alt+S",),
               "Save a copy with every asset and, if chosen, every render", group=1),
    ActionSpec("file.conform", "&File", "&Conform to Editor's Cut…", ("Ctrl+Shift+E",),
               "Make the timeline match an edited OTIO, FCP 7 XML or EDL", group=1),
    ActionSpec("file.project_settings", "&File", "Project Se&ttings…", ("Ctrl+Shift+P",),
               "Title, rate, frame, sensor, start timecode, what new shots render with",
               group=1),
    ActionSpec("file.quit", "&File", "&Quit", (SK.Quit, "Ctrl+Q"), "Close Previz", group=2),
    ActionSpec("edit.undo", "&Edit", "&Undo", (SK.Undo,), "Undo the last edit"),
    ActionSpec("edit.redo", "&Edit", "&Redo", (SK.Redo,), "Redo the edit undone last"),
    ActionSpec("edit.cut", "&Edit", "Cu&t", (SK.Cut,), "Cut the selected nodes", group=1,
               scope="canvas"),
    ActionSpec("edit.copy", "&Edit", "&Copy", (SK.Copy,), "Copy the selected nodes", group=1,
               scope="canvas"),
    ActionSpec("edit.paste", "&Edit", "&Paste", (SK.Paste,), "Paste nodes", group=1,
               scope="canvas"),
    ActionSpec("edit.duplicate", "&Edit", "&Duplicate", ("Ctrl+D",),
               "Duplicate the selected nodes", group=1, scope="canvas"),
    ActionSpec("edit.duplicate_with_inputs", "&Edit", "Duplicate &with Inputs", ("Ctrl+Alt+D",),
               "Duplicate the selected nodes keeping the links that feed them", group=1,
               scope="canvas"),
    ActionSpec("edit.delete", "&Edit", "De&lete", ("Del", "Backspace"),
               "Delete the selected nodes (their links come back on undo)", group=1,
               scope="canvas"),
    ActionSpec("edit.propose_coverage", "&Edit", "Propose C&overage", ("Ctrl+Shift+K",),
               "A master, a two-shot, an over-the-shoulder pair and singles for the selected"
               " Scene, all on one side of the line", group=2),
    ActionSpec("view.frame_all", "&View", "&Frame All", ("F", "Home"),
               "Fit every node in the node editor", scope="canvas"),
    ActionSpec("view.reset_layout", "&View", "&Reset Layout", ("Ctrl+Shift+0",),
               "Put every panel back where it starts, shown", group=2),
    ActionSpec("render.render", "&Render", "&Render", ("Ctrl+R",),
               "Render every shot on the timeline (only what changed renders again)"),
    ActionSpec("render.render_selected", "&Render", "Render &Selected", ("Ctrl+Shift+R",),
               "Render the selected nodes and what they need"),
    ActionSpec("render.use_draft", "&Render", "Switch to &Draft", ("Ctrl+Shift+D",),
               "Render the selected shots (else those whose model is missing) with draft"),
    ActionSpec("render.cancel", "&Render", "&Cancel Render", ("Ctrl+.",),
               "Stop the render; nothing half-rendered is kept", group=1),
    ActionSpec("render.farm", "&Render", "Render &Farm…", ("Ctrl+Alt+R",),
               "Render on a Ray cluster (its head's host:port), or on this machine", group=2),
    ActionSpec("help.about", "&Help", "&About Previz", ("F1",), "Versions and the model library"),
)


def spec(action_id: str) -> ActionSpec:
    """The row of the table with ``action_id``."""
    return next(row for row in ACTIONS if row.id == action_id)


def key_sequences(row: ActionSpec) -> list[QKeySequence]:
    """Every key sequence of a row: a standard key brings each of the platform's bindings."""
    found: list[QKeySequence] = []
    for key in row.keys:
        bindings = (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                    else [QKeySequence(key)])
        found.extend(binding for binding in bindings if binding not in found)
    return found


def build_actions(parent: QWidget, handlers: Mapping[str, Handler],
                  scopes: Mapping[str, QWidget] | None = None) -> dict[str, QAction]:
    """A QAction per row, with its keys and tip, triggering ``handlers[id]``.

    Each action is added to the widget its row's scope names in ``scopes`` (``parent`` for
    ``window``), and its keys work while the focus is in that widget.
    """
    actions: dict[str, QAction] = {}
    for row in ACTIONS:
        action = QAction(row.text, parent)
        action.setObjectName(row.id)
        action.setShortcuts(key_sequences(row))
        action.setToolTip(_tip(row, action))
        action.setStatusTip(row.tip)
        if row.id in handlers:
            action.triggered.connect(lambda _=False, run=handlers[row.id]: run())
        owner = (scopes or {}).get(row.scope, parent)
        if owner is not parent:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        owner.addAction(action)
        actions[row.id] = action
    return actions


def build_menus(bar: QMenuBar, actions: Mapping[str, QAction]) -> dict[str, QMenu]:
    """The menus of the table, in its order, separated by group, by title; submenus (left
    empty, to be filled when they open) by their action's id."""
    menus: dict[str, QMenu] = {}
    groups: dict[str, int] = {}
    for row in ACTIONS:
        if row.menu not in menus:
            menus[row.menu] = bar.addMenu(row.menu)
        menu = menus[row.menu]
        if row.menu in groups and groups[row.menu] != row.group:
            menu.addSeparator()
        groups[row.menu] = row.group
        if row.submenu:
            submenu = menu.addMenu(actions[row.id].text())
            submenu.setObjectName(row.id)
            submenu.menuAction().setStatusTip(row.tip)
            menus[row.id] = submenu
        else:
            menu.addAction(actions[row.id])
    return menus


def fill_recent_menu(menu: QMenu, paths: Sequence[Path], open_path: Callable[[Path], object]
                     ) -> None:
    """Put one entry per recent project in ``menu`` (a disabled line if there is none)."""
    menu.clear()
    for index, path in enumerate(paths, start=1):
        action = menu.addAction(f"&{index % 10} {path.name}")
        action.setToolTip(str(path))
        action.setStatusTip(str(path))
        action.triggered.connect(lambda _=False, chosen=path: open_path(chosen))
    if not paths:
        menu.addAction("No recent projects").setEnabled(False)


def _tip(row: ActionSpec, action: QAction) -> str:
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{row.tip} ({keys})" if keys else row.tip
