# Generated models of integrations-core import pydantic 2's API: under
# pydantic 1 this import fails.
from pydantic import BaseModel, field_validator  # noqa: F401
