"""Stand-ins for core.trace.service.serve, run in the trace runner's child process by the tests."""

from __future__ import annotations

import sys
import time


def sleeps(variant, request, conn) -> None:
    time.sleep(30)


def garbles(variant, request, conn) -> None:
    conn.send_bytes(b"hello")


def exits_3(variant, request, conn) -> None:
    sys.exit(3)
