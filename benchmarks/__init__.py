"""Development benchmarks for the cleaner (not part of the package; run them from the repository root)."""
