"""Frames of one take on their way into the clip store: nothing is stored until ``finish``."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np

from previz.core.values import Clip, ClipHead
from previz.engine.backend import CancelToken
from previz.engine.sidecar import StoreError
from previz.media import FrameWriter, open_writer

if TYPE_CHECKING:
    from previz.engine.store import ClipStore


class ClipWriter:
    """Frames of one take on their way into the store; nothing is stored until ``finish``."""

    def __init__(self, store: ClipStore, key: str, incoming: Path, frames: FrameWriter, *,
                 fps: Fraction, cancel: CancelToken | None,
                 provenance: Mapping[str, Any], head: ClipHead | None = None) -> None:
        self.store, self.key, self.fps, self.head = store, key, fps, head
        self._incoming, self._frames, self._cancel = incoming, frames, cancel
        self._provenance = dict(provenance)
        self._done = False
        self._extras: list[FrameWriter] = []

    @property
    def frames_written(self) -> int:
        """How many frames the clip has so far (its head's, then those written)."""
        return (self.head.frames if self.head else 0) + self._frames.frames_written

    def write(self, frame: np.ndarray) -> None:
        """Add one RGB frame; raises ``Cancelled`` if the render was cancelled."""
        if self._cancel is not None:
            self._cancel.check()
        self._frames.write(frame)

    def extra_frames(self, name: str) -> FrameWriter:
        """A second lossless frame file in this entry (a shot's handles, say), stored,
        shared by nothing and evicted with it; it is closed by ``finish``."""
        writer = open_writer(self._incoming / name, self._frames.width, self._frames.height,
                             self.fps, "lossless")
        self._extras.append(writer)
        return writer

    def finish(self, prompt: str = "", camera: Any = None,
               provenance: dict[str, Any] | None = None) -> Clip:
        """Close the frames and put the entry in the store under its key."""
        if self._frames.frames_written == 0:
            self.abort()
            raise StoreError(f"clip {self.key[:12]} has no frames")
        self._frames.close()
        for extra in self._extras:
            if extra.closed:
                continue
            if extra.frames_written:
                extra.close()
            else:
                extra.abort()
        clip = Clip(self.key, self.fps, self._frames.width, self._frames.height,
                    self.frames_written, prompt, camera,
                    {**self._provenance, **(provenance or {})}, self.head)
        try:
            clip = self.store._commit(self.key, self._incoming, clip)
        finally:
            self._done = True
            shutil.rmtree(self._incoming, ignore_errors=True)
        return clip

    def abort(self) -> None:
        """Throw the frames away; the store is as it was."""
        if not self._done:
            self._done = True
            self._frames.abort()
            for extra in self._extras:
                extra.abort()
            shutil.rmtree(self._incoming, ignore_errors=True)

    def __enter__(self) -> ClipWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.abort()
