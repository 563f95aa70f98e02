"""Hostile and damaged archives: each refused with a ProjectError, quickly, writing nothing."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import struct
import time
import tracemalloc
import zipfile
from collections import namedtuple
from pathlib import Path

import pytest

from previz.io import LoadLimits, ProjectError, list_renders, load_project, save_project
from previz.io.archive import check_sizes, read_limited

GiB = 1 << 30
HANG_GUARD_S = 10.0


def refused(path: Path, match: str, **kwargs) -> ProjectError:
    start = time.perf_counter()
    with pytest.raises(ProjectError, match=match) as caught:
        load_project(path, **kwargs)
    assert time.perf_counter() - start < HANG_GUARD_S
    assert str(path) in str(caught.value)
    return caught.value


def patch_bytes(path: Path, old: bytes, new: bytes, count: int = -1) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, count))


@pytest.mark.parametrize(("name", "match"), [
    ("../evil.txt", r"'\.\.'"),
    ("assets/../../evil.txt", r"'\.\.'"),
    ("/etc/cron.d/evil", "absolute"),
    ("..\\evil.txt", "backslash"),
    ("C:/Windows/evil.dll", "colon"),
    ("C:evil.dll", "colon"),
    ("renders/k/clip.mkv:stream", "colon"),
    ("renders/./k/clip.mkv", r"'\.'"),
    ("renders//clip.mkv", "empty step"),
    ("assets/\x1b[31mred.png", "control character"),
])
def test_unsafe_entry_names_refuse_the_whole_file(tmp_path, zip_writer, writes_nothing, name,
                                                  match):
    path = zip_writer(tmp_path / "p.previz", [("project.json", b"{}"), (name, b"x")])
    with writes_nothing():
        error = refused(path, match)
    assert "the whole file is refused" in str(error)


def test_a_nul_in_an_entry_name_is_refused(tmp_path, zip_writer, writes_nothing):
    path = zip_writer(tmp_path / "p.previz", [("project.json", b"{}"), ("assets/aQb.png", b"x")])
    patch_bytes(path, b"aQb", b"a\0b")
    with writes_nothing():
        refused(path, "control character")


@pytest.mark.parametrize("second", ["project.json", "PROJECT.json"])
def test_duplicate_entry_names_are_refused(tmp_path, zip_writer, writes_nothing, second):
    with pytest.warns(UserWarning) if second == "project.json" else contextlib.nullcontext():
        path = zip_writer(tmp_path / "p.previz", [("project.json", b"{}"), (second, b"[]")])
    with writes_nothing():
        error = refused(path, "a second entry named 'project.json'")
    assert second in str(error)


def test_a_100000_entry_zip_is_refused_before_parsing(tmp_path, writes_nothing, monkeypatch):
    path = tmp_path / "many.previz"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(100_000):
            archive.writestr(f"e{index}", b"")
    monkeypatch.setattr(zipfile, "ZipFile", None)
    with writes_nothing():
        refused(path, "100000 entries, over the limit of 20000")


def test_an_entry_count_that_lies_is_caught_after_parsing(tmp_path, zip_writer):
    path = zip_writer(tmp_path / "p.previz", [(f"e{index}", b"") for index in range(30)])
    patch_bytes(path, struct.pack("<HH", 30, 30), struct.pack("<HH", 1, 1))
    refused(path, "30 entries, over the limit of 20", limits=LoadLimits(max_entries=20))


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.previz"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("project.json", b"{}")
        with archive.open("renders/k/frames.mkv", "w", force_zip64=True) as entry:
            for _ in range(1024):
                entry.write(zeros)
    return path


def test_a_gigabyte_of_zeros_is_a_zip_bomb(gigabyte_bomb, writes_nothing):
    assert gigabyte_bomb.stat().st_size < 5 << 20
    with writes_nothing():
        refused(gigabyte_bomb, "zip bomb")
    with pytest.raises(ProjectError, match="zip bomb"):
        list_renders(gigabyte_bomb)


def test_an_entry_unpacking_beyond_its_declared_size_is_stopped(tmp_path, make_project,
                                                                writes_nothing):
    project = make_project(asset_bytes=3 << 20)
    path = tmp_path / "p.previz"
    save_project(project, path)
    bmp = next(asset for asset in project.assets.values() if asset.ext == "bmp")
    info = zipfile.ZipFile(path).getinfo(f"assets/{bmp.sha256}.bmp")
    declared = struct.pack("<L", info.file_size)
    patch_bytes(path, declared, struct.pack("<L", 100_000))
    with writes_nothing():
        refused(path, "damaged entry")


def test_read_limited_stops_at_the_declared_size():
    stream = io.BytesIO(bytes(5 << 20))
    with pytest.raises(ProjectError, match="more than the 1000 bytes it declares"):
        read_limited(stream, 1000, "p.previz: e")
    assert stream.tell() <= 2 << 20
    with pytest.raises(ProjectError, match="unpacks to 10 bytes, not the 11"):
        read_limited(io.BytesIO(bytes(10)), 11, "p.previz: e")


Info = namedtuple("Info", "filename file_size compress_size compress_type")


def render(size: int, compressed: int) -> Info:
    return Info("renders/k/frames.mkv", size, compressed, zipfile.ZIP_DEFLATED)


def test_a_real_multi_gigabyte_render_passes_the_size_checks():
    limits = LoadLimits()
    five_gb = render(5 * GiB, 5 * GiB - 12345)
    check_sizes([five_gb, render(3 * GiB, 3 * GiB)], limits, 10 * GiB, "p.previz")
    check_sizes([five_gb], limits, None, "p.previz")
    with pytest.raises(ProjectError, match="the disk has"):
        check_sizes([five_gb], limits, 4 * GiB, "p.previz")
    with pytest.raises(ProjectError, match="zip bomb"):
        check_sizes([render(5 * GiB, 1 << 20)], limits, 100 * GiB, "p.previz")


def test_size_caps_per_kind_of_entry():
    limits = LoadLimits()
    small_ratio_ok = Info("assets/x.png", 300 << 20, 300 << 20, zipfile.ZIP_STORED)
    with pytest.raises(ProjectError, match="over the limit of 209715200"):
        check_sizes([small_ratio_ok], limits, None, "p.previz")
    json_info = Info("project.json", 65 << 20, 1 << 20, zipfile.ZIP_DEFLATED)
    with pytest.raises(ProjectError, match="over the limit of 67108864"):
        check_sizes([json_info], limits, None, "p.previz")
    flat_white_bmp = Info("assets/x.bmp", 24 << 20, 24 << 10, zipfile.ZIP_DEFLATED)
    check_sizes([flat_white_bmp], limits, None, "p.previz")
    unknown = Info("thumbnails/x.bmp", 24 << 20, 24 << 10, zipfile.ZIP_DEFLATED)
    with pytest.raises(ProjectError, match="zip bomb"):
        check_sizes([unknown], limits, None, "p.previz")
    liar = Info("renders/k/a", 10, 5, zipfile.ZIP_STORED)
    with pytest.raises(ProjectError, match="stored entry whose sizes disagree"):
        check_sizes([liar], limits, None, "p.previz")


def test_an_archive_that_would_not_fit_on_the_disk_is_refused(tmp_path, make_project,
                                                              monkeypatch):
    path = tmp_path / "p.previz"
    save_project(make_project(), path)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: usage(100, 90, 10))
    refused(path, "the disk has 10 free")


def test_renders_are_not_read_into_memory(tmp_path, make_project):
    path = tmp_path / "p.previz"
    original = make_project()
    save_project(original, path)
    render_bytes = 50 << 20
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("renders/k/frames.mkv", os.urandom(render_bytes))
    tracemalloc.start()
    try:
        loaded = load_project(path)
        renders = list_renders(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < render_bytes // 10
    assert loaded.assets.keys() == original.assets.keys()
    assert [entry.size for entry in renders] == [render_bytes]


def test_encrypted_and_unusual_compression_are_refused(tmp_path, zip_writer):
    path = zip_writer(tmp_path / "p.previz", [("project.json", b"{}")], zipfile.ZIP_BZIP2)
    refused(path, "compression method 12")
    path = zip_writer(tmp_path / "q.previz", [("project.json", b"{}")], zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    refused(path, "encrypted")


@pytest.mark.parametrize(("content", "match"), [
    (b"", "not a zip archive"),
    (b"hello, this is text", "not a zip archive"),
    (b"PK\x05\x06" + bytes(18), "no project.json"),
    (b"PK\x03\x04" + os.urandom(300), "not a zip archive"),
])
def test_files_that_are_not_projects(tmp_path, writes_nothing, content, match):
    path = tmp_path / "p.previz"
    path.write_bytes(content)
    with writes_nothing():
        refused(path, match)


def test_paths_that_are_not_readable_files(tmp_path, writes_nothing):
    with writes_nothing():
        refused(tmp_path / "absent.previz", "cannot open the file")
        refused(tmp_path, "not a file|cannot open")
    with pytest.raises(ProjectError, match="cannot open"):
        load_project("bad\0name.previz")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.previz"
    os.mkfifo(fifo)
    refused(fifo, "not a file")


def test_a_missing_project_json_is_refused(tmp_path, zip_writer, writes_nothing):
    path = zip_writer(tmp_path / "p.previz", [("assets/readme.txt", b"hello")])
    with writes_nothing():
        refused(path, "no project.json in the archive")


def _rezip(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)
    return target


def test_asset_entries_are_checked(tmp_path, make_project):
    project = make_project(asset_bytes=2000)
    path = tmp_path / "p.previz"
    save_project(project, path)
    png = next(asset for asset in project.assets.values() if asset.ext == "png")
    name = f"assets/{png.sha256}.png"
    missing = _rezip(path, tmp_path / "m.previz", lambda n, d: None if n == name else d)
    error = refused(missing, "'plate.png' is missing from the file")
    assert name in str(error)
    damaged = _rezip(path, tmp_path / "d.previz",
                     lambda n, d: d[:-1] + b"!" if n == name else d)
    refused(damaged, "'plate.png' does not match its SHA-256")
    refused(path, "over the limit of 1000", limits=LoadLimits(max_asset_bytes=1000))
    refused(path, "assets over the limit of 3000 bytes in all",
            limits=LoadLimits(max_total_asset_bytes=3000))


def test_unknown_entries_are_ignored(tmp_path, make_project):
    path = tmp_path / "p.previz"
    project = make_project()
    save_project(project, path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("assets/", b"")
        archive.writestr("assets/unused.png", b"not referenced")
        archive.writestr("notes/readme.txt", b"from a newer Previz")
    assert load_project(path).assets.keys() == project.assets.keys()
