"""The ``previz`` entry point: no subcommand (or a project path) opens the app, a subcommand
runs ``previz.cli``."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``previz`` with ``argv`` (default: the process's arguments).

    ``previz`` and ``previz PROJECT`` open the desktop app; ``previz SUBCOMMAND …`` and the
    options (``--help``, ``--version``) are the command line's. Qt is imported only for the app.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and _is_cli(args[0]):
        from previz import cli

        return cli.main(args)
    if args and not _could_be_project(args[0]):
        from previz.cli import SUBCOMMANDS

        print(f"previz: {args[0][:200]!r} is neither a project file nor a command (one of"
              f" {', '.join(SUBCOMMANDS)})", file=sys.stderr)
        return 2
    from previz._qt.app import run

    return run(args)


def _could_be_project(first: str) -> bool:
    """A project to open: an existing file, or a name ending in .previz (the app says if it
    cannot be opened)."""
    from pathlib import Path

    return first.endswith(".previz") or Path(first).is_file()


def _is_cli(first: str) -> bool:
    from previz.cli import SUBCOMMANDS

    return first in SUBCOMMANDS or first.startswith("-")


if __name__ == "__main__":
    sys.exit(main())
