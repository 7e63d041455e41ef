"""`python -m bench [PATH]`: a thin wrapper; the suite lives in `arabic_rules.benchmark`."""
import sys

from arabic_rules.benchmark import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="python -m bench"))
