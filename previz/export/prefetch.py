"""Reading ahead: frames decoded from the store on a thread while the encoders take the last.

Reading a stored clip waits on its decoding ffmpeg, and writing a movie waits on its encoding
ffmpeg; done in turn on one thread, each ffmpeg idles while the other works (a pipe holds
64 kB, a 720p frame 2.7 MB). A reader thread keeps a few frames ahead, so both run at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
AHEAD = 8
_DONE = object()


def prefetched(items: Iterator[T], ahead: int = AHEAD) -> Iterator[T]:
    """``items`` in order, produced on a thread up to ``ahead`` in advance. An error in the
    producer is raised here; stopping early stops the producer."""
    slots: queue.Queue[object] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            slots.put(error)

    thread = threading.Thread(target=produce, name="previz-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():
            try:
                slots.get_nowait()
            except queue.Empty:
                thread.join(0.05)
        close = getattr(items, "close", None)
        if close is not None:
            close()
