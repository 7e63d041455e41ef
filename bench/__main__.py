"""`python -m bench [PATH]`: the throughput suite (`bench/suite.py`), run from a checkout."""
import sys

from bench.suite import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="python -m bench"))
