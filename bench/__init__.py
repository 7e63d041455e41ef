"""The throughput suite: `python -m bench [PATH]` (the same as `arules bench [PATH]`)."""
