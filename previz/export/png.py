"""PNG sequences: every frame of each entry, at the editorial rate, each carrying its recipe."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from previz.export.credentials import Making, sign_file
from previz.export.cut import CutEntry
from previz.export.provenance import Recipe, png_info

# zlib level 1: about three times as fast as Pillow's default 6 on rendered frames, and
# PNG stays lossless whatever the level.
COMPRESS_LEVEL = 1


def frame_name(entry: CutEntry, index: int) -> str:
    """``01_010_0010.0001.png``: the entry's stem and the frame number, from 1."""
    return f"{entry.stem}.{index + 1:04d}.png"


def save_png(picture: np.ndarray | Image.Image, path: Path,
             info: PngImagePlugin.PngInfo | None = None) -> None:
    """Write an RGB frame or image as a PNG with ``info``'s text chunks, under a temporary
    name first."""
    image = picture if isinstance(picture, Image.Image) else Image.fromarray(picture)
    partial = path.with_name(f".{path.name}.partial")
    try:
        image.save(partial, format="PNG", pnginfo=info,
                                    compress_level=COMPRESS_LEVEL)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


class PngSequences:
    """Writes each entry's frames (what the cut plays, no handles) into ``<folder>/<stem>/``."""

    wants_handles = False

    def __init__(self, folder: Path, recipes: Mapping[str, Recipe], *,
                 credentials: bool = True, identity: Path | None = None) -> None:
        self.folder, self.credentials, self.identity = folder, credentials, identity
        self._infos = {entry_id: png_info(recipe) for entry_id, recipe in recipes.items()}
        self.folders: list[Path] = []
        self.fresh: set[str] = set()  # entries whose sequence is already there

    def skips(self, entry: CutEntry) -> bool:
        """Whether the sequence of ``entry`` is fresh."""
        return entry.entry_id in self.fresh

    def begin(self, entry: CutEntry) -> None:
        """Make the entry's folder."""
        if not self.skips(entry):
            (self.folder / entry.stem).mkdir(parents=True, exist_ok=True)

    def write(self, entry: CutEntry, index: int, frame: np.ndarray) -> None:
        """Write frame ``index`` of ``entry``."""
        path = self.folder / entry.stem / frame_name(entry, index)
        save_png(frame, path, self._infos[entry.entry_id])
        if self.credentials:
            sign_file(path, [Making.from_provenance(entry.clip.provenance)], self.identity)

    def end(self, entry: CutEntry) -> None:
        """The entry's sequence is complete."""
        self.folders.append(self.folder / entry.stem)

    def close(self) -> list[Path]:
        """The folder of every sequence written."""
        return list(self.folders)

    def abort(self) -> None:
        """Frames already written stay: each is complete."""
