"""One AST at a time in the test process: a guard against CPython bug gh-106905.

CPython 3.11 (the 3.11.7 of CI among them) counts the AST converter's recursion depth in one
counter per interpreter, not per thread. Two threads turning source into an AST or an AST into
code at the same moment can corrupt it, and one of them fails with "SystemError: AST
constructor recursion depth mismatch"; it failed a clean CI run. Both happen here at once:
the browser tests serve the app from threads (tests/browser/conftest.py) while the test's own
thread builds apps (werkzeug compiles every URL rule from an AST, so each create_app does) or
formats a failure, and the server threads parse source whenever a traceback is formatted
(3.11's tracebacks ast.parse the failing line); the concurrency tests run threads too.

Locking create_app alone would leave the server threads' tracebacks racing it, and moving the
servers to subprocesses would leave their own request threads racing each other, so the lock
is taken where the bug is: every compile() that makes or consumes an AST (ast.parse calls
compile() too) waits for the others. Other compiles pass straight through. This module has no
``from __future__`` import on purpose: see ``compile`` below.
"""

import __future__

import ast
import builtins
import sys
import threading

_LOCK = threading.RLock()
_BUILTIN_COMPILE = builtins.compile
_FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag


def compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kwargs):
    """builtins.compile, holding the lock while an AST is made or compiled."""
    if not dont_inherit:
        # The builtin inherits the __future__ flags of the code that calls it; that is now
        # this module, so hand on the real caller's flags instead, exactly as it would.
        flags |= sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
    if flags & ast.PyCF_ONLY_AST or isinstance(source, ast.AST):
        with _LOCK:
            return _BUILTIN_COMPILE(source, filename, mode, flags, True, optimize, **kwargs)
    return _BUILTIN_COMPILE(source, filename, mode, flags, True, optimize, **kwargs)


def install() -> None:
    """Route every compile() in this process through the lock (idempotent)."""
    builtins.compile = compile
