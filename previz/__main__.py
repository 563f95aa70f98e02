"""The ``previz`` entry point: the subcommands of ``previz.cli`` (the desktop app joins later)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``previz`` with ``argv`` (default: the process's arguments)."""
    from previz import cli

    return cli.main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
