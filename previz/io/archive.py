"""A .previz zip opened for reading: names, count and sizes checked before anything is read."""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from previz.core.errors import ProjectError

MiB = 1 << 20
PROJECT_JSON = "project.json"
ASSETS_FOLDER = "assets/"
RENDERS_FOLDER = "renders/"
CHUNK_BYTES = MiB

# Whatever zipfile, zlib or the OS raise on a damaged or hostile archive.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
              NotImplementedError, RuntimeError, struct.error, zlib.error, OverflowError,
              KeyError, IndexError)

_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_MAX_COMMENT = 1 << 16
_LOCAL_HEADER = 30
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class LoadLimits:
    """How much a project file may hold; anything beyond is refused before it is read.

    project.json and assets are capped in size. Renders have no cap (a bundle with renders
    runs to gigabytes): like any other entry they must not unpack to more than ``max_ratio``
    times their compressed size once above ``ratio_floor_bytes``. The whole archive unpacked
    must fit on the disk holding ``space_for_renders`` (``None``: the home folder, where the
    clip store lives by default).
    """

    max_entries: int = 20_000
    max_directory_bytes: int = 16 * MiB
    max_name_length: int = 1024
    max_project_json_bytes: int = 64 * MiB
    max_asset_bytes: int = 200 * MiB
    max_total_asset_bytes: int = 2048 * MiB
    max_ratio: int = 200
    ratio_floor_bytes: int = 4 * MiB
    max_json_depth: int = 100
    max_timeline_entries: int = 10_000
    space_for_renders: Path | None = None


@dataclass(frozen=True)
class RenderEntry:
    """A clip-store file bundled in a project as ``renders/<key>/<file>``, not unpacked."""

    name: str
    key: str
    file: str
    size: int
    compressed_size: int


