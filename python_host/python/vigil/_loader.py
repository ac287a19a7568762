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


def _is_agent_check(obj, module_name):
    """A class defined in the check's own module that derives from any
    AgentCheck (Vigil's, or an installed datadog_checks_base's)."""
    if not isinstance(obj, type) or obj.__module__ != module_name:
        return False
    return any(base.__name__ == 'AgentCheck' for base in obj.__mro__[1:])


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

    classes = [obj for obj in vars(module).values() if _is_agent_check(obj, module_name)]
    file_name = path.rsplit('/', 1)[-1]
    if not classes:
        return None, None, "no AgentCheck subclass in '%s'" % file_name
    if len(classes) > 1:
        names = ', '.join(sorted(c.__name__ for c in classes))
        return None, None, "more than one AgentCheck subclass in '%s': %s" % (file_name, names)
    version = getattr(module, '__version__', None)
    return classes[0], (str(version) if version is not None else None), None


def create_check(cls, name, init_config_json, instance_json, check_id):
    """cls(name, init_config, [instance]), then check_id, as the agent does."""
    import json
    init_config = json.loads(init_config_json) if init_config_json else {}
    instance = json.loads(instance_json) if instance_json else {}
    check = cls(name, init_config or {}, [instance])
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
