# Laid out as an integrations-core package: the version from __about__, the
# check class imported from a submodule, not defined here.
from .__about__ import __version__
from .check import EchoIntegrationCheck

__all__ = ['__version__', 'EchoIntegrationCheck']
