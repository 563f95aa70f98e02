"""Export files are made under a temporary name and put in place only when complete."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_replacing(path: Path, write: Callable[[Path], Any]) -> None:
    """Let ``write`` make the file under a temporary name beside ``path``, then put it in
    place: a failure leaves whatever was at ``path`` before, and no temporary file."""
    temp = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# The temporary names: write_replacing's ".cut.partial.mp4", save_png's ".f.png.partial",
# the movie writer's ".cut.mp4.0123456789ab.partial".
_PARTIAL = re.compile(r"\..+\.partial(\.[A-Za-z0-9]+)?|\..+\.[0-9a-f]{12}\.partial")


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files a killed export left in ``folder`` and its subfolders
    (one level down: shots/, png/); what was removed."""
    removed = []
    for candidate in [*folder.glob(".*"), *folder.glob("*/.*")]:
        if candidate.is_file() and _PARTIAL.fullmatch(candidate.name):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed
