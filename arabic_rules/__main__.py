"""``python -m arabic_rules`` is ``arules``."""
import sys

from .cli import main

sys.exit(main())
