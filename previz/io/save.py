"""Writing a .previz file: deterministic zip bytes, replaced atomically."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from previz.core.errors import ProjectError
from previz.core.project import Project
from previz.core.project_json import project_to_dict
from previz.engine.store import FRAMES, SIDECAR
from previz.io.archive import (
    ASSETS_FOLDER,
    CHUNK_BYTES,
    PROJECT_JSON,
    RENDERS_FOLDER,
    LoadLimits,
)
from previz.io.limits import check_savable

STALE_TEMP_SECONDS = 3600
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_UNIX = 3
_FILE_MODE = 0o644 << 16
_DEFLATE_LEVEL = 6
_COMPRESSED_IMAGES = ("png", "jpg", "jpeg", "webp")
_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class _Entry:
    name: str
    data: bytes
    method: int
    source: Path | None = None  # streamed from this file instead of ``data``


def save_project(project: Project, path: str | os.PathLike[str], *,
                 renders: Mapping[str, Path] | None = None,
                 limits: LoadLimits | None = None) -> None:
    """Write ``project`` to ``path`` as a .previz zip, atomically.

    ``renders`` maps take keys to clip-store entry folders to bundle as ``renders/<key>/``
    (their lossless frames streamed from disk, never held in memory). The bytes depend only
    on the project and those files (fixed entry order, timestamps and compression), so
    saving what was loaded gives the same file. The zip is written to ``.<name>.tmp-<hex>``
    beside the target, synced and renamed over it: a failure leaves the old file as it was
    and removes the temporary file; a killed process may leave one, which a later save
    removes once it is ``STALE_TEMP_SECONDS`` old (``leftover_temp_files`` lists them).
    An asset without its bytes, a value JSON cannot hold, or a project that ``load_project``
    would refuse under the same ``limits`` (nesting, numbers, sizes: so whatever saves opens)
    is a ``ProjectError`` raised before anything is written; the file system's own failures
    are ``OSError``.
    """
    target = Path(path)
    data = project_json_bytes(project, str(target))
    check_savable(project, data, limits or LoadLimits(), f"cannot save {target}")
    entries = [_Entry(PROJECT_JSON, data, zipfile.ZIP_DEFLATED)]
    entries += _asset_entries(project, str(target))
    entries += _render_entries(renders or {}, str(target))
    _replace_atomically(target, lambda file: _write_zip(file, entries))
    _remove_stale_temp_files(target)


def project_json_bytes(project: Project, where: str = "") -> bytes:
    """The project.json of ``project``: sorted, indented UTF-8 with a final newline."""
    try:
        text = json.dumps(project_to_dict(project), sort_keys=True, indent=2,
                          ensure_ascii=False, allow_nan=False)
        return (text + "\n").encode("utf-8")
    except (TypeError, ValueError, RecursionError) as error:
        raise ProjectError(f"the project cannot be written as JSON ({_brief(error)})",
                           where) from None


def _brief(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:200] + "…"


def leftover_temp_files(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files that killed saves of ``path`` left beside it."""
    target = Path(path)
    pattern = re.compile(re.escape(f".{target.name}.tmp-") + "[0-9a-f]{8}")
    try:
        return sorted(item for item in target.parent.iterdir() if pattern.fullmatch(item.name))
    except OSError:
        return []


def _asset_entries(project: Project, where: str) -> list[_Entry]:
    entries = []
    for asset in sorted(project.assets.values(), key=lambda asset: asset.sha256):
        if hashlib.sha256(asset.data).hexdigest() != asset.sha256:
            problem = "has no bytes in memory" if not asset.data else "does not match its SHA-256"
            raise ProjectError(f"asset {asset.name!r} {problem}", f"{where}: assets.{asset.sha256}")
        method = zipfile.ZIP_STORED if asset.ext in _COMPRESSED_IMAGES else zipfile.ZIP_DEFLATED
        entries.append(_Entry(f"{ASSETS_FOLDER}{asset.sha256}.{asset.ext}", asset.data, method))
    return entries


def _render_entries(renders: Mapping[str, Path], where: str) -> list[_Entry]:
    """A render's sidecar (small JSON, deflated) and frames (FFV1, already compressed:
    stored), keys in sorted order."""
    entries = []
    for key in sorted(renders):
        if not _KEY.fullmatch(key):
            raise ProjectError(f"render key {key!r} is not a SHA-256 in hex", where)
        folder = Path(renders[key])
        entries.append(_Entry(f"{RENDERS_FOLDER}{key}/{SIDECAR}",
                              (folder / SIDECAR).read_bytes(), zipfile.ZIP_DEFLATED))
        entries.append(_Entry(f"{RENDERS_FOLDER}{key}/{FRAMES}", b"", zipfile.ZIP_STORED,
                              folder / FRAMES))
    return entries


def _write_zip(file: BinaryIO, entries: list[_Entry]) -> None:
    with zipfile.ZipFile(file, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=_ZIP_EPOCH)
            info.compress_type = entry.method
            info.create_system = _UNIX
            info.external_attr = _FILE_MODE
            if entry.source is None:
                archive.writestr(info, entry.data, compresslevel=_DEFLATE_LEVEL)
            else:
                _write_file_entry(archive, info, entry.source)


def _write_file_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: Path) -> None:
    with open(source, "rb") as data:
        info.file_size = os.fstat(data.fileno()).st_size
        with archive.open(info, "w", force_zip64=info.file_size > zipfile.ZIP64_LIMIT) as dest:
            shutil.copyfileobj(data, dest, CHUNK_BYTES)


def _replace_atomically(target: Path, write: Callable[[BinaryIO], None]) -> None:
    file = _open_temp_file(target)
    temp = Path(file.name)
    try:
        with file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        _copy_mode(target, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _sync_folder(target.parent)


def _open_temp_file(target: Path) -> BinaryIO:
    while True:
        temp = target.with_name(f".{target.name}.tmp-{secrets.token_hex(4)}")
        with contextlib.suppress(FileExistsError):
            return open(temp, "xb")


def _copy_mode(target: Path, temp: Path) -> None:
    # A new file gets the umask's mode; an existing one keeps the mode it had.
    with contextlib.suppress(OSError):
        os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))


def _sync_folder(folder: Path) -> None:
    # The rename is durable once the folder is synced; Windows cannot open a folder for that.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _remove_stale_temp_files(target: Path) -> None:
    cutoff = time.time() - STALE_TEMP_SECONDS
    for leftover in leftover_temp_files(target):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
