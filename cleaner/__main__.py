"""``python -m cleaner``: run the command line and exit with its code."""

import sys

from cleaner.cli import main

sys.exit(main())
