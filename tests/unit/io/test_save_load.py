"""Saving and loading .previz files: byte-identical round trips, unknown data kept, atomic saves."""

from __future__ import annotations

import json
import os
import time
import zipfile

import pytest

from previz.core.project import Asset
from previz.core.project_json import project_to_dict
from previz.io import (
    STALE_TEMP_SECONDS,
    ProjectError,
    leftover_temp_files,
    list_renders,
    load_project,
    save_project,
)


def assert_same(loaded, original) -> None:
    assert project_to_dict(loaded) == project_to_dict(original)
    assert {sha: asset.data for sha, asset in loaded.assets.items()} == {
        sha: asset.data for sha, asset in original.assets.items()}


def test_save_load_save_is_byte_identical(tmp_path, make_project):
    original = make_project()
    first, second = tmp_path / "a.previz", tmp_path / "b.previz"
    save_project(original, first)
    loaded = load_project(first)
    save_project(loaded, second)
    assert first.read_bytes() == second.read_bytes()
    assert_same(loaded, original)
    assert_same(load_project(second), original)


def test_unknown_node_types_and_fields_survive(tmp_path, make_project):
    path = tmp_path / "p.previz"
    save_project(make_project(), path)
    data = load_project(path)
    saved = json.loads(zipfile.ZipFile(path).read("project.json"))
    depth = next(node for node in saved["nodes"].values()
                 if node["type"] == "acme.depth_from_image")
    assert depth["acme.cache"] == {"hint": [1, 2, 3]}
    assert depth["version"] == 3
    assert depth["params"] == {"strength": 0.5, "layers": [1, {"a": None}]}
    refs = [link["source"].get("acme.wire") for link in saved["links"].values()]
    assert "bezier" in refs
    assert any(link["target"].get("acme.slot") == 2 for link in saved["links"].values())
    assert saved["timeline"][0]["acme.tag"] == ["old"]
    assert saved["settings"]["acme.grade"] == "rec709"
    assert saved["acme.studio"] == {"name": "Acme", "seats": 3}
    assert data.extra == {"acme.studio": {"name": "Acme", "seats": 3}}


def test_file_layout_is_fixed(tmp_path, make_project):
    project = make_project()
    path = tmp_path / "p.previz"
    save_project(project, path)
    infos = zipfile.ZipFile(path).infolist()
    names = [info.filename for info in infos]
    assets = sorted(f"assets/{a.sha256}.{a.ext}" for a in project.assets.values())
    assert names == ["project.json", *assets]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    methods = {info.filename.rsplit(".", 1)[1]: info.compress_type for info in infos}
    assert methods == {"json": zipfile.ZIP_DEFLATED, "png": zipfile.ZIP_STORED,
                       "bmp": zipfile.ZIP_DEFLATED}
    text = zipfile.ZipFile(path).read("project.json").decode("utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_non_ascii_text_is_written_as_utf8(tmp_path, make_project):
    project = make_project()
    node = next(iter(project.nodes.values()))
    node.params["text"] = "café, 東京, 🎬"
    path = tmp_path / "p.previz"
    save_project(project, path)
    assert "東京".encode() in zipfile.ZipFile(path).read("project.json")
    assert load_project(path).nodes[node.id].params["text"] == "café, 東京, 🎬"


def test_asset_without_bytes_is_refused_before_writing(tmp_path, make_project):
    project = make_project()
    project.add_asset(Asset("ab" * 32, "missing.jpg", "jpg"))
    path = tmp_path / "p.previz"
    with pytest.raises(ProjectError, match=r"missing\.jpg.*no bytes") as caught:
        save_project(project, path)
    assert str(path) in str(caught.value)
    assert f"assets.{'ab' * 32}" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_value_json_cannot_hold_is_refused(tmp_path, make_project):
    project = make_project()
    next(iter(project.nodes.values())).params["lens"] = float("nan")
    with pytest.raises(ProjectError, match="cannot be written as JSON"):
        save_project(project, tmp_path / "p.previz")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path, make_project, monkeypatch):
    path = tmp_path / "p.previz"
    save_project(make_project(label="old"), path)
    before = path.read_bytes()

    def broken_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        save_project(make_project(label="new"), path)
    assert path.read_bytes() == before
    assert [item.name for item in tmp_path.iterdir()] == ["p.previz"]


def test_interrupted_write_removes_the_temp(tmp_path, make_project, monkeypatch):
    path = tmp_path / "p.previz"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_project(make_project(), path)
    assert list(tmp_path.iterdir()) == []


def test_save_keeps_the_mode_of_the_file_it_replaces(tmp_path, make_project):
    path = tmp_path / "p.previz"
    save_project(make_project(), path)
    path.chmod(0o640)
    save_project(make_project(), path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_stale_temp_files_are_removed_and_fresh_ones_kept(tmp_path, make_project):
    path = tmp_path / "p.previz"
    stale, fresh = tmp_path / ".p.previz.tmp-0badf00d", tmp_path / ".p.previz.tmp-1234abcd"
    unrelated = tmp_path / ".other.previz.tmp-0badf00d"
    for item in (stale, fresh, unrelated):
        item.write_bytes(b"half a zip")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(unrelated, (old, old))
    assert leftover_temp_files(path) == [stale, fresh]
    save_project(make_project(), path)
    assert leftover_temp_files(path) == [fresh]
    assert unrelated.exists()


def test_renders_are_listed_and_not_loaded(tmp_path, make_project):
    path = tmp_path / "p.previz"
    original = make_project()
    save_project(original, path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("renders/k1/clip.mkv", b"\x1a\x45\xdf\xa3" * 100)
        archive.writestr("renders/k1/Clip.1.json", b"{}")
        archive.writestr("renders/loose.bin", b"not in a key folder")
        archive.writestr("thumbnails/ignored.png", b"unknown entries are ignored")
    renders = list_renders(path)
    assert [(r.key, r.file, r.size) for r in renders] == [
        ("k1", "clip.mkv", 400), ("k1", "Clip.1.json", 2)]
    assert renders[0].name == "renders/k1/clip.mkv"
    assert_same(load_project(path), original)


def test_list_renders_checks_the_archive(tmp_path, zip_writer):
    path = zip_writer(tmp_path / "p.previz", [("renders/../../etc/passwd", b"x")])
    with pytest.raises(ProjectError, match=r"'\.\.'"):
        list_renders(path)


def test_saving_into_a_missing_folder_is_an_os_error(tmp_path, make_project):
    with pytest.raises(FileNotFoundError):
        save_project(make_project(), tmp_path / "nowhere" / "p.previz")


def test_load_accepts_str_paths(tmp_path, make_project):
    path = tmp_path / "p.previz"
    save_project(make_project(), str(path))
    assert load_project(str(path)).settings.width == 1920
