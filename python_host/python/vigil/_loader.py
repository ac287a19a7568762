"""What python_host's C++ side calls: load a check file, create an instance,
describe an exception.  Every failure becomes one clear line of text."""
import importlib.util
import sys
import traceback
import types

from vigil import _output

# Check modules live under this package, so a check file named like a
# library (redis.py, json.py) never replaces that library in sys.modules.
PACKAGE = 'vigil_checks'


def install_output():
    _output.install()
    if PACKAGE not in sys.modules:
        package = types.ModuleType(PACKAGE, 'Python checks loaded by Vigil')
        package.__path__ = []
        sys.modules[PACKAGE] = package
    return True


# Classes a check module imports to build on, never the check itself.
_FRAMEWORK_MODULES = ('datadog_checks.base', 'datadog_checks.checks', 'vigil')


def _is_agent_check(obj):
    """Any AgentCheck subclass (Vigil's, or an installed datadog_checks_base's)."""
    return isinstance(obj, type) and any(
        base.__name__ == 'AgentCheck' for base in obj.__mro__[1:])


def _check_classes(module, module_name):
    """The check classes of a module, by the Datadog agent's rule made strict.

    The agent takes the first AgentCheck subclass in dir(module) that has no
    subclass of its own, imported ones included: an integration's package
    imports its class from a submodule.  Here a class defined in the module
    wins; failing that, the imported ones that are leaves and not part of
    a framework (datadog_checks.base's OpenMetricsBaseCheck, ...).  More than
    one is an error naming them, where the agent would pick by name."""
    candidates = [obj for obj in vars(module).values() if _is_agent_check(obj)]
    defined = [c for c in candidates if c.__module__ == module_name]
    if defined:
        return defined
    return [c for c in candidates
            if not c.__subclasses__()
            and not any(c.__module__ == m or c.__module__.startswith(m + '.')
                        for m in _FRAMEWORK_MODULES)]


def _one_class(module, module_name, what):
    """(class, None) or (None, 'reason')."""
    classes = list({id(c): c for c in _check_classes(module, module_name)}.values())
    if not classes:
        return None, "no AgentCheck subclass in %s" % what
    if len(classes) > 1:
        names = ', '.join(sorted(c.__name__ for c in classes))
        return None, "more than one AgentCheck subclass in %s: %s" % (what, names)
    return classes[0], None


def _version_of(module):
    version = getattr(module, '__version__', None)
    return str(version) if version is not None else None


def _line_in(exc, path):
    """The last line of `path` the traceback passed through, if any."""
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == path:
            line = lineno
    return line


def _describe_load_error(exc, path):
    name = type(exc).__name__
    if isinstance(exc, SyntaxError) and exc.filename == path:
        return 'line %s: %s: %s' % (exc.lineno, name, exc.msg)
    text = '%s: %s' % (name, exc) if str(exc) else name
    line = _line_in(exc, path)
    return 'line %d: %s' % (line, text) if line else text


def load_check(path):
    """(class, version, None) or (None, None, 'one-line reason')."""
    stem = path.rsplit('/', 1)[-1]
    if stem.endswith('.py'):
        stem = stem[:-3]
    module_name = '%s.%s' % (PACKAGE, stem)
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None:
            return None, None, "cannot import '%s'" % path
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
    except (KeyboardInterrupt, SystemExit) as e:
        return None, None, '%s raised during import' % type(e).__name__
    except BaseException as e:
        return None, None, _describe_load_error(e, path)

    cls, error = _one_class(module, module_name, "'%s'" % path.rsplit('/', 1)[-1])
    if error:
        return None, None, error
    return cls, _version_of(module), None


def load_module(name):
    """An installed integration by its module name (datadog_checks.NAME):
    (class, version, file, None), or (None, None, None, 'one-line reason').
    Its config models and relative imports work as under the Datadog agent
    because the module keeps its real name."""
    try:
        module = importlib.import_module(name)
    except (KeyboardInterrupt, SystemExit) as e:
        return None, None, None, '%s raised during import of %s' % (type(e).__name__, name)
    except ModuleNotFoundError as e:
        if e.name is not None and (name == e.name or name.startswith(e.name + '.')):
            return None, None, None, 'no module %s' % name
        return None, None, None, '%s: %s: %s' % (name, type(e).__name__, e)
    except BaseException as e:
        return None, None, None, '%s: %s' % (name, _describe_load_error(e, None))
    cls, error = _one_class(module, name, name)
    if error:
        return None, None, None, error
    return cls, _version_of(module), getattr(module, '__file__', None), None


def _agent_config():
    """What the Datadog agent passes as agentConfig to old-style checks: its
    configuration.  Here the keys the agent gives python_host."""
    import datadog_agent
    config = {'version': datadog_agent.get_version()}
    for key in ('hostname', 'confd_path', 'log_level'):
        value = datadog_agent.get_config(key)
        if value is not None:
            config[key] = value
    return config


def create_check(cls, name, init_config_json, instance_json, check_id):
    """The instance, constructed as the Datadog agent constructs it: by
    keyword, with `instances` a 1-tuple; if that raises (an old-style
    __init__(self, name, init_config, agentConfig, instances=None)), again
    with agentConfig.  check_id is set afterwards, and only when non-empty."""
    import json
    init_config = json.loads(init_config_json) if init_config_json else {}
    instance = json.loads(instance_json) if instance_json else {}
    if init_config is None:
        init_config = {}
    if not isinstance(init_config, dict):
        raise TypeError("init_config is not a map")
    if not isinstance(instance, dict):
        raise TypeError("the instance is not a map")
    try:
        check = cls(name=name, init_config=init_config, instances=(instance,))
    except Exception as first:
        try:
            check = cls(name=name, init_config=init_config, instances=(instance,),
                        agentConfig=_agent_config())
        except Exception:
            # The error of the current API: the one a new check means.
            raise first from None
    if check_id:
        check.check_id = check_id
    return check


def format_exception(exc, with_traceback):
    """'ExcType: message', then the traceback when asked."""
    name = type(exc).__name__
    text = '%s: %s' % (name, exc) if str(exc) else name
    if not with_traceback or exc.__traceback__ is None:
        return text
    tb = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return text + '\n' + tb.rstrip('\n')
