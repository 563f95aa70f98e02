"""The clip store (DESIGN §8): one entry per take key, lossless frames plus a ``Clip.1`` sidecar.

Entries live under ``root/<key[:2]>/<key>/``; each is written in ``root/.incoming/`` and renamed
into place when complete, so a failed or cancelled render leaves nothing. The store is bounded
in bytes: after each write the least recently used entries go. Use is recorded by touching the
sidecar. In front of the disk sits a small in-memory LRU of decoded frames.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from previz.core.spec import parse_fraction
from previz.core.values import Clip
from previz.engine.backend import CancelToken
from previz.media import FrameWriter, MediaError, open_reader, open_writer, read_frame

log = logging.getLogger(__name__)

SIDECAR = "clip.json"
FRAMES = "frames.mkv"
INCOMING = ".incoming"


class StoreError(Exception):
    """A store entry that cannot be written or read, naming the key and the file."""


@dataclass(frozen=True)
class StoreEntry:
    """One entry on disk: its key, folder, size in bytes and when it was last used (ns)."""

    key: str
    path: Path
    size: int
    last_used_ns: int


class ClipStore:
    """Rendered takes by key, bounded in bytes with least-recently-used eviction."""

    def __init__(self, root: Path, max_bytes: int, memory_bytes: int = 512 * 1024**2) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self._memory = _FrameCache(memory_bytes)
        self._clips: OrderedDict[str, Clip] = OrderedDict()
        self._lock = threading.Lock()

    def path_of(self, key: str) -> Path:
        """The folder of an entry (it exists once the entry is complete)."""
        return self.root / key[:2] / key

    def has(self, key: str) -> bool:
        """Whether a complete entry for ``key`` is in the store."""
        return (self.path_of(key) / SIDECAR).is_file()

    def clip(self, key: str) -> Clip | None:
        """The clip stored under ``key``, or ``None``; reading it counts as a use."""
        sidecar = self.path_of(key) / SIDECAR
        with self._lock:
            if key in self._clips and sidecar.is_file():
                self._clips.move_to_end(key)
                _touch(sidecar)
                return self._clips[key]
        if not sidecar.is_file():
            return None
        try:
            clip = clip_from_sidecar(key, _read_json(sidecar))
        except StoreError:
            log.warning("dropping a damaged store entry", exc_info=True)
            shutil.rmtree(self.path_of(key), ignore_errors=True)
            return None  # a damaged entry is a missing one: the take renders again
        _touch(sidecar)
        with self._lock:
            self._clips[key] = clip
            while len(self._clips) > 1024:
                self._clips.popitem(last=False)
        return clip

    def writer(self, key: str, width: int, height: int, fps: Fraction, *,
               cancel: CancelToken | None = None,
               provenance: Mapping[str, Any] | None = None) -> ClipWriter:
        """Start an entry for ``key``: write frames, then ``finish`` (or it leaves nothing).

        ``provenance`` is merged under what ``finish`` is given.
        """
        incoming = self.root / INCOMING / f"{key}.{uuid.uuid4().hex[:8]}"
        incoming.mkdir(parents=True)
        try:
            frames = open_writer(incoming / FRAMES, width, height, fps, "lossless")
        except (MediaError, ValueError):
            shutil.rmtree(incoming, ignore_errors=True)
            raise
        return ClipWriter(self, key, incoming, frames, fps=Fraction(fps), cancel=cancel,
                          provenance=provenance or {})

    def frames(self, clip: Clip) -> Iterator[np.ndarray]:
        """Every frame of a stored clip, streamed from disk unless they are in memory.

        Frames are read-only: the in-memory LRU hands the same arrays to every reader.
        """
        cached = self._memory.get(clip.key)
        if cached is not None:
            yield from cached
            return
        keep = self._memory.fits(clip)
        kept: list[np.ndarray] = []
        with open_reader(self._frames_path(clip.key)) as reader:
            for frame in reader:
                frame.flags.writeable = False
                if keep:
                    kept.append(frame)
                yield frame
        if keep and len(kept) == clip.frame_count:
            self._memory.put(clip.key, kept)

    def frame(self, clip: Clip, index: int) -> np.ndarray:
        """One frame of a stored clip, read-only."""
        if not 0 <= index < clip.frame_count:
            raise IndexError(f"frame {index} is outside clip {clip.key[:12]} of"
                             f" {clip.frame_count} frames")
        cached = self._memory.get(clip.key)
        if cached is not None:
            return cached[index]
        frame = read_frame(self._frames_path(clip.key), index)
        frame.flags.writeable = False
        return frame

    def entries(self) -> list[StoreEntry]:
        """Every complete entry, least recently used first."""
        found = []
        for sidecar in self.root.glob(f"??/*/{SIDECAR}"):
            folder = sidecar.parent
            try:
                size = sum(f.stat().st_size for f in folder.iterdir())
                used = sidecar.stat().st_mtime_ns
            except FileNotFoundError:
                continue  # evicted meanwhile
            found.append(StoreEntry(folder.name, folder, size, used))
        return sorted(found, key=lambda entry: entry.last_used_ns)

    def size_bytes(self) -> int:
        """Bytes used by complete entries."""
        return sum(entry.size for entry in self.entries())

    def evict(self, keep: str = "") -> list[str]:
        """Remove least recently used entries until the store fits its bound; never ``keep``."""
        entries = self.entries()
        total = sum(entry.size for entry in entries)
        removed = []
        for entry in entries:
            if total <= self.max_bytes:
                break
            if entry.key == keep:
                continue
            shutil.rmtree(entry.path, ignore_errors=True)
            self._forget(entry.key)
            total -= entry.size
            removed.append(entry.key)
        return removed

    def remove_incoming(self) -> None:
        """Clear half-written entries left by a process that died mid-render."""
        shutil.rmtree(self.root / INCOMING, ignore_errors=True)

    def _commit(self, key: str, incoming: Path, clip: Clip) -> Clip:
        (incoming / SIDECAR).write_text(json.dumps(clip_to_sidecar(clip), sort_keys=True,
                                                   indent=2) + "\n", encoding="utf-8")
        final = self.path_of(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(incoming, final)
        except OSError:
            if not self.has(key):
                raise
            shutil.rmtree(incoming, ignore_errors=True)  # the same take finished elsewhere
        self.evict(keep=key)
        return self.clip(key) or clip

    def _forget(self, key: str) -> None:
        with self._lock:
            self._clips.pop(key, None)
        self._memory.drop(key)

    def _frames_path(self, key: str) -> Path:
        path = self.path_of(key) / FRAMES
        if not path.is_file():
            raise StoreError(f"clip {key[:12]} is not in the store at {self.root}")
        return path


class ClipWriter:
    """Frames of one take on their way into the store; nothing is stored until ``finish``."""

    def __init__(self, store: ClipStore, key: str, incoming: Path, frames: FrameWriter, *,
                 fps: Fraction, cancel: CancelToken | None,
                 provenance: Mapping[str, Any]) -> None:
        self.store, self.key, self.fps = store, key, fps
        self._incoming, self._frames, self._cancel = incoming, frames, cancel
        self._provenance = dict(provenance)
        self._done = False

    @property
    def frames_written(self) -> int:
        """How many frames are written so far."""
        return self._frames.frames_written

    def write(self, frame: np.ndarray) -> None:
        """Add one RGB frame; raises ``Cancelled`` if the render was cancelled."""
        if self._cancel is not None:
            self._cancel.check()
        self._frames.write(frame)

    def finish(self, prompt: str = "", camera: Any = None,
               provenance: dict[str, Any] | None = None) -> Clip:
        """Close the frames and put the entry in the store under its key."""
        if self.frames_written == 0:
            self.abort()
            raise StoreError(f"clip {self.key[:12]} has no frames")
        self._frames.close()
        clip = Clip(self.key, self.fps, self._frames.width, self._frames.height,
                    self.frames_written, prompt, camera,
                    {**self._provenance, **(provenance or {})})
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
            shutil.rmtree(self._incoming, ignore_errors=True)

    def __enter__(self) -> ClipWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.abort()


def clip_to_sidecar(clip: Clip) -> dict[str, Any]:
    """The ``Clip.1`` sidecar of a stored clip."""
    return {"schema": "Clip.1", "fps": str(clip.fps), "width": clip.width,
            "height": clip.height, "frame_count": clip.frame_count, "prompt": clip.prompt,
            "camera": clip.camera, "provenance": clip.provenance, "frames": FRAMES}


def clip_from_sidecar(key: str, data: Any) -> Clip:
    """A clip from its sidecar; ``StoreError`` if the sidecar is not one."""
    try:
        if data["schema"] != "Clip.1":
            raise StoreError(f"clip {key[:12]}: unknown sidecar schema {data['schema']!r}")
        clip = Clip(key, parse_fraction(data["fps"]), int(data["width"]), int(data["height"]),
                    int(data["frame_count"]), str(data.get("prompt", "")), data.get("camera"),
                    dict(data.get("provenance") or {}))
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise StoreError(f"clip {key[:12]}: malformed sidecar: {error}") from error
    if min(clip.fps, clip.width, clip.height, clip.frame_count) <= 0:
        raise StoreError(f"clip {key[:12]}: malformed sidecar: rate, size and frame count must"
                         " be above zero")
    return clip


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(f"{path}: cannot read: {error}") from error


class _UseClock:
    """Strictly increasing use times in nanoseconds.

    File systems stamp ``os.utime(path)`` with a coarse clock (one tick is milliseconds on
    ext4), so two uses in quick succession would tie and LRU order would be lost; explicit,
    strictly increasing stamps keep it.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def now(self) -> int:
        with self._lock:
            self._last = max(time.time_ns(), self._last + 1)
            return self._last


_USE_CLOCK = _UseClock()


def _touch(path: Path) -> None:
    stamp = _USE_CLOCK.now()
    with contextlib.suppress(FileNotFoundError):  # evicted meanwhile: the caller has what it read
        os.utime(path, ns=(stamp, stamp))


class _FrameCache:
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
