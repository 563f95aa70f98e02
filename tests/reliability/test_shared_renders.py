"""Shared renders stay in their lane: overlapping archive entries are refused, renders whose
media disagree with their sidecar are refused, and ``previz validate`` writes nothing to the
store."""

from __future__ import annotations

import json
import struct
import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz import cli
from previz.core.project import Project
from previz.core.registry import default_registry
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession
from previz.engine.sidecar import SIDECAR
from previz.engine.store import ClipStore, lane_of
from previz.io import ProjectError, import_renders, load_project, save_project
from previz.settings import Settings

KEY = "c" * 64


def real_entry(store: ClipStore, key: str, frames: int = 3, value: int = 0) -> Path:
    with store.writer(key, 16, 16, Fraction(24)) as writer:
        for index in range(frames):
            writer.write(np.full((16, 16, 3), (value + index * 10) % 256, np.uint8))
        writer.finish()
    return store.path_of(key)


def overlapping_bundle(path: Path) -> Path:
    """Two render entries whose central records point at the same local bytes."""
    data = bytes(range(256)) * 4096
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("project.json", json.dumps({"schema": "Project.1"}))
        archive.writestr(f"renders/{'a' * 64}/frames.mkv", data)
        archive.writestr(f"renders/{'b' * 64}/frames.mkv", data)
    raw = bytearray(path.read_bytes())
    records = [at for at in range(len(raw)) if raw[at:at + 4] == b"PK\x01\x02"]
    first_offset = struct.unpack_from("<L", raw, records[1] + 42)[0]
    struct.pack_into("<L", raw, records[2] + 42, first_offset)
    path.write_bytes(bytes(raw))
    return path


def test_overlapping_entries_are_refused(tmp_path: Path) -> None:
    path = overlapping_bundle(tmp_path / "bomb.previz")
    with pytest.raises(ProjectError, match="overlap"):
        load_project(path)
    store = ClipStore(tmp_path / "store", 1 << 30)
    with pytest.raises(ProjectError, match="overlap"):
        import_renders(path, store)
    assert store.entries() == []


@pytest.mark.parametrize(("field", "lie"), [
    ("frame_count", 48), ("width", 8192), ("height", 8192), ("fps", "25"),
])
def test_a_sidecar_that_lies_about_its_media_is_refused(tmp_path: Path, field: str,
                                                        lie: object) -> None:
    entry = real_entry(ClipStore(tmp_path / "sender", 1 << 30), KEY)
    sidecar = json.loads((entry / SIDECAR).read_text())
    sidecar[field] = lie
    for name in ("frames_sha256", "frames_bytes", "check"):
        sidecar.pop(name)  # as an older or hand-made bundle would carry it
    (entry / SIDECAR).write_text(json.dumps(sidecar))
    path = tmp_path / "liar.previz"
    save_project(Project(), path, renders={KEY: entry})
    store = ClipStore(tmp_path / "store", 1 << 30)
    with pytest.raises(ProjectError, match="its sidecar says"):
        import_renders(path, store)
    assert not store.has(KEY) and store.entries() == []


def test_an_honest_render_without_a_seal_is_sealed_on_import(tmp_path: Path) -> None:
    entry = real_entry(ClipStore(tmp_path / "sender", 1 << 30), KEY)
    sidecar = json.loads((entry / SIDECAR).read_text())
    for name in ("frames_sha256", "frames_bytes", "check"):
        sidecar.pop(name)
    (entry / SIDECAR).write_text(json.dumps(sidecar))
    path = tmp_path / "old.previz"
    save_project(Project(), path, renders={KEY: entry})
    store = ClipStore(tmp_path / "store", 1 << 30)
    assert import_renders(path, store) == [KEY]
    assert ClipStore(tmp_path / "store", 1 << 30, lane=lane_of(path)).has(KEY)


def test_validate_of_a_bundle_leaves_the_store_untouched(tmp_path: Path) -> None:
    entry = real_entry(ClipStore(tmp_path / "sender", 1 << 30), KEY)
    path = tmp_path / "shared.previz"
    save_project(Project(), path, renders={KEY: entry})
    services = EngineSession(default_registry(), BackendSet(),
                            Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["validate", str(path)], services) == 0
    cache = tmp_path / "cache"
    assert not cache.exists() or [p for p in cache.rglob("*") if p.is_file()] == []


def test_a_planted_render_is_served_only_to_the_project_it_came_with(tmp_path: Path) -> None:
    planted = real_entry(ClipStore(tmp_path / "attacker", 1 << 30), KEY, value=200)
    bundle = tmp_path / "untrusted.previz"
    save_project(Project(), bundle, renders={KEY: planted})
    root = tmp_path / "store"
    assert import_renders(bundle, ClipStore(root, 1 << 30)) == [KEY]

    victim = ClipStore(root, 1 << 30, lane=lane_of(tmp_path / "lighthouse.previz"))
    assert victim.clip(KEY) is None and not ClipStore(root, 1 << 30).has(KEY)
    own = ClipStore(root, 1 << 30, lane=lane_of(bundle))
    clip = own.clip(KEY)
    assert clip is not None and clip.provenance["shared"] is True

    real_entry(victim, KEY, value=7)  # rendered here: comes before the shared one
    local = ClipStore(root, 1 << 30, lane=lane_of(bundle)).clip(KEY)
    assert local is not None and "shared" not in local.provenance
    first = next(iter(ClipStore(root, 1 << 30).frames(local)))
    assert int(first[0, 0, 0]) == 7


def test_shared_renders_count_against_the_bound_and_are_evicted(tmp_path: Path) -> None:
    sender = ClipStore(tmp_path / "sender", 1 << 30)
    keys = ["d" * 64, "e" * 64]
    renders = {key: real_entry(sender, key, frames=6, value=index * 50)
               for index, key in enumerate(keys)}
    bundle = tmp_path / "shared.previz"
    save_project(Project(), bundle, renders=renders)
    one = sender.entries()[0].size
    store = ClipStore(tmp_path / "store", int(one * 1.5))
    import_renders(bundle, store)
    assert len(store.entries()) == 1  # the bound holds shared renders too
