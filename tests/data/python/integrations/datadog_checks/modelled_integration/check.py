"""A test integration with configuration models, run the way the published
base 35 runs them: its initializations (load_configuration_models first)
at the start of the first run, put back and raised again when they fail."""
import importlib
from collections import deque

from datadog_checks.base import AgentCheck


class ModelledIntegrationCheck(AgentCheck):
    __NAMESPACE__ = 'modelled'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.check_initializations = deque([self.load_configuration_models])

    def load_configuration_models(self):
        # As the base: the package's config_models module, imported by name.
        importlib.import_module(__name__.rsplit('.', 1)[0] + '.config_models')
        self.models_loaded = True

    def check(self, instance):
        while self.check_initializations:
            init = self.check_initializations.popleft()
            try:
                init()
            except Exception:
                self.check_initializations.appendleft(init)
                raise
        self.gauge('models_loaded', 1 if getattr(self, 'models_loaded', False) else 0)
        self.gauge('value', float(instance.get('value', 0)))
