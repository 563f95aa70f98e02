"""An Extend's store entry holds only the frames it added and reads its first frames from its
source's entry: seamless to every reader, sealed like any entry, and absent (never short) once
its source is damaged or gone."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from engine_pack import source_frame

from previz.app.frame_feed import FrameFeed
from previz.core.project import Project
from previz.core.values import Clip
from previz.engine.context import MediaServices
from previz.engine.segments import SegmentReader
from previz.engine.sidecar import FRAMES, SIDECAR
from previz.engine.store import ClipStore, StoreError
from previz.io import import_renders, save_project
from previz.media import open_reader
from previz_nodes.rendering import ClipTail

W, H, RATE = 32, 24, Fraction(24)
A, B, C = "a" * 64, "b" * 64, "c" * 64


def picture(index: int) -> np.ndarray:
    """Frame ``index`` of the whole chain: every index a different picture."""
    return source_frame(W, H, 7, 3, index)


def put(store: ClipStore, key: str, first: int, count: int, head: Clip | None = None) -> Clip:
    """An entry whose own frames are pictures ``first`` .. ``first + count - 1``."""
    with store.writer(key, W, H, RATE, head=head) as writer:
        for index in range(first, first + count):
            writer.write(picture(index))
        return writer.finish(prompt="pier")


def chain(store: ClipStore) -> list[Clip]:
    """A: 5 frames; B: A, then 4; C: B, then 3 (C plays pictures 0..11)."""
    a = put(store, A, 0, 5)
    b = put(store, B, 5, 4, head=a)
    return [a, b, put(store, C, 9, 3, head=b)]


def own_frames(store: ClipStore, key: str) -> int:
    with open_reader(store.path_of(key) / FRAMES) as reader:
        return reader.info.frame_count


def same(frames: list[np.ndarray], first: int = 0) -> bool:
    return all(np.array_equal(frame, picture(first + index)) for index, frame in
               enumerate(frames))


def test_an_extend_writes_only_its_new_frames_and_reads_whole(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    _, b, c = chain(store)
    assert (b.frame_count, c.frame_count) == (9, 12)
    assert [own_frames(store, key) for key in (A, B, C)] == [5, 4, 3]
    sidecar = json.loads((store.path_of(C) / SIDECAR).read_text())
    assert sidecar["head"] == {"key": B, "frames": 9} and sidecar["frame_count"] == 12
    assert sidecar["schema"] == "Clip.2"

    fresh = ClipStore(tmp_path, 1 << 30, memory_bytes=0)  # from disk, nothing in memory
    clip = fresh.clip(C)
    assert clip is not None and clip.head is not None and clip.head.key == B
    frames = list(fresh.frames(clip))
    assert len(frames) == 12 and same(frames)
    for index in (0, 4, 5, 8, 9, 11):  # either side of each seam
        assert np.array_equal(fresh.frame(clip, index), picture(index))
    assert [segment.count for segment in fresh.segments(clip)] == [5, 4, 3]
    with SegmentReader(fresh.segments(clip), start=4) as reader:
        assert same(list(reader), first=4)
    for start in (3, 7, 11):  # a tail from each piece
        assert same(list(fresh.frames(clip, start)), first=start)
    tail = ClipTail(MediaServices(fresh, {}), clip, 4)  # what an Extend shows a model
    assert len(tail) == 4 and same(list(tail), first=8)
    remembering = ClipStore(tmp_path, 1 << 30)
    assert len(list(remembering.frames(clip))) == 12  # now in memory
    assert same(list(remembering.frames(clip, 10)), first=10)


def test_the_viewer_feed_plays_across_the_seams(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30, memory_bytes=0)
    *_, c = chain(store)
    feed = FrameFeed(store, c, ahead=3, keep=6)
    try:
        for index in (0, 1, 2, 3, 4, 5, 6, 10, 11, 7):  # plays on, then a jump back
            frame = feed.wait(index)
            assert frame is not None and np.array_equal(frame, picture(index)), index
    finally:
        feed.close(wait=2.0)


def flip_bytes(folder: Path) -> None:
    frames = folder / FRAMES
    data = bytearray(frames.read_bytes())
    for offset in range(64):
        data[len(data) // 2 + offset] ^= 0xFF
    frames.write_bytes(bytes(data))


def say_longer_head(folder: Path) -> None:
    sidecar = json.loads((folder / SIDECAR).read_text())
    sidecar["head"]["frames"] += 1
    sidecar["frame_count"] += 1
    (folder / SIDECAR).write_text(json.dumps(sidecar))


@pytest.mark.parametrize("harm", [flip_bytes, shutil.rmtree])
def test_a_damaged_or_missing_source_makes_its_extends_absent(tmp_path: Path, harm) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    *_, c = chain(store)
    harm(store.path_of(A))
    fresh = ClipStore(tmp_path, 1 << 30)
    assert fresh.clip(C) is None and fresh.clip(B) is None and not fresh.has(A)
    assert fresh.entries() == []  # taken out: they render again
    with pytest.raises(StoreError, match="not in the store"):
        list(fresh.frames(c))


def test_a_sidecar_that_lies_about_its_head_is_not_served(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    chain(store)
    say_longer_head(store.path_of(B))
    fresh = ClipStore(tmp_path, 1 << 30)
    assert fresh.clip(B) is None and fresh.clip(C) is None
    assert fresh.clip(A) is not None


def test_a_head_of_another_size_or_not_in_the_store_is_refused(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    a = put(store, A, 0, 5)
    with pytest.raises(StoreError, match="cannot begin with"):
        store.writer(B, W * 2, H, RATE, head=a)
    elsewhere = ClipStore(tmp_path / "elsewhere", 1 << 30)
    with pytest.raises(StoreError, match="not in the store"):
        elsewhere.writer(B, W, H, RATE, head=a)
    writer = store.writer(B, W, H, RATE, head=a)
    writer.write(picture(5))
    shutil.rmtree(store.path_of(A))  # the source goes while B renders
    with pytest.raises(StoreError, match="left the store while it was written"):
        writer.finish()
    assert store.entries() == [] and not list((tmp_path / ".incoming").iterdir())


def test_eviction_keeps_a_source_while_its_extend_is_kept(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    a = put(store, A, 0, 5)
    store.max_bytes = int(store.size_bytes() * 1.5)  # room for one entry and a half
    put(store, B, 5, 5, head=a)  # A is older, but B is nothing without it: both stay
    assert {entry.key for entry in store.entries()} == {A, B}
    assert store.clip(B) is not None


def test_an_evicted_source_takes_its_extends_with_it(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    a = put(store, A, 0, 5)
    store.max_bytes = int(store.size_bytes() * 2.5)  # room for two entries
    put(store, B, 5, 5, head=a)
    put(store, C, 0, 5)  # A is the least recently used: it goes, and B, which needs it
    assert {entry.key for entry in store.entries()} == {C}
    assert store.clip(B) is None


def test_a_shared_project_carries_an_extend_and_its_source(tmp_path: Path) -> None:
    store = ClipStore(tmp_path / "sender", 1 << 30)
    chain(store)
    path = tmp_path / "pier.previz"
    save_project(Project(), path, renders={key: store.path_of(key) for key in (A, B, C)})
    here = ClipStore(tmp_path / "here", 1 << 30, memory_bytes=0)
    assert import_renders(path, here) == [A, B, C]
    clip = here.clip(C)
    assert clip is not None and clip.provenance.get("shared") is True
    assert same(list(here.frames(clip))) and len(list(here.frames(clip))) == 12
