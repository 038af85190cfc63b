#!/usr/bin/env python3
"""Runs a command and prints `wall_s=… peak_mb=…` (peak resident memory of the command).

Portable stand-in for GNU time's -v on a machine that lacks it; the command's own output
goes through unchanged. Usage: scripts/measure.py COMMAND [ARGS…]
"""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
status = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"wall_s={wall:.2f} peak_mb={peak_kib / 1024:.0f}", file=sys.stderr)
sys.exit(status)
