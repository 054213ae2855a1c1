"""The benchmark behind `make bench` (see docs/PERFORMANCE.md)."""
