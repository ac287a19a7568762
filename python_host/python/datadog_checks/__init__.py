# A namespace shared with any installed datadog_checks.* packages.
__path__ = __import__('pkgutil').extend_path(__path__, __name__)
