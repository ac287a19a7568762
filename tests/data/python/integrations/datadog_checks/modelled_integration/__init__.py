# Laid out as an integrations-core package with configuration models, which
# the published base loads at the first run and which need pydantic 2.
from .check import ModelledIntegrationCheck

__version__ = '1.0.0'
__all__ = ['__version__', 'ModelledIntegrationCheck']
