"""Store entries carried between machines as bytes, and taken in only once verified.

A worker sends the entry it rendered (its ``Clip.1`` sidecar and lossless frames) back through
Ray; the head sends a worker the entries a take reads. The receiving store takes one in as it
takes in a shared render: unpacked in its incoming folder, the frames checked against the
sidecar's digest and read back at the size, frame count and rate it claims, then renamed into
place, so a damaged or half-sent entry never becomes one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from previz.core.values import Clip
from previz.engine.sidecar import (
    FRAMES,
    SIDECAR,
    StoreError,
    check_media,
    check_seal,
    clip_from_sidecar,
    read_json,
    seal_from_sidecar,
)
from previz.engine.store import ClipStore


@dataclass(frozen=True)
class EntryBytes:
    """One store entry's files, as they travel."""

    key: str
    sidecar: bytes
    frames: bytes


def read_entry(store: ClipStore, key: str) -> EntryBytes:
    """The files of the entry for ``key`` (``StoreError`` if the store has none)."""
    if store.clip(key) is None:
        raise StoreError(f"clip {key[:12]} is not in the store at {store.root}")
    folder = store.frames_file(key).parent
    return EntryBytes(key, (folder / SIDECAR).read_bytes(), (folder / FRAMES).read_bytes())


def adopt_entry(store: ClipStore, entry: EntryBytes) -> Clip:
    """Put ``entry`` into ``store`` under its key once verified; the clip as the store
    serves it. ``StoreError`` says what is wrong with an entry that fails a check."""
    existing = store.clip(entry.key)
    if existing is not None:
        return existing
    incoming = store.incoming_folder(entry.key)
    try:
        (incoming / FRAMES).write_bytes(entry.frames)
        (incoming / SIDECAR).write_bytes(entry.sidecar)
        _verify(entry.key, incoming)
        final = store.path_of(entry.key)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(incoming, final)
        except OSError:
            if not store.has(entry.key):  # not the same take arriving meanwhile
                raise
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    store.evict(keep=entry.key)
    clip = store.clip(entry.key)
    if clip is None:
        raise StoreError(f"clip {entry.key[:12]} did not stay in the store at {store.root}")
    return clip


def _verify(key: str, folder: Path) -> None:
    data = read_json(folder / SIDECAR)
    clip = clip_from_sidecar(key, data)
    check_seal(key, folder, seal_from_sidecar(key, data))
    check_media(key, folder, clip)
