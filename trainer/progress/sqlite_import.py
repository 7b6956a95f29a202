"""sqlite-utils, loaded without numpy and pandas.

sqlite-utils imports numpy and pandas whenever they are installed (scikit-learn, for the optional style
analysis, brings numpy) only to accept their values in inserts, which trainer never passes; numpy alone
costs 0.2-0.3 s of every command that opens the database (a supervisor's report, a trainee's start-up).
Both are hidden while sqlite-utils loads, and importable as usual afterwards.
"""

from __future__ import annotations

import sys

_UNUSED = ("numpy", "pandas")


def database_class():
    """sqlite_utils.Database, importing sqlite-utils first if need be with numpy and pandas hidden."""
    if "sqlite_utils.db" not in sys.modules:
        hidden = [name for name in _UNUSED if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # an import of it now fails fast, as if it were not installed
        try:
            import sqlite_utils.db  # noqa: F401
        finally:
            for name in hidden:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]
    from sqlite_utils import Database

    return Database
