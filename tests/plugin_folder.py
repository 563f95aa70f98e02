"""Installed-looking plug-ins for tests: a folder with a module and a dist-info whose entry
points name it, to put on ``sys.path`` (or ``PYTHONPATH`` for a child ``previz``)."""

from __future__ import annotations

from pathlib import Path

BROKEN_PACK = 'raise ImportError("this pack needs a library that is not installed")\n'
BROKEN_BACKEND = '''
def make(settings):
    raise RuntimeError("no licence server at licence.example")
'''


def plugin_folder(root: Path, name: str, group: str, target: str, source: str) -> Path:
    """``root`` holding module ``name`` (``source``) and a distribution of the same name with
    one entry point, ``name = target``, in ``group``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{name}.py").write_text(source, encoding="utf-8")
    info = root / f"{name}-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{group}]\n{name} = {target}\n", encoding="utf-8")
    return root


def broken_plugins(root: Path) -> Path:
    """``root`` with a node pack that raises on import (``broken_pack``) and a backend that
    raises when made (``broken_backend``)."""
    plugin_folder(root, "broken_pack", "previz.nodes", "broken_pack", BROKEN_PACK)
    return plugin_folder(root, "broken_backend", "previz.backends", "broken_backend:make",
                         BROKEN_BACKEND)
