"""backcare: a local-first back-pain and exercise diary that answers honestly what goes with lower pain."""

import os

# One BLAS thread (unless the person chose otherwise), set before anything imports numpy: the
# Insights regressions use matrices of a few thousand rows by a few dozen columns, for which
# OpenBLAS's worker threads mostly spin and take CPU from the app's other threads
# (benchmarks/bench_pages.py prints the ten-year model's time with one thread and with one per CPU).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from backcare.errors import BackcareError, ImportFormatError, StoreError, ValidationError
from backcare.models import CheckIn, MovementLog, Session, checkin_from_input, session_from_input

__version__ = "0.1.0"

__all__ = [
    "BackcareError",
    "CheckIn",
    "ImportFormatError",
    "MovementLog",
    "Session",
    "StoreError",
    "ValidationError",
    "__version__",
    "checkin_from_input",
    "session_from_input",
]
