"""Extend, Interpolate and Retime through the real nodes, executor, clip store and CLI, judged
on the frames they leave: what comes first, how the camera carries on, how many frames at
which rate."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import PIL.Image
import pytest
from project_builders import entry, link, make_node

from previz import cli
from previz.backends.draft.backend import DraftBackend
from previz.backends.draft.figures import SKIN
from previz.core.project import Asset, Node, Project, Settings
from previz.core.registry import default_registry
from previz.core.values import Clip
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor
from previz.engine.plan import compile_plan
from previz.engine.session import EngineSession
from previz.engine.store import ClipStore
from previz.io import save_project
from previz.media import probe
from previz.settings import Settings as UserSettings

KEEPER = {"name": "Keeper", "kind": "person", "height": 1.75, "x": 0.0, "z": 0.0,
          "facing": 0.0, "main": True}
CRATE = {"name": "Crate", "kind": "prop", "height": 1.0, "x": 1.5, "z": 4.0, "facing": 0.0,
         "main": False}
SHOT_SECONDS, ADDED_SECONDS, BRIDGE_SECONDS, SLOW_SECONDS = 1.0, 0.5, 0.5, 1.5
NTSC = Fraction(24000, 1001)
MAGENTA = (255, 0, 255)
DOT = (70.0, 45.0)
CUT = ("shot", "extend", "bridge", "retime", "postcard_on")  # the timeline, in order


@dataclass
class Scene:
    """The test project, its nodes by role, and the clips they rendered."""

    project: Project
    nodes: dict[str, Node]
    clips: dict[str, Clip]
    frames: dict[str, list[np.ndarray]]


def _painting() -> bytes:
    """A grey plate with a magenta dot in its upper left (centred on DOT)."""
    image = np.full((180, 320, 3), 128, np.uint8)
    rows, columns = np.mgrid[0:180, 0:320] + 0.5
    image[(columns - DOT[0]) ** 2 + (rows - DOT[1]) ** 2 <= 25] = MAGENTA
    buffer = io.BytesIO()
    PIL.Image.fromarray(image).save(buffer, "PNG")
    return buffer.getvalue()


def _project() -> tuple[Project, dict[str, Node]]:
    """A pan, extended by a further pan; a loop bridge on the shot; a 16 fps shot retimed; a
    shot on a painted plate, trucking, extended by more of the same truck."""
    registry = default_registry()
    project = Project(Settings(rate=Fraction(24), width=320, height=180))
    painting = Asset.from_bytes(_painting(), "dot.png", "png")
    project.add_asset(painting)
    nodes = {
        "prompt": make_node(registry, "previz.prompt", text="Dusk on the pier."),
        "pan": make_node(registry, "previz.camera_move", move="pan", amount=6.0, unit="deg",
                         easing="linear"),
        "shot": make_node(registry, "previz.shot", name="Pier", duration=SHOT_SECONDS,
                          shot_size="medium_wide", subjects=[KEEPER, CRATE]),
        "more": make_node(registry, "previz.camera_move", move="pan", amount=3.0, unit="deg",
                          easing="linear"),
        "extend": make_node(registry, "previz.extend", added_duration=ADDED_SECONDS),
        "bridge": make_node(registry, "previz.interpolate", bridge_duration=BRIDGE_SECONDS),
        "drift": make_node(registry, "previz.camera_move", move="truck", amount=1.0, unit="m",
                           easing="linear"),
        "slow": make_node(registry, "previz.shot", name="Gulls", shot="0020", fps="16",
                          duration=SLOW_SECONDS, shot_size="wide", subjects=[KEEPER, CRATE]),
        "retime": make_node(registry, "previz.retime", target_fps="24000/1001",
                            method="nearest"),
        "painting": make_node(registry, "previz.image", image=painting.sha256,
                              role="first_frame"),
        "truck": make_node(registry, "previz.camera_move", move="truck", amount=0.4,
                           unit="m", easing="linear"),
        "postcard": make_node(registry, "previz.shot", name="Postcard", shot="0030",
                              duration=SHOT_SECONDS, shot_size="full", subjects=[KEEPER]),
        "more_truck": make_node(registry, "previz.camera_move", move="truck", amount=0.2,
                                unit="m", easing="linear"),
        "postcard_on": make_node(registry, "previz.extend", added_duration=ADDED_SECONDS),
    }
    for node in nodes.values():
        project.add_node(node)
    for source, port, target, target_port in (
        ("prompt", "prompt", "shot", "prompt"), ("pan", "moves", "shot", "camera"),
        ("shot", "clip", "extend", "clip"), ("more", "moves", "extend", "camera"),
        ("shot", "clip", "bridge", "clip_a"), ("shot", "clip", "bridge", "clip_b"),
        ("prompt", "prompt", "slow", "prompt"), ("drift", "moves", "slow", "camera"),
        ("slow", "clip", "retime", "clip"), ("prompt", "prompt", "postcard", "prompt"),
        ("painting", "conditioning", "postcard", "conditioning"),
        ("truck", "moves", "postcard", "camera"), ("postcard", "clip", "postcard_on", "clip"),
        ("more_truck", "moves", "postcard_on", "camera"),
    ):
        project.add_link(link(nodes[source], port, nodes[target], target_port))
    for index, role in enumerate(CUT):
        project.insert_entry(index, entry(nodes[role]))
    return project, nodes


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    project, nodes = _project()
    store = ClipStore(tmp_path_factory.mktemp("store"), 1 << 30)
    backends = BackendSet([DraftBackend()])
    plan = compile_plan(project, None, registry=default_registry(),
                        catalog=backends.catalog(), is_cached=store.has)
    assert plan.ok, [str(problem) for problem in plan.problems]
    executor = Executor(store, backends)
    try:
        result = asyncio.run(executor.run(plan, project, []))
    finally:
        executor.close()
    assert result.ok, result.failed
    clips = {role: result.outputs[node.id] for role, node in nodes.items()
             if isinstance(result.outputs.get(node.id), Clip)}
    yield Scene(project, nodes, clips, {role: list(store.frames(clip))
                                        for role, clip in clips.items()})


def _head(frame: np.ndarray) -> float:
    """Where the keeper's head (a ball of flat skin) is across the frame."""
    columns = np.flatnonzero((np.abs(frame.astype(int) - SKIN).max(axis=2) <= 3).any(axis=0))
    assert len(columns) > 5
    return (columns[0] + columns[-1] + 1) / 2


