"""The packaged ``previz`` executable: the desktop app, or a subcommand of the command line."""

import sys

from previz.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
