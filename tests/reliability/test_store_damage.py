"""Damaged store entries (flipped bytes, truncated, missing, zero-byte, not video, no
sidecar, a sidecar lying about its frames) are never served: each renders again."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from engine_pack import SOURCE, Studio, add, cut, source_frame

from previz.core.project import Project
from previz.engine.sidecar import FRAMES, SIDECAR
from previz.engine.store import INCOMING, ClipStore


def flip_bytes(folder: Path) -> None:
    frames = folder / FRAMES
    data = bytearray(frames.read_bytes())
    middle = len(data) // 2
    for offset in range(64):
        data[middle + offset] ^= 0xFF
    frames.write_bytes(bytes(data))


def truncate(folder: Path) -> None:
    frames = folder / FRAMES
    frames.write_bytes(frames.read_bytes()[: frames.stat().st_size // 2])


def remove_frames(folder: Path) -> None:
    (folder / FRAMES).unlink()


def zero_bytes(folder: Path) -> None:
    (folder / FRAMES).write_bytes(b"")


def not_video(folder: Path) -> None:
    (folder / FRAMES).write_bytes(b"this is not a video at all\n" * 100)


def remove_sidecar(folder: Path) -> None:
    (folder / SIDECAR).unlink()


def sidecar_lies_about_count(folder: Path) -> None:
    sidecar = json.loads((folder / SIDECAR).read_text())
    sidecar["frame_count"] = 48
    (folder / SIDECAR).write_text(json.dumps(sidecar))


def sidecar_without_digest(folder: Path) -> None:
    sidecar = json.loads((folder / SIDECAR).read_text())
    del sidecar["frames_sha256"]
    (folder / SIDECAR).write_text(json.dumps(sidecar))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "flipped": flip_bytes, "truncated": truncate, "missing": remove_frames,
    "zero-byte": zero_bytes, "not-video": not_video, "no-sidecar": remove_sidecar,
    "lying-count": sidecar_lies_about_count, "no-digest": sidecar_without_digest,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_entry_renders_again_and_serves_true_frames(studio: Studio,
                                                                damage: str) -> None:
    project = Project()
    source = add(project, studio.registry, SOURCE, frames=8)
    cut(project, source)
    key = studio.render(project).result.outputs[source.id].key
    DAMAGE[damage](studio.store.path_of(key))

    fresh = Studio(studio.store.root)
    try:
        run = fresh.render(project)
        assert run.result.ok
        assert fresh.counter.runs == {source.id: 1}  # rendered again, not served
        clip = fresh.store.clip(key)
        assert clip is not None and clip.frame_count == 8
        frames = fresh.frames(clip)
        assert len(frames) == 8
        assert all(np.array_equal(frame, source_frame(32, 24, 100, 0, index))
                   for index, frame in enumerate(frames))
        again = Studio(studio.store.root)
        try:
            again.render(project)
            assert again.counter.runs == {}  # the re-render is trusted from now on
        finally:
            again.close()
    finally:
        fresh.close()


def test_damage_after_a_first_read_is_seen_by_the_next_process(studio: Studio) -> None:
    project = Project()
    source = add(project, studio.registry, SOURCE)
    cut(project, source)
    key = studio.render(project).result.outputs[source.id].key
    assert studio.store.has(key)
    flip_bytes(studio.store.path_of(key))
    assert not ClipStore(studio.store.root, 1 << 30).has(key)
    assert not studio.store.path_of(key).exists()


def test_leftovers_of_dead_processes_go_when_the_store_opens(tmp_path: Path) -> None:
    store = ClipStore(tmp_path, 1 << 30)
    dead = _dead_pid()
    leftovers = [tmp_path / INCOMING / f"{'ab' * 32}.{dead}.0a0b0c0d",
                 tmp_path / INCOMING / f"{'cd' * 32}.0a0b0c0d",  # an older name
                 tmp_path / "ef" / ("ef" * 32)]  # an entry folder without its sidecar
    live = tmp_path / INCOMING / f"{'12' * 32}.{os.getppid()}.0a0b0c0d"
    for folder in [*leftovers, live]:
        folder.mkdir(parents=True)
        (folder / FRAMES).write_bytes(b"half")
    with store.writer("34" * 32, 32, 24, 24) as writer:  # this process's own: kept
        writer.write(source_frame(32, 24, 1, 0, 0))
        ClipStore(tmp_path, 1 << 30)
        assert all(not folder.exists() for folder in leftovers)
        assert live.exists()
        writer.finish()
    assert ClipStore(tmp_path, 1 << 30).has("34" * 32)


def _dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid -= 1
