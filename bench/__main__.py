"""`python -m bench [PATH]`: a thin wrapper; the suite lives in `arabic_rules.benchmark`."""
import argparse
import sys

from arabic_rules.benchmark import add_arguments, main

if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="python -m bench", description="Throughput suite of arabic_rules.")
    add_arguments(ap)
    sys.exit(main(ap.parse_args()))
