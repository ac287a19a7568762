# Installed, but a plugin file of the same name is what the tests run.
from .__about__ import __version__
from .check import ShadowedCheck

__all__ = ['__version__', 'ShadowedCheck']
