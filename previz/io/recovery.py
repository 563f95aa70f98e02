"""Recovery files: where a project's unsaved work is kept, and finding it after a crash.

One recovery file per project file, named after it and a hash of its path, or
``untitled-<session>.previz`` for a project without a file. A recovery file newer than its
project means the app did not end well. The file is a ``.previz`` written by ``save_project``
from a snapshot of the project (so it can be written off the thread that edits it).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from previz.core.project import Project
from previz.io.save import save_project

UNTITLED = "untitled"


def recovery_name(project_path: Path | None, session: str) -> str:
    """The recovery file's name: the project's name and a hash of its full path."""
    if project_path is None:
        return f"{UNTITLED}-{session}.previz"
    resolved = str(Path(project_path).resolve())
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:12]
    return f"{Path(project_path).stem}-{digest}.previz"


@dataclass(frozen=True)
class Recovery:
    """A recovery file left by an app that did not close: for ``project`` (None: untitled)."""

    path: Path
    project: Path | None
    written: float


def find_recovery(project_path: Path | None, folder: Path) -> Recovery | None:
    """The recovery file in ``folder`` for ``project_path`` if it is newer than the project;
    for no project, the newest untitled one."""
    if project_path is None:
        found = sorted(folder.glob(f"{UNTITLED}-*.previz"), key=lambda p: p.stat().st_mtime)
        return Recovery(found[-1], None, found[-1].stat().st_mtime) if found else None
    candidate = folder / recovery_name(project_path, "")
    if not candidate.is_file():
        return None
    written = candidate.stat().st_mtime
    project = Path(project_path)
    if project.is_file() and project.stat().st_mtime >= written:
        return None
    return Recovery(candidate, project.resolve(), written)


def snapshot(project: Project) -> Project:
    """A copy of the project's content for a worker to save, sharing only asset bytes."""
    copied = Project(copy.deepcopy(project.settings))
    copied.nodes = copy.deepcopy(project.nodes)
    copied.links = copy.deepcopy(project.links)
    copied.timeline = copy.deepcopy(project.timeline)
    copied.assets = {sha: dataclasses.replace(asset, extra=copy.deepcopy(asset.extra))
                     for sha, asset in project.assets.items()}
    copied.models = dict(project.models)
    copied.cast = dict(project.cast)  # characters and locations are frozen: shared safely
    copied.locations = dict(project.locations)
    copied.extra = copy.deepcopy(project.extra)
    return copied


def write_recovery(project: Project, target: Path) -> None:
    """Write the recovery file ``target`` (its folder made if needed), atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    save_project(project, target)
