"""The clip store: lossless entries with a Clip.1 sidecar, bounded in bytes, least recently
used out first."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from engine_pack import SOURCE, Studio, add, cut, source_frame

from previz.core.project import Project
from previz.engine.store import SIDECAR, ClipStore, StoreError


def put(store: ClipStore, key: str, frames: int = 4) -> None:
    """An entry of identical frames, so every entry has the same size."""
    with store.writer(key, 32, 24, Fraction(24000, 1001)) as writer:
        for index in range(frames):
            writer.write(source_frame(32, 24, 1, 2, index))
        writer.finish(prompt="hold")


def stored(store: ClipStore) -> set[str]:
    return {entry.key for entry in store.entries()}


def test_an_entry_is_lossless_with_its_sidecar(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    put(store, "ab" * 32)
    clip = store.clip("ab" * 32)
    assert clip is not None
    assert (clip.fps, clip.width, clip.height, clip.frame_count) == (Fraction(24000, 1001), 32,
                                                                     24, 4)
    sidecar = json.loads((store.path_of(clip.key) / SIDECAR).read_text())
    assert sidecar["schema"] == "Clip.1" and sidecar["fps"] == "24000/1001"
    fresh = ClipStore(tmp_path, 1 << 30)  # no memory of the first: read from disk
    frames = list(fresh.frames(clip))
    assert all(np.array_equal(frame, source_frame(32, 24, 1, 2, index))
               for index, frame in enumerate(frames))
    assert np.array_equal(fresh.frame(clip, 3), source_frame(32, 24, 1, 2, 3))
    with pytest.raises(ValueError, match="read-only"):
        frames[0][0, 0] = 0  # shared with the in-memory LRU: nobody may paint on them


def test_a_store_over_its_bound_evicts_the_least_recently_used(tmp_path: Path) -> None:
    keys = {name: name * 64 for name in "abcde"}
    store = ClipStore(tmp_path, 1 << 30)
    put(store, keys["a"])
    size = store.size_bytes()
    store.max_bytes = int(size * 2.5)  # room for two entries
    put(store, keys["b"])
    assert stored(store) == {keys["a"], keys["b"]}

    assert store.clip(keys["a"]) is not None  # a is used: b is now the least recent
    put(store, keys["c"])
    assert stored(store) == {keys["a"], keys["c"]}
    assert store.clip(keys["b"]) is None

    reopened = ClipStore(tmp_path, int(size * 2.5))  # use order survives on disk
    assert reopened.clip(keys["a"]) is not None
    put(reopened, keys["d"])
    assert stored(reopened) == {keys["a"], keys["d"]}

    clip_a = reopened.clip(keys["a"])
    assert clip_a is not None
    assert len(list(reopened.frames(clip_a))) == 4  # now also in memory
    reopened.max_bytes = size // 2  # smaller than one entry: the one just written stays
    put(reopened, keys["e"])
    assert stored(reopened) == {keys["e"]}
    assert reopened.clip(keys["a"]) is None
    with pytest.raises(StoreError, match="not in the store"):
        list(reopened.frames(clip_a))
    assert not (tmp_path / ".incoming").exists() or not any((tmp_path / ".incoming").iterdir())


def test_an_unfinished_writer_leaves_nothing(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    with pytest.raises(RuntimeError), store.writer("cd" * 32, 32, 24, Fraction(24)) as writer:
        writer.write(source_frame(32, 24, 1, 2, 0))
        raise RuntimeError("the render died")
    assert store.entries() == [] and not store.has("cd" * 32)
    assert list((tmp_path / ".incoming").iterdir()) == []


def test_a_damaged_entry_counts_as_missing_and_renders_again(studio: Studio) -> None:
    project = Project()
    source = add(project, studio.registry, SOURCE)
    cut(project, source)
    key = studio.render(project).result.outputs[source.id].key
    (studio.store.path_of(key) / SIDECAR).write_text("{not json", encoding="utf-8")
    fresh = Studio(studio.store.root)
    try:
        run = fresh.render(project)
        assert run.result.ok
        assert fresh.counter.runs == {source.id: 1}
        assert fresh.store.clip(key) is not None
    finally:
        fresh.close()
