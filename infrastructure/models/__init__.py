"""Abstract model building blocks for every app, and the record of deferred work."""
from .arrays import IntegerArrayField  # noqa: F401
from .bases import (  # noqa: F401
    Archivable,
    RationaleCategory,
    RationaleHistory,
    TimeStamped,
    Versioned,
    history,
    money_field,
)
from .deferred import DeferredTask  # noqa: F401
from .single_row import SingleRow  # noqa: F401
