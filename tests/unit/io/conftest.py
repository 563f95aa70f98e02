"""Sample projects and archive writers for the project-file tests."""

from __future__ import annotations

import builtins
import os
import random
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from previz.core.project import Asset, Link, Node, PortRef, Project, Settings, TimelineEntry

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def build_project(asset_bytes: int = 64, label: str = "old", seed: int | None = None) -> Project:
    """A project with a known and an unknown node type and unknown fields at every level.

    Ids and asset bytes are random, or drawn from ``seed`` when one is given.
    """
    rng = random.Random(seed)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    project = Project(Settings(Fraction(24000, 1001), 1920, 1080, extra={"acme.grade": "rec709"}))
    prompt = Node(new_id(), "previz.prompt", {"text": f"a {label} lighthouse at dusk"},
                  (10.0, 20.5))
    depth = Node(new_id(), "acme.depth_from_image", {"strength": 0.5, "layers": [1, {"a": None}]},
                 (-3.25, 4.0), version=3, extra={"acme.cache": {"hint": [1, 2, 3]}})
    shot = Node(new_id(), "previz.shot", {"scene": "010", "shot": "0020", "lens": 50.0},
                (300.0, 0.0), circled_take=1, extra={"acme.color": "#ff0000"})
    for node in (prompt, depth, shot):
        project.add_node(node)
    project.add_link(Link(new_id(), PortRef(prompt.id, "prompt", {"acme.wire": "bezier"}),
                          PortRef(shot.id, "prompt", {"acme.slot": 2})))
    project.add_link(Link(new_id(), PortRef(depth.id, "depth"), PortRef(shot.id, "control"),
                          extra={"acme.note": "third-party port"}))
    project.insert_entry(0, TimelineEntry(new_id(), shot.id, 2, 50, extra={"acme.tag": [label]}))
    project.insert_entry(1, TimelineEntry(new_id(), shot.id))
    image = PNG_HEADER + rng.randbytes(asset_bytes)
    project.add_asset(Asset.from_bytes(image, "plate.png", "PNG"))
    project.add_asset(Asset.from_bytes(b"BM" + bytes(asset_bytes), "board.bmp", "bmp"))
    project.models["wan2.1-t2v-1.3b"] = "sha256:abc"
    project.extra["acme.studio"] = {"name": "Acme", "seats": 3}
    return project


def write_zip(path: Path, entries: Iterable[tuple[str, bytes]],
              method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip at ``path`` holding ``entries`` in order, names as given (however hostile)."""
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data,
                             compress_type=method)
    return path


def tree(folder: Path) -> set[str]:
    """Every path under ``folder``, relative to it."""
    return {str(item.relative_to(folder)) for item in folder.rglob("*")}


@pytest.fixture(scope="session")
def make_project() -> Callable[..., Project]:
    """``build_project``: a project with unknown node types and fields at every level."""
    return build_project


@pytest.fixture(scope="session")
def zip_writer() -> Callable[..., Path]:
    """``write_zip``: a zip with the given entries, names as given."""
    return write_zip


@pytest.fixture
def writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                   ) -> Callable[[], AbstractContextManager[None]]:
    """A context manager asserting that nothing is written inside it.

    Opening any file for writing fails the test; tmp_path must be unchanged, and so must a
    temp folder of this test's own (the shared one changes under other processes' feet).
    """
    temp_folder = tmp_path.parent / f"{tmp_path.name}-tempdir"
    temp_folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_folder))

    @contextmanager
    def check() -> Iterator[None]:
        before = tree(tmp_path)
        with pytest.MonkeyPatch.context() as guard:
            guard.setattr(os, "open", _read_only(os.open))
            guard.setattr(builtins, "open", _read_only_files(builtins.open))
            yield
        assert tree(tmp_path) == before
        assert tree(temp_folder) == set()

    return check


def _read_only(os_open: Callable[..., int]) -> Callable[..., int]:
    def guarded(path, flags, *args, **kwargs):
        assert not flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT), f"opened {path} to write"
        return os_open(path, flags, *args, **kwargs)

    return guarded


def _read_only_files(builtin_open: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(file, mode="r", *args, **kwargs):
        assert not set(mode) & set("wax+"), f"opened {file} to write"
        return builtin_open(file, mode, *args, **kwargs)

    return guarded
