"""``python -m registry``: the same as the ``registry`` command."""

import sys

from registry.cli import main

sys.exit(main())
