"""What python_host's C++ side calls: load a check file, create an instance,
describe an exception.  Every failure becomes one clear line of text."""
import importlib.util
import os
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
    one is an error naming them, where the agent would pick by name.  When
    none of them is a leaf (a check file loaded earlier subclassed the
    integration's class: the agent then finds nothing), the imported ones
    are the candidates."""
    candidates = [obj for obj in vars(module).values() if _is_agent_check(obj)]
    defined = [c for c in candidates if c.__module__ == module_name]
    if defined:
        return defined
    imported = [c for c in candidates
                if not any(c.__module__ == m or c.__module__.startswith(m + '.')
                           for m in _FRAMEWORK_MODULES)]
    return [c for c in imported if not c.__subclasses__()] or imported


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


def _origin_of(module):
    """Where a module was found: a package's folder, else its file."""
    path = getattr(module, '__file__', None)
    if path and os.path.basename(path) == '__init__.py':
        return os.path.dirname(path)
    if path:
        return path
    # A namespace package has no file, only folders.
    folders = list(getattr(module, '__path__', None) or [])
    return folders[0] if folders else None


def _describe_module_error(exc, name):
    """'NAME: FILE line N: ExcType: message', FILE relative to the package
    and the last of its lines the import went through (a missing dependency
    is usually imported a few files deep)."""
    if isinstance(exc, SyntaxError) and exc.filename:
        text, where = '%s: %s' % (type(exc).__name__, exc.msg), (exc.filename, exc.lineno)
    else:
        text = '%s: %s' % (type(exc).__name__, exc) if str(exc) else type(exc).__name__
        where = None
    try:
        spec = importlib.util.find_spec(name)
    except BaseException:
        spec = None
    root = spec.origin if spec is not None and spec.origin else None
    if root and spec.submodule_search_locations:
        root = os.path.dirname(root)
    if root and where is None:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            path = frame.f_code.co_filename
            if path == root or path.startswith(root + os.sep):
                where = (path, lineno)
    if root and where and (where[0] == root or where[0].startswith(root + os.sep)):
        file = os.path.relpath(where[0], os.path.dirname(root) if where[0] == root else root)
        return '%s: %s line %s: %s' % (name, file, where[1], text)
    return '%s: %s' % (name, text)


def load_module(name):
    """An installed integration by its module name (datadog_checks.NAME):
    (class, version, origin, None), or (None, None, None, 'one-line
    reason').  The class rule is load_check's (an integration's package
    imports its class from a submodule); origin is the package's folder.  Its
    config models and relative imports work as under the Datadog agent
    because the module keeps its real name."""
    try:
        module = importlib.import_module(name)
    except (KeyboardInterrupt, SystemExit) as e:
        return None, None, None, '%s raised during import of %s' % (type(e).__name__, name)
    except ModuleNotFoundError as e:
        if e.name is not None and (name == e.name or name.startswith(e.name + '.')):
            return None, None, None, 'no module %s on the Python path' % name
        return None, None, None, _describe_module_error(e, name)
    except BaseException as e:
        return None, None, None, _describe_module_error(e, name)
    cls, error = _one_class(module, name, name)
    if error:
        return None, None, None, error
    return cls, _version_of(module), _origin_of(module), None


def environment():
    """What `vigil version` says of the Python side, as JSON text: the
    Python version, and the datadog_checks.base checks import (its version
    and folder; "shim" when it is Vigil's own, which serves only when no
    datadog_checks_base is installed), or why it cannot be imported."""
    import json
    import platform
    info = {'python': platform.python_version()}
    shim = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        'datadog_checks', 'base')
    try:
        base = importlib.import_module('datadog_checks.base')
    except BaseException as e:
        where = None
        try:
            spec = importlib.util.find_spec('datadog_checks.base')
            where = spec and spec.origin and os.path.dirname(spec.origin)
        except BaseException:
            pass
        text = '%s: %s' % (type(e).__name__, e) if str(e) else type(e).__name__
        info['datadog_checks_base'] = {'error': text, 'path': where}
    else:
        origin = _origin_of(base)
        info['datadog_checks_base'] = {
            'version': _version_of(base),
            'path': origin,
            'shim': origin is not None and os.path.realpath(origin) == os.path.realpath(shim),
        }
    return json.dumps(info)


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


# pydantic 2 or not, probed once: None when it is there, else what is.
_PYDANTIC_UNSET = object()
_pydantic_problem = _PYDANTIC_UNSET
# Checks already told that their configuration models are not loaded.
_models_skipped = set()


def _without_pydantic2():
    """None when pydantic 2 is importable; else what was found instead
    ('pydantic 1.10.4', 'no pydantic')."""
    global _pydantic_problem
    if _pydantic_problem is _PYDANTIC_UNSET:
        try:
            import pydantic
        except ImportError:
            _pydantic_problem = 'no pydantic'
        else:
            version = str(getattr(pydantic, 'VERSION', getattr(pydantic, '__version__', '?')))
            _pydantic_problem = None if version.split('.')[0].isdigit() and \
                int(version.split('.')[0]) >= 2 else 'pydantic ' + version
    return _pydantic_problem


def _config_models_without_pydantic2(check, name):
    """The published base validates an integration's options with its
    `config_models`, which need pydantic 2 (field_validator, model_validate).
    Under pydantic 1 (Debian 12's 1.10) importing them fails at the first
    run, every run, and the check sends nothing.  So, only when the check's
    package has models and pydantic 2 is missing: the base's model loading
    is dropped from the check's initializations, and one warning per check
    says so.  The options are then used as the YAML gives them, as custom
    checks (which have no models) always are.  A check whose code reads
    `self.config` still fails, with that AttributeError."""
    inits = getattr(check, 'check_initializations', None)
    loader = getattr(type(check), 'load_configuration_models', None)
    if inits is None or loader is None or not hasattr(inits, 'remove'):
        return
    # The package the base derives the models' module from.
    package = '.'.join(type(check).__module__.split('.')[:2]) + '.config_models'
    try:
        if importlib.util.find_spec(package) is None:
            return  # no models: the base skips them itself
    except (ImportError, ValueError):
        return
    found = _without_pydantic2()
    if found is None:
        return
    for init in list(inits):
        if getattr(init, '__func__', None) is loader:
            inits.remove(init)
            if name not in _models_skipped:
                _models_skipped.add(name)
                check.log.warning(
                    '%s: configuration models (%s) not loaded: they need pydantic 2, '
                    'this Python has %s; options are used as written', name, package, found)


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
    _config_models_without_pydantic2(check, name)
    return check


def format_exception(exc, with_traceback):
    """'ExcType: message', then the traceback when asked."""
    name = type(exc).__name__
    text = '%s: %s' % (name, exc) if str(exc) else name
    if not with_traceback or exc.__traceback__ is None:
        return text
    tb = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return text + '\n' + tb.rstrip('\n')
