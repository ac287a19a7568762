# A namespace shared with every other datadog_checks folder on the path
# (Vigil's shim, an installed datadog_checks_base), as the real one is.
__path__ = __import__('pkgutil').extend_path(__path__, __name__)
