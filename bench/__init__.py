"""The throughput suite, outside the package: `python -m bench [PATH]` (bench/suite.py)."""
