"""The clip store (DESIGN §8): one entry per take key, lossless frames plus a ``Clip.1`` sidecar.

Entries live under ``root/<key[:2]>/<key>/``; each is written in ``root/.incoming/`` and renamed
into place when complete, so a failed or cancelled render leaves nothing. The store is bounded
in bytes: after each write the least recently used entries go. Use is recorded by touching the
sidecar. In front of the disk sits a small in-memory LRU of decoded frames.
"""

from __future__ import annotations

import contextlib
import hashlib
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

from previz.core.values import Clip
from previz.engine.backend import CancelToken
from previz.engine.frame_memory import FrameMemory
from previz.engine.sidecar import (
    FRAMES,
    SIDECAR,
    StoreError,
    check_seal,
    clip_from_sidecar,
    read_json,
    seal_from_sidecar,
    seal_of,
    write_sidecar,
)
from previz.media import FrameWriter, MediaError, open_reader, open_writer, read_frame

log = logging.getLogger(__name__)

INCOMING = ".incoming"
SHARED = "shared"
__all__ = ["FRAMES", "INCOMING", "SHARED", "SIDECAR", "ClipStore", "ClipWriter", "StoreEntry",
           "StoreError", "clip_from_sidecar"]


@dataclass(frozen=True)
class StoreEntry:
    """One entry on disk: its key, folder, size in bytes and when it was last used (ns)."""

    key: str
    path: Path
    size: int
    last_used_ns: int


