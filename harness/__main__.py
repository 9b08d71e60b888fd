"""``python -m harness`` is the same as ``rivta-harness``."""

from harness.cli import main

raise SystemExit(main())
