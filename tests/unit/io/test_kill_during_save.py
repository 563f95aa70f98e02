"""A save killed at a random moment leaves the old file or the new one, never a broken one."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from previz.core.project_json import project_to_dict
from previz.io import STALE_TEMP_SECONDS, leftover_temp_files, load_project, save_project

KILLS = 50
SAVE_LOOP = """
import sys
from previz.io import load_project, save_project
old, new, target = sys.argv[1:4]
projects = [load_project(new), load_project(old)]
print("ready", flush=True)
count = 0
while True:
    save_project(projects[count % 2], target)
    count += 1
"""


def fingerprint(project) -> str:
    digest = hashlib.sha256(json.dumps(project_to_dict(project), sort_keys=True).encode())
    for sha in sorted(project.assets):
        digest.update(project.assets[sha].data)
    return digest.hexdigest()


def kill_while_saving(arguments: list, delay: float) -> None:
    """Start the save loop, let it run ``delay`` seconds past its start, and SIGKILL it."""
    child = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, *arguments],
                             stdout=subprocess.PIPE, cwd=arguments[0].parent)
    try:
        assert child.stdout.readline() == b"ready\n"
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_saves_leave_the_old_or_the_new_file(tmp_path, make_project):
    old_path, new_path = tmp_path / "old.previz", tmp_path / "new.previz"
    target = tmp_path / "t.previz"
    save_project(make_project(asset_bytes=4 << 20, label="old"), old_path)
    start = time.perf_counter()
    save_project(make_project(asset_bytes=4 << 20, label="new"), new_path)
    save_seconds = time.perf_counter() - start
    expected = {fingerprint(load_project(old_path)): "old",
                fingerprint(load_project(new_path)): "new"}
    shutil.copyfile(old_path, target)
    rng = random.Random(20240611)
    outcomes, mid_write = [], 0
    for _ in range(KILLS):
        kill_while_saving([old_path, new_path, target], rng.uniform(0, 4 * save_seconds))
        outcomes.append(expected[fingerprint(load_project(target))])
        mid_write += len(leftover_temp_files(target))
    assert set(outcomes) == {"old", "new"}
    assert mid_write > 0
    leftovers = leftover_temp_files(target)
    pattern = re.compile(r"\.t\.previz\.tmp-[0-9a-f]{8}")
    assert all(pattern.fullmatch(item.name) for item in leftovers)
    names = {item.name for item in tmp_path.iterdir()} - {item.name for item in leftovers}
    assert names == {"old.previz", "new.previz", "t.previz"}
    long_ago = time.time() - STALE_TEMP_SECONDS - 1
    for item in leftovers:
        os.utime(item, (long_ago, long_ago))
    save_project(load_project(old_path), target)
    assert leftover_temp_files(target) == []
