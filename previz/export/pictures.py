"""Still pictures of cut entries for boards and sheets: key frames, move strips, thumbnails."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from PIL import Image

from previz.core.values import Clip
from previz.engine.store import ClipStore
from previz.export.cut import CutEntry


class KeyFrames:
    """Single frames of stored clips, kept (up to ``max_bytes``, least recently used out
    first) so that the storyboard and the contact sheet read each from disk once."""

    def __init__(self, store: ClipStore, max_bytes: int = 256 << 20) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self._frames: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._bytes = 0

    def frame(self, clip: Clip, index: int) -> np.ndarray:
        """Frame ``index`` of ``clip``, read-only."""
        key = (clip.key, index)
        if key in self._frames:
            self._frames.move_to_end(key)
            return self._frames[key]
        frame = self.store.frame(clip, index)
        self._frames[key] = frame
        self._bytes += frame.nbytes
        while self._bytes > self.max_bytes and len(self._frames) > 1:
            _, dropped = self._frames.popitem(last=False)
            self._bytes -= dropped.nbytes
        return frame


@dataclass(frozen=True)
class EntryPictures:
    """What a board shows of one entry: its key frame (the middle one), and for a shot whose
    camera moves, its first, middle and last frames."""

    key: Image.Image
    strip: tuple[Image.Image, ...] = ()


def key_frame_index(entry: CutEntry) -> int:
    """The middle frame of what the entry plays, in the clip's numbering."""
    return entry.source.start + (len(entry.source) - 1) // 2


def entry_pictures(entry: CutEntry, frames: KeyFrames, width: int) -> EntryPictures:
    """The entry's pictures, scaled to ``width`` pixels wide."""
    key = thumbnail(frames.frame(entry.clip, key_frame_index(entry)), width)
    if not entry.info.has_move:
        return EntryPictures(key)
    ends = (entry.source.start, entry.source.stop - 1)
    first, last = (thumbnail(frames.frame(entry.clip, index), width) for index in ends)
    return EntryPictures(key, (first, key, last))


def thumbnail(frame: np.ndarray, width: int) -> Image.Image:
    """``frame`` scaled to ``width`` pixels wide, keeping its aspect."""
    image = Image.fromarray(frame)
    height = max(round(image.height * width / image.width), 1)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def letterboxed(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` fitted inside ``width`` x ``height``, centred on black."""
    fitted = image.copy()
    fitted.thumbnail((width, height), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (width, height))
    canvas.paste(fitted, ((width - fitted.width) // 2, (height - fitted.height) // 2))
    return canvas
