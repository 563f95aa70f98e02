"""Frames of a stored clip for playback: decoded ahead on a thread, a few held in memory.

A ``FrameFeed`` streams one clip from the store with a single ffmpeg reader that runs at most
``ahead`` frames in front of the last frame asked for; it keeps at most ``keep`` decoded
frames, so a long clip never sits in memory whole. A jump outside the window restarts the
reader there. ``FramePool`` holds the feeds of the last few clips played.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import OrderedDict

import numpy as np

from previz.core.values import Clip
from previz.engine.segments import SegmentReader
from previz.engine.store import ClipStore, StoreError
from previz.media import MediaError

log = logging.getLogger(__name__)
AHEAD = 24
KEEP = 48
DECODER_NICE = 5


class FrameFeed:
    """Read-ahead frames of one clip; ``get(i)`` answers at once, with None if not yet read."""

    def __init__(self, store: ClipStore, clip: Clip, ahead: int = AHEAD, keep: int = KEEP) -> None:
        self.clip, self.store = clip, store
        self.ahead, self.keep = ahead, max(keep, ahead + 2)
        self._frames: OrderedDict[int, np.ndarray] = OrderedDict()
        self._wanted = 0
        self._reading = -1  # the next frame the reader will produce; -1 when none runs
        self._generation = 0
        self._closed = False
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []

    @property
    def held_bytes(self) -> int:
        """Bytes of decoded frames held now."""
        with self._lock:
            return sum(frame.nbytes for frame in self._frames.values())

    def get(self, index: int) -> np.ndarray | None:
        """Frame ``index`` if it is decoded; asks for it (and what follows) either way."""
        index = min(max(index, 0), self.clip.frame_count - 1)
        with self._lock:
            if self._closed:
                return None  # closed: a late tick or refresh starts no reader
            self._wanted = index
            frame = self._frames.get(index)
            if frame is not None:
                self._frames.move_to_end(index)
            elif not 0 <= self._reading <= index <= self._reading + self.ahead:
                self._start(index)  # a jump; a reader a little behind is left to catch up
            self._lock.notify_all()
            return frame

    def wait(self, index: int, timeout: float = 10.0) -> np.ndarray | None:
        """Frame ``index``, waiting up to ``timeout`` seconds for the reader."""
        frame = self.get(index)
        with self._lock:
            self._lock.wait_for(lambda: index in self._frames or self._closed, timeout)
            return self._frames.get(index, frame)

    def close(self, wait: float = 0.0) -> None:
        """Stop the reader and drop the frames; wait up to ``wait`` seconds for its thread."""
        with self._lock:
            self._closed = True
            self._generation += 1
            self._frames.clear()
            self._lock.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(wait)

    def _start(self, index: int) -> None:
        self._generation += 1
        self._reading = index
        thread = threading.Thread(target=self._read, args=(index, self._generation),
                                  name=f"feed-{self.clip.key[:8]}", daemon=True)
        self._threads = [alive for alive in self._threads if alive.is_alive()] + [thread]
        thread.start()

    def _read(self, start: int, generation: int) -> None:
        try:
            segments = self.store.segments(self.clip)  # an Extend's: its source's, then its own
            with SegmentReader(segments, start, opened=_lower_priority) as reader:
                for offset, frame in enumerate(reader):
                    frame.flags.writeable = False
                    if not self._put(start + offset, frame, generation):
                        return
        except (MediaError, IndexError, OSError, StoreError):
            if generation == self._generation and not self._closed:  # not stopped on purpose
                log.warning("could not read clip %s", self.clip.key[:12], exc_info=True)
        with self._lock:
            if generation == self._generation:
                self._reading = -1

    def _put(self, index: int, frame: np.ndarray, generation: int) -> bool:
        with self._lock:
            self._lock.wait_for(lambda: generation != self._generation
                                or index <= self._wanted + self.ahead)
            if generation != self._generation:
                return False
            self._frames[index] = frame
            self._reading = index + 1
            while len(self._frames) > self.keep:
                self._frames.pop(self._farthest())
            self._lock.notify_all()
            return True

    def _farthest(self) -> int:
        """The held frame to drop: the one behind the wanted frame that is oldest, else the
        farthest ahead."""
        behind = [i for i in self._frames if i < self._wanted]
        return min(behind) if behind else max(self._frames)


def _lower_priority(pid: int) -> None:
    """Let the decoder yield to the GUI thread: on a small machine a decoder at full
    priority on every core makes the player miss its ticks."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, pid, DECODER_NICE)


class FramePool:
    """The feeds of the clips played lately, at most ``size`` of them."""

    def __init__(self, store: ClipStore, size: int = 3) -> None:
        self.store, self.size = store, size
        self._feeds: OrderedDict[str, FrameFeed] = OrderedDict()
        self._closed = False

    def feed(self, clip: Clip) -> FrameFeed:
        """The feed of ``clip``, started if new (the least recently used one goes); once the
        pool is closed, a closed feed that reads nothing."""
        if self._closed:
            feed = FrameFeed(self.store, clip)
            feed.close()
            return feed
        feed = self._feeds.get(clip.key)
        if feed is None:
            feed = self._feeds[clip.key] = FrameFeed(self.store, clip)
            while len(self._feeds) > self.size:
                self._feeds.popitem(last=False)[1].close()
        self._feeds.move_to_end(clip.key)
        return feed

    @property
    def held_bytes(self) -> int:
        """Bytes of decoded frames held by every feed."""
        return sum(feed.held_bytes for feed in self._feeds.values())

    def close(self) -> None:
        """Stop every feed and wait (a little) for their readers to end; no feed starts after."""
        self._closed = True
        for feed in self._feeds.values():
            feed.close(wait=2.0)
        self._feeds.clear()
