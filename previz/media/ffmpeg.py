"""Locate the ffmpeg bundled with imageio-ffmpeg and run it with readable errors."""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import imageio_ffmpeg

STDERR_TAIL_CHARS = 2000
# Encoder threads: enough to keep a few cores busy without starving the renderer beside it.
ENCODER_THREADS = str(min(4, os.cpu_count() or 1))
# Keep ffmpeg from opening a console window on Windows.
_CREATION_FLAGS = getattr(subprocess, "CREATE_NO_WINDOW", 0)


class MediaError(Exception):
    """ffmpeg failed on a file; the message names the file and ends with ffmpeg's stderr."""


@functools.cache
def ffmpeg_exe() -> str:
    """Return the path of the ffmpeg binary shipped in the imageio-ffmpeg wheel.

    A system ffmpeg is never used: its codecs and version would differ from machine to
    machine, so a path outside the imageio_ffmpeg package (e.g. from IMAGEIO_FFMPEG_EXE) is
    refused.
    """
    try:
        exe = Path(imageio_ffmpeg.get_ffmpeg_exe()).resolve()
    except RuntimeError as exc:
        raise MediaError(f"the ffmpeg bundled with imageio-ffmpeg is missing: {exc}") from exc
    package_dir = Path(imageio_ffmpeg.__file__).resolve().parent
    if not exe.is_relative_to(package_dir):
        raise MediaError(
            f"{exe}: not the ffmpeg bundled with imageio-ffmpeg (is IMAGEIO_FFMPEG_EXE set?)"
        )
    return str(exe)


def base_args(loglevel: str = "error") -> list[str]:
    """The start of every ffmpeg command line: the binary and quiet, non-interactive flags."""
    return [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", loglevel]


def error_for(path: str | os.PathLike[str], what: str, stderr: str) -> MediaError:
    """A MediaError naming `path`, saying `what` went wrong, with the tail of ffmpeg's stderr."""
    tail = stderr.strip()[-STDERR_TAIL_CHARS:]
    message = f"{os.fspath(path)}: {what}"
    return MediaError(f"{message}\nffmpeg said:\n{tail}" if tail else message)


@dataclass(frozen=True)
class FfmpegResult:
    """The output of an ffmpeg run that has finished successfully."""

    stdout: bytes
    stderr: str


def run_ffmpeg(
    args: list[str], *, path: str | os.PathLike[str], what: str, loglevel: str = "error"
) -> FfmpegResult:
    """Run ffmpeg to completion; raise MediaError naming `path` if it fails."""
    completed = subprocess.run(
        [*base_args(loglevel), "-nostdin", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
        creationflags=_CREATION_FLAGS,
    )
    stderr = completed.stderr.decode("utf-8", errors="replace")
    if completed.returncode != 0:
        raise error_for(path, what, stderr)
    return FfmpegResult(stdout=completed.stdout, stderr=stderr)


class FfmpegProcess:
    """A running ffmpeg whose stderr is spooled to a temporary file, so it can never block."""

    def __init__(self, args: list[str], *, path: str | os.PathLike[str], pipe_stdin: bool) -> None:
        self.path = os.fspath(path)
        # Lives as long as the process, so no `with`; a file cannot fill up and block ffmpeg.
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.popen = subprocess.Popen(
                [*base_args(), *([] if pipe_stdin else ["-nostdin"]), *args],
                stdin=subprocess.PIPE if pipe_stdin else subprocess.DEVNULL,
                stdout=subprocess.DEVNULL if pipe_stdin else subprocess.PIPE,
                stderr=self._stderr,
                creationflags=_CREATION_FLAGS,
            )
        except OSError:
            self._stderr.close()
            raise

    @property
    def running(self) -> bool:
        """Whether the process has not exited yet."""
        return self.popen.poll() is None

    def stderr_text(self) -> str:
        """Everything ffmpeg has written to stderr so far."""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", errors="replace")

    def error(self, what: str) -> MediaError:
        """A MediaError for this process's file, with the tail of its stderr."""
        return error_for(self.path, what, self.stderr_text())

    def kill(self) -> None:
        """Kill the process if it still runs, reap it and close its pipes."""
        kill_and_reap(self.popen)
        self._stderr.close()

    def finish(self, what: str) -> None:
        """Wait for a normal exit and close the pipes; raise MediaError(`what`) if it failed."""
        if self.popen.stdin is not None:
            # A broken pipe means ffmpeg already exited; its exit status says why.
            with contextlib.suppress(BrokenPipeError):
                self.popen.stdin.close()
        code = self.popen.wait()
        try:
            if code != 0:
                raise self.error(f"{what} (ffmpeg exit status {code})")
        finally:
            self.kill()


def kill_and_reap(popen: subprocess.Popen[bytes]) -> None:
    """Kill `popen` if it is running, wait for it (no zombie) and close its pipes."""
    if popen.poll() is None:
        popen.kill()
    popen.wait()
    for pipe in (popen.stdin, popen.stdout):
        if pipe is not None:
            with contextlib.suppress(BrokenPipeError):
                pipe.close()
