"""The clip store (DESIGN §8): one entry per take key, lossless frames plus a ``Clip.1`` sidecar.

Entries live under ``root/<key[:2]>/<key>/``; each is written in ``root/.incoming/`` and renamed
into place when complete, so a failed or cancelled render leaves nothing. The store is bounded
in bytes: after each write the least recently used entries go. Use is recorded by touching the
sidecar. In front of the disk sits a small in-memory LRU of decoded frames.

An Extend's entry holds only the frames it added: its clip's ``head`` (in a ``Clip.2`` sidecar)
names the entry its first frames are read from. It is served only while that entry is (reading
it uses its head too), so a damaged or evicted head makes it absent, never a clip with frames
missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from previz.core.values import Clip, ClipHead
from previz.engine.backend import CancelToken
from previz.engine.clip_writer import ClipWriter
from previz.engine.entry_files import head_key, stamp_used, writer_alive
from previz.engine.frame_memory import FrameMemory
from previz.engine.segments import Segment, SegmentReader, first_frames, read_one
from previz.engine.sidecar import (
    FRAMES,
    SIDECAR,
    StoreError,
    check_seal,
    clip_from_sidecar,
    own_frame_count,
    read_json,
    seal_from_sidecar,
    seal_of,
    write_sidecar,
)
from previz.media import MediaError, open_writer

log = logging.getLogger(__name__)

INCOMING = ".incoming"
SHARED = "shared"
MAX_HEADS = 1000  # an Extend chain longer than this is a loop or a planted entry
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

    def carry_lane(self, lane: str) -> int:
        """Serve the renders shared with this store's project to the same project saved anew
        (Save As gives it another lane): each entry of the current lane is linked (copied where
        the disk cannot link) into ``lane``, and the store moves to it; the entries carried.
        The old lane stays for the old file."""
        old = self.root / SHARED / self.lane if self.lane else None
        carried = 0
        if old is not None and old.is_dir() and lane != self.lane:
            for sidecar in sorted(old.glob(f"*/*/{SIDECAR}")):
                entry = sidecar.parent
                target = self.shared_path_of(entry.name, lane)
                if target.exists():
                    continue
                incoming = self.incoming_folder(entry.name)
                shutil.copytree(entry, incoming, copy_function=_link_or_copy, dirs_exist_ok=True)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(incoming, target)
                carried += 1
        self.lane = lane
        return carried

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

    def _load(self, key: str, *, touch: bool, heads: int = 0) -> Clip | None:
        for folder in self._folders(key):
            clip = self._load_at(key, folder, touch=touch, heads=heads)
            if clip is not None:
                return clip
        return None

    def _load_at(self, key: str, folder: Path, *, touch: bool, heads: int = 0) -> Clip | None:
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
        if cached.head is not None and not self._head_serves(cached, cached.head, touch, heads):
            self._discard(folder, f"the clip its first {cached.head.frames} frames come from,"
                                  f" {cached.head.key[:12]}, is gone or is not what it was")
            return None
        if touch:
            stamp_used(sidecar)
        return cached

    def _head_serves(self, clip: Clip, head: ClipHead, touch: bool, heads: int) -> bool:
        """Whether the entry ``head`` names is here, whole, and fits ``clip``'s first frames."""
        if heads >= MAX_HEADS:
            return False
        source = self._load(head.key, touch=touch, heads=heads + 1)
        return (source is not None and source.frame_count >= head.frames
                and (source.width, source.height, source.fps)
                == (clip.width, clip.height, clip.fps))

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
               provenance: Mapping[str, Any] | None = None,
               head: Clip | None = None) -> ClipWriter:
        """Start an entry for ``key``: write frames, then ``finish`` (or it leaves nothing).

        ``provenance`` is merged under what ``finish`` is given. With ``head`` (a stored clip
        of this size and rate), the clip begins with every frame of ``head``, read from its
        entry, and the frames written follow them.
        """
        if head is not None and (head.width, head.height, Fraction(head.fps)) != (
                width, height, Fraction(fps)):
            raise StoreError(f"clip {key[:12]} cannot begin with clip {head.key[:12]}: it is"
                             f" {head.width}x{head.height} at {head.fps} fps, not {width}x"
                             f"{height} at {fps} fps")
        if head is not None and not self.has(head.key):
            raise StoreError(f"clip {key[:12]} cannot begin with clip {head.key[:12]}: it is"
                             f" not in the store at {self.root}")
        incoming = self.incoming_folder(key)
        try:
            frames = open_writer(incoming / FRAMES, width, height, fps, "lossless")
        except (MediaError, ValueError):
            shutil.rmtree(incoming, ignore_errors=True)
            raise
        return ClipWriter(self, key, incoming, frames, fps=Fraction(fps), cancel=cancel,
                          provenance=provenance or {},
                          head=ClipHead(head.key, head.frame_count) if head else None)

    def frames(self, clip: Clip, start: int = 0) -> Iterator[np.ndarray]:
        """Every frame of a stored clip from frame ``start`` on, streamed from disk unless
        they are in memory (decoding begins at ``start``: a clip's tail costs only its tail).

        Frames are read-only: the in-memory LRU hands the same arrays to every reader.
        """
        segments = self.segments(clip)
        cached = self._memory.get(str(segments[-1].path))
        if cached is not None:
            yield from cached[start:]
            return
        if start > 0:
            yield from self._frames_from(segments, start)
            return
        keep = self._memory.fits(clip)
        kept: list[np.ndarray] = []
        with SegmentReader(segments) as reader:
            for frame in reader:
                frame.flags.writeable = False
                if keep:
                    kept.append(frame)
                yield frame
        if keep and len(kept) == clip.frame_count:
            self._memory.put(str(segments[-1].path), kept)

    @staticmethod
    def _frames_from(segments: list[Segment], start: int) -> Iterator[np.ndarray]:
        with SegmentReader(segments, start) as reader:
            for frame in reader:
                frame.flags.writeable = False
                yield frame

    def frame(self, clip: Clip, index: int) -> np.ndarray:
        """One frame of a stored clip, read-only."""
        if not 0 <= index < clip.frame_count:
            raise IndexError(f"frame {index} is outside clip {clip.key[:12]} of"
                             f" {clip.frame_count} frames")
        segments = self.segments(clip)
        cached = self._memory.get(str(segments[-1].path))
        if cached is not None:
            return cached[index]
        frame = read_one(segments, index)
        frame.flags.writeable = False
        return frame

    def segments(self, clip: Clip) -> list[Segment]:
        """The frames files a stored clip is read from, in order, with how many frames each
        gives: its head's (an Extend's source, and its source's, …), then its own.

        ``StoreError`` if any of them is no longer in the store."""
        own = Segment(self._frames_path(clip.key), own_frame_count(clip))
        if clip.head is None:
            return [own]
        source = self._load(clip.head.key, touch=False)
        if source is None:
            raise StoreError(f"clip {clip.key[:12]} begins with clip {clip.head.key[:12]},"
                             f" which is not in the store at {self.root}")
        return [*first_frames(self.segments(source), clip.head.frames), own]

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
        """Remove least recently used entries until the store fits its bound; never ``keep``
        nor the entries it begins with."""
        kept = self._heads_of(keep)
        entries = self.entries()
        total = sum(entry.size for entry in entries)
        removed = []
        for entry in entries:
            if total <= self.max_bytes:
                break
            if entry.key in kept:
                continue
            self._remove(entry)
            total -= entry.size
            removed.append(entry.key)
        return removed + self._remove_orphans(entries, set(removed))

    def _remove(self, entry: StoreEntry) -> None:
        shutil.rmtree(entry.path, ignore_errors=True)
        self._forget(entry.path)

    def _remove_orphans(self, entries: list[StoreEntry], gone: set[str]) -> list[str]:
        """Remove the entries that begin with an entry in ``gone`` (they cannot be served
        without it), and those that begin with them; their keys."""
        heads = {entry.key: head_key(entry.path) for entry in entries}
        orphans: list[str] = []
        while gone:
            found = [entry for entry in entries if heads[entry.key] in gone
                     and entry.key not in orphans]
            for entry in found:
                self._remove(entry)
            orphans += [entry.key for entry in found]
            gone = {entry.key for entry in found}
        return orphans

    def _heads_of(self, key: str) -> set[str]:
        """``key`` and the keys of the entries its clip begins with, however far back."""
        keys = {key}
        clip = self._load(key, touch=False) if key else None
        while clip is not None and clip.head is not None and clip.head.key not in keys:
            keys.add(clip.head.key)
            clip = self._load(clip.head.key, touch=False)
        return keys

    def remove_leftovers(self) -> list[Path]:
        """Remove what killed processes left: half-written entries in the incoming folder
        (those of live processes stay) and entry folders without a sidecar. What was removed."""
        removed: list[Path] = []
        incoming = self.root / INCOMING
        with contextlib.suppress(OSError):
            for folder in incoming.iterdir():
                if not writer_alive(folder.name):
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
        stored = self.clip(key)
        if stored is None and clip.head is not None:
            raise StoreError(f"clip {key[:12]} is lost: clip {clip.head.key[:12]}, which it"
                             " begins with, left the store while it was written")
        return stored or clip

    def _forget(self, folder: Path) -> None:
        with self._lock:
            self._clips.pop(folder, None)
            self._sealed.pop(folder, None)
        self._memory.drop(str(folder / FRAMES))

    def frames_file(self, key: str) -> Path:
        """The entry's own frames file (rendered here, or shared in this lane); an Extend's
        holds only the frames it added: read a clip through ``frames`` or ``segments``."""
        return self._folder_of(key) / FRAMES

    def _frames_path(self, key: str) -> Path:
        path = self._folder_of(key) / FRAMES
        if not path.is_file():
            raise StoreError(f"clip {key[:12]} is not in the store at {self.root}")
        return path


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def lane_of(project_path: str | os.PathLike[str]) -> str:
    """The lane of the project saved at ``project_path``: renders that came with it are kept
    there and served to it alone (a planted render never reaches another project)."""
    resolved = str(Path(project_path).resolve())
    return hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]