class ClipStore:
    """Rendered takes by key, bounded in bytes with least-recently-used eviction."""

    def __init__(self, root: Path, max_bytes: int, memory_bytes: int = 512 * 1024**2, *,
                 lane: str = "") -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.lane = lane
        self._memory = FrameMemory(memory_bytes)
        self._clips: OrderedDict[Path, Clip] = OrderedDict()
        self._sealed: dict[Path, tuple[int, int, int]] = {}  # frames (size, mtime, inode)
        self._lock = threading.Lock()
        self.remove_leftovers()

    def path_of(self, key: str) -> Path:
        """The folder of an entry rendered here (it exists once the entry is complete)."""
        return self.root / key[:2] / key

    def shared_path_of(self, key: str, lane: str) -> Path:
        """The folder of an entry that came with the project of ``lane`` (see ``lane_of``)."""
        return self.root / SHARED / lane / key[:2] / key

    def has(self, key: str) -> bool:
        """Whether a complete, undamaged entry for ``key`` is in the store (rendered here, or
        shared by the project of this store's lane)."""
        return self._load(key, touch=False) is not None

    def clip(self, key: str) -> Clip | None:
        """The clip stored under ``key``, or ``None``; reading it counts as a use.

        An entry rendered here comes first; else one that came with the project of this
        store's ``lane`` (a shared render, marked ``"shared"`` in its provenance), never one
        that came with another project. An entry whose frames are missing, short or damaged,
        or whose sidecar is unreadable or records no digest, is removed (and logged) and
        counts as absent: it renders again.
        """
        return self._load(key, touch=True)

    def _folders(self, key: str) -> list[Path]:
        local = self.path_of(key)
        return [local, self.shared_path_of(key, self.lane)] if self.lane else [local]

    def _folder_of(self, key: str) -> Path:
        """The folder a clip's frames are read from: the first of its folders that has them."""
        folders = self._folders(key)
        return next((folder for folder in folders if (folder / SIDECAR).is_file()), folders[0])

    def _load(self, key: str, *, touch: bool) -> Clip | None:
        for folder in self._folders(key):
            clip = self._load_at(key, folder, touch=touch)
            if clip is not None:
                return clip
        return None

    def _load_at(self, key: str, folder: Path, *, touch: bool) -> Clip | None:
        sidecar = folder / SIDECAR
        if not sidecar.is_file():
            if folder.is_dir():  # entries arrive whole by rename: this one was damaged
                self._discard(folder, f"clip {key[:12]} has no {SIDECAR}")
            return None
        with self._lock:
            cached = self._clips.get(folder)
        if cached is None or not self._still_sealed(folder):
            try:
                data = read_json(sidecar)
                cached = clip_from_sidecar(key, data)
                check_seal(key, folder, seal_from_sidecar(key, data))
            except StoreError as error:
                self._discard(folder, str(error))
                return None
            self._remember(folder, cached)
        if touch:
            _touch(sidecar)
        return cached

    def _still_sealed(self, folder: Path) -> bool:
        """Whether the frames file is the one checked against its digest in this process."""
        try:
            stat = (folder / FRAMES).stat()
        except OSError:
            return False
        with self._lock:
            return self._sealed.get(folder) == (stat.st_size, stat.st_mtime_ns, stat.st_ino)

    def _remember(self, folder: Path, clip: Clip) -> None:
        with contextlib.suppress(OSError):
            stat = (folder / FRAMES).stat()
            with self._lock:
                self._sealed[folder] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
                self._clips[folder] = clip
                self._clips.move_to_end(folder)
                while len(self._clips) > 1024:
                    dropped, _ = self._clips.popitem(last=False)
                    self._sealed.pop(dropped, None)

    def _discard(self, folder: Path, why: str) -> None:
        """Take a damaged entry out of the store (moved aside first, so no reader sees half)."""
        log.warning("store entry %s is damaged and renders again: %s", folder.name[:12], why)
        self._forget(folder)
        aside = self.root / INCOMING / f"{folder.name}.damaged.{uuid.uuid4().hex[:8]}"
        try:
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.rename(folder, aside)
        except OSError:
            aside = folder
        shutil.rmtree(aside, ignore_errors=True)

    def incoming_folder(self, key: str) -> Path:
        """A new, empty folder in which an entry for ``key`` is put together; it names this
        process, so ``remove_leftovers`` in another process knows whether it is still live."""
        folder = self.root / INCOMING / f"{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True)
        return folder

    def writer(self, key: str, width: int, height: int, fps: Fraction, *,
               cancel: CancelToken | None = None,
               provenance: Mapping[str, Any] | None = None) -> ClipWriter:
        """Start an entry for ``key``: write frames, then ``finish`` (or it leaves nothing).

        ``provenance`` is merged under what ``finish`` is given.
        """
        incoming = self.incoming_folder(key)
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
        path = self._frames_path(clip.key)
        cached = self._memory.get(str(path))
        if cached is not None:
            yield from cached
            return
        keep = self._memory.fits(clip)
        kept: list[np.ndarray] = []
        with open_reader(path) as reader:
            for frame in reader:
                frame.flags.writeable = False
                if keep:
                    kept.append(frame)
                yield frame
        if keep and len(kept) == clip.frame_count:
            self._memory.put(str(path), kept)

    def frame(self, clip: Clip, index: int) -> np.ndarray:
        """One frame of a stored clip, read-only."""
        if not 0 <= index < clip.frame_count:
            raise IndexError(f"frame {index} is outside clip {clip.key[:12]} of"
                             f" {clip.frame_count} frames")
        path = self._frames_path(clip.key)
        cached = self._memory.get(str(path))
        if cached is not None:
            return cached[index]
        frame = read_frame(path, index)
        frame.flags.writeable = False
        return frame

    def entries(self) -> list[StoreEntry]:
        """Every complete entry, least recently used first."""
        found = []
        sidecars = [*self.root.glob(f"??/*/{SIDECAR}"),
                    *self.root.glob(f"{SHARED}/*/??/*/{SIDECAR}")]
        for sidecar in sidecars:
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
            self._forget(entry.path)
            total -= entry.size
            removed.append(entry.key)
        return removed

    def remove_leftovers(self) -> list[Path]:
        """Remove what killed processes left: half-written entries in the incoming folder
        (those of live processes stay) and entry folders without a sidecar. What was removed."""
        removed: list[Path] = []
        incoming = self.root / INCOMING
        with contextlib.suppress(OSError):
            for folder in incoming.iterdir():
                if not _writer_alive(folder.name):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
        for folder in [*self.root.glob("??/*"), *self.root.glob(f"{SHARED}/*/??/*")]:
            if folder.is_dir() and not (folder / SIDECAR).exists():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        if removed:
            log.info("removed %d leftovers of killed renders from %s", len(removed), self.root)
        return removed

    def _commit(self, key: str, incoming: Path, clip: Clip) -> Clip:
        write_sidecar(incoming, clip, seal_of(incoming / FRAMES))
        final = self.path_of(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            self._load_at(key, final, touch=False)  # a damaged entry in the way is removed
        try:
            os.rename(incoming, final)
        except OSError:
            if not self.has(key):
                raise
            shutil.rmtree(incoming, ignore_errors=True)  # the same take finished elsewhere
        self.evict(keep=key)
        return self.clip(key) or clip

    def _forget(self, folder: Path) -> None:
        with self._lock:
            self._clips.pop(folder, None)
            self._sealed.pop(folder, None)
        self._memory.drop(str(folder / FRAMES))

    def frames_file(self, key: str) -> Path:
        """The frames file a clip is read from (rendered here, or shared in this lane)."""
        return self._folder_of(key) / FRAMES

    def _frames_path(self, key: str) -> Path:
        path = self._folder_of(key) / FRAMES
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
        self._extras: list[FrameWriter] = []

    @property
    def frames_written(self) -> int:
        """How many frames are written so far."""
        return self._frames.frames_written

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
        if self.frames_written == 0:
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
            for extra in self._extras:
                extra.abort()
            shutil.rmtree(self._incoming, ignore_errors=True)

    def __enter__(self) -> ClipWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.abort()


def lane_of(project_path: str | os.PathLike[str]) -> str:
    """The lane of the project saved at ``project_path``: renders that came with it are kept
    there and served to it alone (a planted render never reaches another project)."""
    resolved = str(Path(project_path).resolve())
    return hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _writer_alive(name: str) -> bool:
    """Whether the incoming folder ``name`` (``<key>.<pid>.<random>``) belongs to a process
    still running; folders of other shapes (damaged entries moved aside, older names) do not."""
    parts = name.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no safe liveness probe: leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, another user's
    return True


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
