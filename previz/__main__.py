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
    from previz._qt.app import run

    return run(args)


def _is_cli(first: str) -> bool:
    from previz.cli import SUBCOMMANDS

    return first in SUBCOMMANDS or first.startswith("-")


if __name__ == "__main__":
    sys.exit(main())
