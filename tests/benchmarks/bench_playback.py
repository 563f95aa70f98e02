"""Playback from the clip store: 10 s of 1280x720 at 24 fps through the viewer's player, feed
and frame view; prints the share of frames shown on time (target >= 99 %) and memory held."""

from __future__ import annotations

import os
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from previz._qt.viewer.qt_frame_view import QtFrameView
from previz._qt.viewer.qt_player import QtPlayer
from previz.app.frame_feed import FramePool
from previz.core.values import Clip
from previz.engine.store import ClipStore

WIDTH, HEIGHT, FPS, SECONDS = 1280, 720, Fraction(24), 10
TARGET = 0.99


def _picture(index: int) -> np.ndarray:
    """A frame like a draft render: a sky gradient, a moving horizon and a bright disc."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    frame[..., 0] = (x * 200 // WIDTH + index) % 256
    frame[..., 1] = y * 180 // HEIGHT + 40
    frame[..., 2] = np.where(y > HEIGHT // 2 + (x + index * 8) % 97 // 8, 60, 200)
    disc = (x - 200 - index * 4) ** 2 + (y - 200) ** 2 < 60**2
    frame[disc] = (250, 230, 180)
    return frame


def _stored_clip(root: Path) -> tuple[ClipStore, Clip]:
    store = ClipStore(root, 10 * 1024**3)
    with store.writer("bench" + "0" * 59, WIDTH, HEIGHT, FPS) as writer:
        for index in range(int(FPS * SECONDS)):
            writer.write(_picture(index))
        clip = writer.finish()
    return store, clip


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


@pytest.mark.benchmark
def test_play_ten_seconds_of_720p(qtbot, tmp_path: Path) -> None:
    store, clip = _stored_clip(tmp_path / "clips")
    pool = FramePool(store)
    view = QtFrameView()
    qtbot.addWidget(view)
    view.resize(960, 540)
    view.show()
    qtbot.waitExposed(view)
    feed = pool.feed(clip)

    peak_held = 0

    def show(frame: int) -> bool:
        nonlocal peak_held
        peak_held = max(peak_held, pool.held_bytes)
        picture = feed.get(frame)
        if picture is not None:
            view.show_frame(picture)
        return picture is not None

    player = QtPlayer(show)
    player.configure(clip.fps, clip.frame_count)
    feed.wait(0)
    feed.wait(12)  # preroll: half a second decoded before play, as a player would
    feed.get(0)
    before = _rss_mb()
    player.play()
    started = time.perf_counter()
    qtbot.waitUntil(lambda: not player.playing, timeout=int(SECONDS * 3000))
    seconds = time.perf_counter() - started
    tally = player.tally
    share = (tally.on_time + 1) / (tally.on_time + tally.late + tally.skipped + 1)  # + frame 0
    verdict = "meets" if share >= TARGET else "MISSES"
    print(f"\nplayback {WIDTH}x{HEIGHT} at {FPS} fps, {clip.frame_count} frames in {seconds:.2f} s"
          f" on {os.cpu_count()} CPUs, platform {QApplication.platformName()}:"
          f" {share:.1%} on time ({tally.on_time + 1} on time, {tally.late} late,"
          f" {tally.skipped} skipped), target >= {TARGET:.0%}: {verdict}; decoded frames held"
          f" at most {peak_held / 1024**2:.0f} MB ({peak_held // (WIDTH * HEIGHT * 3)} frames),"
          f" process memory {before:.0f} -> {_rss_mb():.0f} MB")
    pool.close()
