"""A command that lives no longer than the process that started it (a local cluster's node).

``python -m previz.farm.tether COMMAND...`` runs COMMAND and ends it (SIGTERM, then SIGKILL
after ``GRACE_S``) when told to stop (SIGTERM, SIGINT, SIGHUP) or when the process that
started the tether is gone: a ``previz render --ray local`` killed without a word (SIGKILL,
its terminal closed, a test run stopped) would otherwise leave its Ray nodes (raylet, GCS,
agents) running, holding a core and memory until the machine restarts. The tether is the
starter's child and COMMAND its own, so the starter's going shows as the tether's parent
changing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

POLL_S = 0.25  # how often the tether looks for its starter
GRACE_S = 15.0  # how long COMMAND has to end after SIGTERM (``LocalCluster.stop`` waits 20)


def main(command: list[str]) -> int:
    """Run ``command`` while this process's parent lives; its exit status, or 128 + the
    signal that ended it."""
    if not command:
        print("usage: python -m previz.farm.tether COMMAND [ARG ...]", file=sys.stderr)
        return 2
    starter = os.getppid()
    told: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        told.append(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    child = subprocess.Popen(command)
    while child.poll() is None:
        if told or os.getppid() != starter:
            _end(child)
            break
        time.sleep(POLL_S)
    code = child.wait()
    return code if code >= 0 else 128 - code


def _end(child: subprocess.Popen[bytes]) -> None:
    """Ask ``child`` to end; after ``GRACE_S``, end it and everything it started (the
    tether's own process group, when it leads one, as ``LocalCluster`` starts it)."""
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)  # this tether included
        child.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
