"""What Help ▸ About says: the versions of Previz, Python, Qt and torch, where models live."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import previz
from previz.settings import Settings


@dataclass(frozen=True)
class AboutLine:
    """One fact of the About box: a name and its value."""

    name: str
    value: str


def installed_version(distribution: str) -> str:
    """The installed version of ``distribution`` (read without importing it), or ""."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def about_lines(settings: Settings, qt_version: str) -> list[AboutLine]:
    """Previz's, Python's, Qt's and (when installed) torch's versions, and the model library
    folders; torch is looked up, never imported."""
    torch = installed_version("torch")
    return [
        AboutLine("Previz", previz.__version__),
        AboutLine("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        AboutLine("Qt", qt_version),
        AboutLine("torch", torch or "not installed (the draft backend only)"),
        AboutLine("Model library", ", ".join(str(folder) for folder in settings.model_folders())),
    ]
