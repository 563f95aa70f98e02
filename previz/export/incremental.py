"""Incremental export: an output whose inputs have not changed is not written again.

Each export records, in ``.previz-export.json`` in its folder, a digest of what went into
every file it wrote (the clips' keys, trims, timing, names, notes, options) with the file's
size and modification time. The next export into that folder leaves a file alone when its
digest is the same and the file is still as it was written; anything else (a changed shot, an
option, a file edited or deleted since) writes it again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from previz import __version__
from previz.export.cut import Cut, CutEntry

MANIFEST = ".previz-export.json"
SCHEMA = "ExportManifest.1"


def digest(*parts: Any) -> str:
    """A SHA-256 of ``parts`` as canonical JSON (with this Previz's version)."""
    text = json.dumps([__version__, *parts], sort_keys=True, default=str,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_inputs(entry: CutEntry) -> dict[str, Any]:
    """Everything about ``entry`` that shows in a file made from it."""
    return {"entry": entry.entry_id, "node": entry.node_id, "name": entry.name,
            "stem": entry.stem, "clip": entry.clip.key, "source": [entry.source.start,
                                                                   entry.source.stop],
            "rate": str(entry.rate), "frames": entry.frame_count, "record": entry.record_in,
            "handles": asdict(entry.handles), "reel": entry.reel,
            "info": entry.info.to_metadata()}


def cut_inputs(cut: Cut) -> dict[str, Any]:
    """Everything about ``cut`` that shows in a file made from all of it."""
    return {"title": cut.title, "heading": cut.heading, "rate": str(cut.rate),
            "size": [cut.width, cut.height],
            "drop": cut.clock.drop, "entries": [entry_inputs(entry) for entry in cut.entries]}


class ExportManifest:
    """The digests of what an export folder's files were made from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, dict[str, Any]] = {}
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("schema") == SCHEMA and isinstance(
                data.get("files"), dict):
            self._files = {name: value for name, value in data["files"].items()
                           if isinstance(value, dict)}

    def fresh(self, path: Path, inputs: str) -> bool:
        """Whether ``path`` was made from ``inputs`` and is still as it was written."""
        record = self._files.get(self._name(path))
        if record is None or record.get("inputs") != inputs:
            return False
        return record.get("stamp") == _stamp(path)

    def record(self, path: Path, inputs: str) -> None:
        """``path`` has just been written from ``inputs``."""
        self._files[self._name(path)] = {"inputs": inputs, "stamp": _stamp(path)}

    def save(self) -> None:
        """Write the manifest (under a temporary name first)."""
        path = self.folder / MANIFEST
        temp = path.with_name(f".{path.name}.partial")
        temp.write_text(json.dumps({"schema": SCHEMA, "files": self._files}, indent=1,
                                   sort_keys=True), encoding="utf-8")
        os.replace(temp, path)

    def _name(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()


def _stamp(path: Path) -> list[int] | None:
    """Size and modification time of a file, or of every file in a folder (PNG sequences)."""
    try:
        if path.is_dir():
            stats = [child.stat() for child in sorted(path.iterdir()) if child.is_file()]
            return [len(stats), sum(s.st_size for s in stats),
                    max((s.st_mtime_ns for s in stats), default=0)]
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]
