# An integration whose dependency is not installed.
from .check import BrokenCheck  # noqa: F401
