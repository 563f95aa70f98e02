"""Export files are made under a temporary name and put in place only when complete."""

from __future__ import annotations

import os
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
