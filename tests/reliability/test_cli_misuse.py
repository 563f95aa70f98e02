"""Every command-line misuse is one line on stderr and a non-zero exit, never a traceback,
and fails before anything renders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from tiny_cut import save_tiny

from previz.__main__ import main

MISUSES = [
    "render missing.previz",
    "render .",
    "render p.previz --out afile",
    "render p.previz --out ro/sub",
    "export p.previz --out x --rate 1e999999999",
    "export p.previz --out x --rate 0",
    "export p.previz --out x --rate abc",
    "export p.previz --out x --rate 1/0",
    "export p.previz --out afile",
    "export p.previz --out ro/x",
    "export p.previz --out x --format nope",
    "export p.previz",
    "render p.previz --node bogus",
    "render p.previz --node",
    "validate",
    "validate bad.previz",
    "validate empty.previz",
    "validate p.previz extra",
    "render",
    "bogus",
    "--no-such-option",
    "models",
    "models bogus",
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PREVIZ_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    save_tiny(tmp_path / "p.previz")
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "bad.previz").write_text("garbage")
    (tmp_path / "empty.previz").write_bytes(b"")
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    yield tmp_path
    (tmp_path / "ro").chmod(0o755)


@pytest.mark.parametrize("command", MISUSES)
def test_a_misuse_is_one_line_and_a_failure(folder: Path, command: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    if " ro/" in command and (sys.platform == "win32" or os.geteuid() == 0):
        pytest.skip("a read-only folder is writable to root")
    check_misuse(command, capsys)


def check_misuse(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        status = main(command.split())
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    assert status not in (0, None), captured
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in captured.err
    assert not any(path.suffix == ".mp4" for path in Path(".").rglob("*"))
