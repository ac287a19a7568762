"""The Datadog agent's builtin `_util` module (rtloader/common/builtins/_util.c).

`get_subprocess_output` (alias `subprocess_output`) runs a command without a
shell and answers `(stdout, stderr, returncode)`, as the Datadog agent's Go
side does (pkg/collector/python/util.go):

- `command` is a non-empty list of str; `raise_on_empty` a bool (None: not
  given); `env` a dict of str to str or None.  The TypeErrors are rtloader's.
- A non-empty `env` replaces the whole environment; `{}` or None inherits
  the agent's.  The program is looked up in the agent's PATH, not in `env`'s.
- stdin is /dev/null; stdout and stderr are captured (UTF-8, undecodable
  bytes replaced).  A non-zero exit is the return code, not an exception; a
  process killed by a signal answers -1.
- `raise_on_empty` and no stdout: SubprocessOutputEmptyError.
- A program that cannot be started: `Exception("internal error running
  command: ...")`.

The Python thread waits in the subprocess module, which releases the GIL.
It wakes every half second, so Vigil's run timeout (an exception raised in
the thread) ends the wait; the child is then killed.
"""
import os
import shutil
import subprocess

__all__ = ['SubprocessOutputEmptyError', 'get_subprocess_output', 'subprocess_output']


class SubprocessOutputEmptyError(Exception):
    """get_subprocess_output(raise_on_empty=True) ran a command that printed nothing."""


def _internal_error(detail):
    return Exception('internal error running command: %s' % detail)


def _program(name):
    """The file to execute, found as Go's exec.LookPath finds it."""
    if '/' in name:
        return name
    found = shutil.which(name, path=os.environ.get('PATH', os.defpath))
    if found is None:
        raise _internal_error('exec: "%s": executable file not found in $PATH' % name)
    if not os.path.isabs(found):
        raise _internal_error('exec: "%s": cannot run executable found relative to current '
                              'directory' % name)
    return found


def _decode(data):
    return data.decode('utf-8', 'replace') if data else ''


def get_subprocess_output(command, raise_on_empty=None, *, env=None):
    """Run `command` (a list of str) and answer (stdout, stderr, returncode)."""
    if not isinstance(command, list):
        raise TypeError('command args is not a list')
    if not command:
        raise TypeError('invalid command: empty list')
    if not all(isinstance(arg, str) for arg in command):
        raise TypeError('command argument must be valid strings')
    if env is not None:
        if not isinstance(env, dict):
            raise TypeError('env is not a dict')
        for key, value in env.items():
            if not isinstance(key, str):
                raise TypeError('env key is not a string')
            if not isinstance(value, str):
                raise TypeError('env value is not a string')
    if raise_on_empty is not None and not isinstance(raise_on_empty, bool):
        raise TypeError('bad raise_on_empty argument: should be bool')

    program = _program(command[0])
    try:
        process = subprocess.Popen(command, executable=program, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=env or None, close_fds=True)
    except OSError as e:
        reason = (e.strerror or str(e)).lower()
        raise _internal_error('fork/exec %s: %s' % (program, reason)) from None
    with process:  # closes the pipes
        try:
            while True:
                try:
                    stdout, stderr = process.communicate(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    continue
        except BaseException:
            # The run's timeout (vigil.CheckTimeout): do not leave the
            # child behind.
            process.kill()
            process.wait()
            raise
    returncode = process.returncode
    if returncode < 0:
        returncode = -1  # Go's WaitStatus.ExitStatus() for a signalled child
    if raise_on_empty and not stdout:
        raise SubprocessOutputEmptyError('get_subprocess_output expected output but had none.')
    return _decode(stdout), _decode(stderr), returncode


subprocess_output = get_subprocess_output
