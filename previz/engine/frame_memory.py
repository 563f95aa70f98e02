"""The clip store's memory: decoded frames of recently used clips, bounded in bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from previz.core.values import Clip


class FrameMemory:
    """Decoded frames of recently used clips, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._frames: OrderedDict[str, list[np.ndarray]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def fits(self, clip: Clip) -> bool:
        return clip.width * clip.height * 3 * clip.frame_count <= self.max_bytes // 4

    def get(self, key: str) -> list[np.ndarray] | None:
        with self._lock:
            if key in self._frames:
                self._frames.move_to_end(key)
                return self._frames[key]
        return None

    def put(self, key: str, frames: list[np.ndarray]) -> None:
        with self._lock:
            if key in self._frames:
                return
            self._frames[key] = frames
            self._bytes += sum(frame.nbytes for frame in frames)
            while self._bytes > self.max_bytes and self._frames:
                _, dropped = self._frames.popitem(last=False)
                self._bytes -= sum(frame.nbytes for frame in dropped)

    def drop(self, key: str) -> None:
        with self._lock:
            dropped = self._frames.pop(key, None)
            if dropped is not None:
                self._bytes -= sum(frame.nbytes for frame in dropped)