def test_extend_is_the_clip_then_its_continuation(scene: Scene) -> None:
    shot, extended = scene.frames["shot"], scene.frames["extend"]
    count = len(shot)
    assert count == round(SHOT_SECONDS * 24)
    assert len(extended) == count + round(ADDED_SECONDS * 24)
    assert all(np.array_equal(a, b) for a, b in zip(shot, extended[:count], strict=False))
    # The camera carries on from the last pose: the first new frame is one step further on,
    # a step like those either side of the join, not a jump back to the base framing.
    heads = np.array([_head(frame) for frame in extended])
    steps = np.diff(heads)
    join = steps[count - 1]
    assert not np.array_equal(extended[count], extended[count - 1])
    assert join < -1.0  # still panning right: the keeper slides left
    for neighbour in (steps[count - 2], steps[count]):
        assert abs(join - neighbour) < 0.35 * abs(neighbour), steps[count - 3: count + 2]
    # And it keeps going: the added pan takes the keeper on to the left.
    assert heads[-1] < heads[count - 1] - 10


def test_an_extended_plate_carries_on_without_a_held_frame(scene: Scene) -> None:
    # The continuation's plate is the clip's last frame, seen from the clip's last camera: the
    # first new frame is already one step on, as the truck goes on at the same speed.
    count = len(scene.frames["postcard"])
    dots = np.array([_dot(frame)[0] for frame in scene.frames["postcard_on"]])
    steps = np.diff(dots)
    assert np.all(steps < -0.5), steps.round(2)  # trucking right: the plate slides left
    join, before, after = steps[count - 1], steps[count - 2], steps[count]
    assert abs(join - before) < 0.25 * abs(before), steps.round(2)
    assert abs(join - after) < 0.25 * abs(after), steps.round(2)


def _dot(frame: np.ndarray) -> np.ndarray:
    """The centroid of the painting's magenta dot."""
    pixels = frame.astype(float)
    chroma = pixels - pixels.mean(axis=2, keepdims=True)
    target = np.array(MAGENTA, float) - np.mean(MAGENTA)
    amount = np.clip(chroma @ target / (target @ target), 0.0, 1.0)
    amount[amount < 0.1] = 0.0
    rows, columns = np.mgrid[0:frame.shape[0], 0:frame.shape[1]] + 0.5
    return np.array([(amount * columns).sum(), (amount * rows).sum()]) / amount.sum()


def test_extend_plays_in_full_on_the_timeline(scene: Scene) -> None:
    clip = scene.clips["extend"]
    assert clip.provenance["requested_frames"] == clip.frame_count


def test_a_loop_bridge_runs_from_the_end_back_to_the_start(scene: Scene) -> None:
    shot, bridge = scene.frames["shot"], scene.frames["bridge"]
    assert len(bridge) == round(BRIDGE_SECONDS * 24)
    assert scene.clips["bridge"].provenance["loop"] is True

    def gap(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.abs(a.astype(int) - b.astype(int)).mean())

    assert gap(bridge[0], shot[-1]) < gap(bridge[0], shot[0])
    assert gap(bridge[-1], shot[0]) < gap(bridge[-1], shot[-1])
    assert gap(shot[0], shot[-1]) > 2.0  # the ends differ, so the test says something


def test_retime_to_ntsc_shows_the_nearest_source_frame(scene: Scene) -> None:
    source, retimed = scene.frames["slow"], scene.frames["retime"]
    count = len(source)
    assert count == round(SLOW_SECONDS * 16)
    assert len(retimed) == round(Fraction(count * 1500, 1001))
    assert scene.clips["retime"].fps == NTSC
    # Frame i shows source time i·1001/24000: the nearest of the 16 fps frames.
    for index, frame in enumerate(retimed):
        nearest = int(Fraction(index * 16 * 1001, 24000) + Fraction(1, 2))
        assert np.array_equal(frame, source[min(nearest, count - 1)]), index
    assert not np.array_equal(source[0], source[-1])


def test_render_out_writes_the_retime_at_an_exact_ntsc_rate(scene: Scene,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "pier.previz"
    save_project(scene.project, path)
    services = EngineSession(default_registry(), BackendSet([DraftBackend()]),
                            UserSettings(cache_dir=tmp_path / "cache"))
    assert cli.main(["render", str(path), "--out", str(tmp_path / "out")], services) == 0
    movies = dict(zip(CUT, sorted((tmp_path / "out").glob("*.mp4")), strict=True))
    info = probe(movies["retime"])
    assert info.frame_count == scene.clips["retime"].frame_count
    assert info.rate == NTSC
    assert len(set(info.durations)) == 1
    assert info.durations[0] * info.time_base == 1 / NTSC
    for role in ("extend", "postcard_on"):
        extended = probe(movies[role])
        assert extended.frame_count == scene.clips[role].frame_count
        assert extended.rate == 24
