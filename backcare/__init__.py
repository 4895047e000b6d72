"""backcare: a local-first back-pain and exercise diary that answers honestly what goes with lower pain."""

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
