# Logs as the published datadog_checks_base makes integrations log: its
# init_logging(), run when the base is imported, adds its own
# AgentLogHandler to the root logger without looking at what is there, and
# the package logs while it is imported.
import logging

import datadog_agent


class AgentLogHandler(logging.Handler):
    def emit(self, record):
        datadog_agent.log('loud-format | ' + record.getMessage(), record.levelno)


if not any(type(h) is AgentLogHandler for h in logging.getLogger().handlers):
    logging.getLogger().addHandler(AgentLogHandler())
logging.getLogger(__name__).warning('loud_integration is being imported')

from .check import LoudIntegrationCheck  # noqa: E402

__version__ = '1.0.0'
__all__ = ['__version__', 'LoudIntegrationCheck']
