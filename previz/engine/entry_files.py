"""Beside the clip store's entries on disk: the head a sidecar names, live writers, use stamps."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

from previz.engine.sidecar import SIDECAR, StoreError, read_json


def head_key(folder: Path) -> str:
    """The key of the entry the entry in ``folder`` begins with, as its sidecar says; empty
    when it begins with none (or its sidecar cannot be read: it is removed when loaded)."""
    try:
        head = read_json(folder / SIDECAR).get("head")
        return str(head["key"]) if isinstance(head, dict) else ""
    except (StoreError, AttributeError, KeyError):
        return ""


def writer_alive(name: str) -> bool:
    """Whether the incoming folder ``name`` (``<key>.<pid>.<random>``) belongs to a process
    still running; folders of other shapes (damaged entries moved aside, older names) do not."""
    parts = name.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no safe liveness probe: leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, another user's
    return True


class _UseClock:
    """Strictly increasing use times in nanoseconds.

    File systems stamp ``os.utime(path)`` with a coarse clock (one tick is milliseconds on
    ext4), so two uses in quick succession would tie and LRU order would be lost; explicit,
    strictly increasing stamps keep it.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def now(self) -> int:
        with self._lock:
            self._last = max(time.time_ns(), self._last + 1)
            return self._last


_USE_CLOCK = _UseClock()


def stamp_used(path: Path) -> None:
    """Stamp ``path`` as used now (a strictly later time than any stamp before)."""
    stamp = _USE_CLOCK.now()
    with contextlib.suppress(FileNotFoundError):  # evicted meanwhile: the caller has what it read
        os.utime(path, ns=(stamp, stamp))