class Archive:
    """A checked .previz zip; entries are read on demand, never extracted to disk."""

    def __init__(self, path: str, zip_file: zipfile.ZipFile,
                 entries: dict[str, zipfile.ZipInfo]) -> None:
        self.path = path
        self._zip = zip_file
        self._entries = entries

    def where(self, *places: str) -> str:
        """A place in this file for an error: the file's path, then the entry and field."""
        return ": ".join((self.path, *places))

    def entry(self, name: str) -> zipfile.ZipInfo | None:
        """The file entry called ``name``, if there is one."""
        return self._entries.get(name)

    def read(self, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
        """The bytes of an entry no bigger than ``max_bytes``, stopping if it unpacks to more."""
        where = self.where(info.filename)
        if info.file_size > max_bytes:
            raise ProjectError(f"entry of {info.file_size} bytes is over the limit of"
                               f" {max_bytes}", where)
        try:
            with self._zip.open(info) as stream:
                return read_limited(stream, info.file_size, where)
        except ZIP_ERRORS as error:
            raise ProjectError(f"damaged entry ({error})", where) from None

    def copy(self, info: zipfile.ZipInfo, target: BinaryIO) -> None:
        """Stream an entry into ``target``, stopping if it unpacks to more than it declares
        (the zip's CRC check refuses damaged bytes at the end)."""
        where = self.where(info.filename)
        try:
            with self._zip.open(info) as stream:
                copy_limited(stream, target, info.file_size, where)
        except _WriteFailed as failure:
            raise failure.error from None  # the target's disk, not the archive, failed
        except ZIP_ERRORS as error:
            raise ProjectError(f"damaged entry ({error})", where) from None

    def renders(self) -> list[RenderEntry]:
        """Every file under ``renders/<key>/``, in archive order."""
        found = []
        for name, info in self._entries.items():
            key, _, file = name.removeprefix(RENDERS_FOLDER).partition("/")
            if name.startswith(RENDERS_FOLDER) and key and file:
                found.append(RenderEntry(name, key, file, info.file_size, info.compress_size))
        return found


@contextmanager
def open_archive(path: str | os.PathLike[str], limits: LoadLimits) -> Iterator[Archive]:
    """Open a project file as an ``Archive``, refusing anything malformed or hostile."""
    where = str(path)
    with _open_regular_file(Path(path), where) as file:
        _check_end_record(file, limits, where)
        try:
            zip_file = zipfile.ZipFile(file)
        except ZIP_ERRORS as error:
            raise ProjectError(f"not a Previz project: not a readable zip archive ({error})",
                               where) from None
        with zip_file:
            entries = checked_entries(zip_file.infolist(), limits, _free_bytes(limits), where)
            yield Archive(where, zip_file, entries)


def read_limited(stream: BinaryIO, declared: int, where: str) -> bytes:
    """Read ``stream`` in chunks, refusing it as soon as it yields more than ``declared``."""
    chunks = []
    total = 0
    while chunk := stream.read(CHUNK_BYTES):
        total += len(chunk)
        if total > declared:
            raise ProjectError(f"entry unpacks to more than the {declared} bytes it declares",
                               where)
        chunks.append(chunk)
    if total != declared:
        raise ProjectError(f"entry unpacks to {total} bytes, not the {declared} it declares",
                           where)
    return b"".join(chunks)


def copy_limited(stream: BinaryIO, target: BinaryIO, declared: int, where: str) -> None:
    """Copy ``stream`` into ``target`` in chunks, refusing it as soon as it yields more than
    ``declared`` bytes, or at the end if it yielded fewer."""
    total = 0
    while chunk := stream.read(CHUNK_BYTES):
        total += len(chunk)
        if total > declared:
            raise ProjectError(f"entry unpacks to more than the {declared} bytes it declares",
                               where)
        try:
            target.write(chunk)
        except OSError as error:
            raise _WriteFailed(error) from error
    if total != declared:
        raise ProjectError(f"entry unpacks to {total} bytes, not the {declared} it declares",
                           where)


class _WriteFailed(Exception):
    """Writing the copy failed: an error of the target, kept apart from the archive's own."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def checked_entries(infos: Sequence[zipfile.ZipInfo], limits: LoadLimits,
                    free_bytes: int | None, where: str) -> dict[str, zipfile.ZipInfo]:
    """The file entries by name, once every name, method and size has passed its checks."""
    if len(infos) > limits.max_entries:
        raise ProjectError(f"{len(infos)} entries, over the limit of {limits.max_entries}", where)
    entries: dict[str, zipfile.ZipInfo] = {}
    folded: dict[str, str] = {}
    for info in infos:
        entry_where = f"{where}: {info.orig_filename!r}"
        _check_name(info.orig_filename, limits, entry_where)
        folded_name = info.filename.casefold()
        if folded_name in folded:
            raise ProjectError(f"a second entry named {folded[folded_name]!r} (names may not"
                               " differ only in case)", entry_where)
        folded[folded_name] = info.filename
        _check_method(info, entry_where)
        if not info.is_dir():
            entries[info.filename] = info
    check_no_overlap(infos, where)
    check_sizes(infos, limits, free_bytes, where)
    return entries


def check_no_overlap(infos: Sequence[zipfile.ZipInfo], where: str) -> None:
    """Refuse entries whose bytes overlap (each entry's local header, name and data must end
    before the next begins): overlapping entries let a small file unpack to many times its
    size while each entry alone looks fair."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for first, second in itertools.pairwise(ordered):
        name = first.orig_filename.encode("utf-8" if first.flag_bits & 0x800 else "cp437",
                                          errors="replace")
        end = first.header_offset + _LOCAL_HEADER + len(name) + first.compress_size
        if second.header_offset < end:
            raise ProjectError(f"entries {first.orig_filename!r} and"
                               f" {second.orig_filename!r} overlap in the archive", where)


def check_sizes(infos: Sequence[zipfile.ZipInfo], limits: LoadLimits, free_bytes: int | None,
                where: str) -> None:
    """Refuse size bombs and an archive that would not fit, unpacked, in ``free_bytes``.

    project.json and assets have a size cap (a flat-colour BMP deflates a thousandfold and
    is still a fair image); every other entry must not unpack to more than ``max_ratio``
    times its compressed size, which a render of lossless video frames never comes near,
    so a multi-gigabyte render passes wherever the disk can hold it.
    """
    total = 0
    for info in infos:
        entry_where = f"{where}: {info.filename}"
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise ProjectError("a stored entry whose sizes disagree", entry_where)
        cap = _size_cap(info.filename, limits)
        if cap is not None and info.file_size > cap:
            raise ProjectError(f"entry of {info.file_size} bytes is over the limit of {cap}",
                               entry_where)
        bound = max(limits.ratio_floor_bytes, limits.max_ratio * info.compress_size)
        if cap is None and info.file_size > bound:
            raise ProjectError(f"a zip bomb: {info.file_size} bytes unpacked from"
                               f" {info.compress_size}", entry_where)
        total += info.file_size
    if free_bytes is not None and total > free_bytes:
        raise ProjectError(f"unpacked it needs {total} bytes and the disk has {free_bytes} free",
                           where)


def _size_cap(name: str, limits: LoadLimits) -> int | None:
    if name == PROJECT_JSON:
        return limits.max_project_json_bytes
    if name.startswith(ASSETS_FOLDER):
        return limits.max_asset_bytes
    return None


def _check_name(name: str, limits: LoadLimits, where: str) -> None:
    problem = None
    if not name or name == "/":
        problem = "an entry with no name"
    elif len(name) > limits.max_name_length:
        problem = f"an entry name over {limits.max_name_length} characters"
    elif any(ord(char) < 32 or ord(char) == 127 for char in name):
        problem = "a control character in an entry name"
    elif "\\" in name or ":" in name:
        problem = "a backslash or colon in an entry name (a Windows path)"
    elif name.startswith("/"):
        problem = "an absolute entry name"
    elif any(part in ("", ".", "..") for part in name.removesuffix("/").split("/")):
        problem = "a '..', '.' or empty step in an entry name"
    if problem:
        raise ProjectError(f"{problem}: the whole file is refused", where)


def _check_method(info: zipfile.ZipInfo, where: str) -> None:
    if info.flag_bits & 0x1:
        raise ProjectError("an encrypted entry", where)
    if info.compress_type not in _METHODS:
        raise ProjectError(f"compression method {info.compress_type} (only stored and deflate"
                           " are read)", where)


def _open_regular_file(path: Path, where: str) -> BinaryIO:
    # O_NONBLOCK so that a FIFO or device is refused instead of blocking the open.
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise ProjectError(f"cannot open the file ({reason})", where) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ProjectError("not a file", where)
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def _check_end_record(file: BinaryIO, limits: LoadLimits, where: str) -> None:
    """Count the entries and size the central directory before zipfile parses it.

    The end record is found the way zipfile finds it, so the directory it then reads is the
    one measured here.
    """
    try:
        record = _end_record(file)
    except ZIP_ERRORS as error:
        raise ProjectError(f"cannot read the file ({error})", where) from None
    if record is None:
        raise ProjectError("not a Previz project: not a zip archive", where)
    if record.entries > limits.max_entries:
        raise ProjectError(f"{record.entries} entries, over the limit of {limits.max_entries}",
                           where)
    if record.directory_bytes > limits.max_directory_bytes:
        raise ProjectError(f"a zip directory of {record.directory_bytes} bytes, over the limit"
                           f" of {limits.max_directory_bytes}", where)


@dataclass(frozen=True)
class _EndRecord:
    entries: int
    directory_bytes: int


def _end_record(file: BinaryIO) -> _EndRecord | None:
    size = file.seek(0, os.SEEK_END)
    start = max(0, size - _MAX_COMMENT - _END_RECORD.size)
    file.seek(start)
    tail = file.read()
    at = len(tail) - _END_RECORD.size
    if at < 0 or tail[at:at + 4] != _END_SIGNATURE or tail[-2:] != b"\0\0":
        at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return None
    fields = _END_RECORD.unpack_from(tail, at)
    record = _EndRecord(fields[4], fields[5])
    return _zip64_end_record(file, start + at) or record


def _zip64_end_record(file: BinaryIO, end_at: int) -> _EndRecord | None:
    at = end_at - _ZIP64_LOCATOR.size - _ZIP64_END_RECORD.size
    if at < 0:
        return None
    file.seek(at)
    data = file.read(_ZIP64_END_RECORD.size + _ZIP64_LOCATOR.size)
    locator = data[_ZIP64_END_RECORD.size:]
    if data[:4] != b"PK\x06\x06" or locator[:4] != b"PK\x06\x07":
        return None
    fields = _ZIP64_END_RECORD.unpack_from(data)
    return _EndRecord(fields[7], fields[8])


def _free_bytes(limits: LoadLimits) -> int | None:
    try:
        folder = limits.space_for_renders or Path.home()
        return shutil.disk_usage(folder).free
    except (OSError, RuntimeError):
        return None
