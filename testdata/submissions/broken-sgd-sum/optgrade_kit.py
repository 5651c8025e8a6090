"""optgrade_kit -- serve your solution.py to the optgrade grader.

You do not need to read or change this file. Put it next to your solution.py and
end solution.py with

    if __name__ == "__main__":
        import optgrade_kit
        optgrade_kit.serve(globals())

Then `optgrade check` (or the grader) starts `python3 solution.py` and talks to it over
the optgrade wire protocol v1: one JSON request per line on stdin, one JSON response per
line on stdout.  The kit:

* finds the catalog functions you defined (by their exact names, e.g. `adam_step`);
  a function whose body is only `raise NotImplementedError` counts as not attempted;
* calls `fn(**args)`, passing only the argument names your function accepts (all of
  them if it takes **kwargs), so new optional arguments never break old code; numbers
  arrive as Python floats (lists of floats), except the integer arguments t, k, steps,
  batch and batches, which are ints;
* converts what you return: numpy arrays and scalars, tuples and dicts of those become
  plain JSON numbers/arrays/objects (for momentum_step, adam_step and train a tuple
  like (w, v) is also accepted and named in catalog order);
* reports an exception as an error for that call only ("ValueError: ...", or
  "NotImplementedError: <fn>") and prints the traceback to stderr for you;
* keeps your print() output off the protocol: while it runs, sys.stdout is your
  stderr, which the grader shows you as your output, next to the call that printed it
  (the kit marks each call on stderr with a line starting with the byte 0x1e);
* dumps your stack to stderr if a call runs nearly as long as the grader's timeout, so
  you see where it hangs;
* answers every request as soon as it reads it and exits 0 at end of input.

Standard library only; numpy is used if it is installed, never required.
"""

import ast
import faulthandler
import inspect
import io
import json
import math
import numbers
import os
import select
import sys
import textwrap
import time
import traceback

__version__ = "1.0.0"
PROTOCOL = 1

# The function catalog of the Optimization assignment (DESIGN.md section 2), in order.
CATALOG = (
    "bernoulli_nll",
    "bernoulli_nll_grad",
    "bernoulli_mle",
    "cross_entropy",
    "quadratic_loss",
    "quadratic_grad",
    "logistic_loss",
    "logistic_grad",
    "gd_step",
    "momentum_step",
    "normalized_step",
    "adam_step",
    "lr_linear",
    "lr_exponential",
    "train",
    "diagnose",
)

# Functions whose result is an object; a tuple result is named in this order.
_RESULT_KEYS = {
    "momentum_step": ("w", "v"),
    "adam_step": ("w", "m", "v"),
    "train": ("w", "loss"),
}

try:  # optional
    import numpy as _np
except Exception:  # pragma: no cover - numpy absent or broken
    _np = None


class _Unserializable(Exception):
    pass


# ---------------------------------------------------------------- finding functions

def _namespace(ns):
    if ns is None:
        import __main__
        ns = __main__
    if isinstance(ns, dict):
        return ns
    return vars(ns)


def _is_stub(fn):
    """True if fn's body (after its docstring) is only `raise NotImplementedError`."""
    try:
        src = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(src)
    except Exception:
        return False
    if not tree.body or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = list(tree.body[0].body)
    if body and isinstance(body[0], ast.Expr) and isinstance(
            getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _find_functions(ns):
    found = {}
    for name in CATALOG:
        f = ns.get(name)
        if callable(f):
            found[name] = f
    return found


def _student_id(ns):
    """`student:` from optgrade.yaml next to the script, or None (a deliberately tiny parse)."""
    path = ns.get("__file__") or (sys.argv[0] if sys.argv and sys.argv[0] else None)
    if not path:
        return None
    yaml_path = os.path.join(os.path.dirname(os.path.abspath(path)), "optgrade.yaml")
    try:
        with open(yaml_path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("student:"):
                    value = line[len("student:"):].split(" #", 1)[0].strip()
                    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                        value = value[1:-1]
                    return value or None
    except OSError:
        return None
    return None


# ---------------------------------------------------------------- calling

_SIGNATURES = {}


def _signature(fn):
    """(signature or None, the argument names fn accepts or None if it has **kwargs, the
    names it requires), worked out once per function."""
    try:
        return _SIGNATURES[fn]
    except (KeyError, TypeError):
        pass
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        info = (None, None, frozenset())
    else:
        params = sig.parameters.values()
        names = None
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            names = frozenset(p.name for p in params
                              if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        required = frozenset(p.name for p in params if p.default is p.empty and p.kind in (
            p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        info = (sig, names, required)
    try:
        _SIGNATURES[fn] = info
    except TypeError:  # an unhashable callable
        pass
    return info


def _select_args(fn, args):
    """Keep only the argument names fn accepts (all of them if it has **kwargs); the
    signature is returned when the call would lack a required argument."""
    sig, names, required = _signature(fn)
    if names is None:
        kwargs = dict(args)
    else:
        kwargs = {k: v for k, v in args.items() if k in names}
    return kwargs, (sig if sig is not None and not required <= kwargs.keys() else None)


# Arguments that are integers by contract; every other number is a float64.
_INT_ARGS = frozenset(("t", "k", "steps", "batch", "batches"))


def _floats(x, key=None):
    """JSON integers become floats except in integer arguments, so that
    np.array(w) is a float array even when the grader writes 1.0 as `1`. (x is decoded
    JSON: its types are exactly list, dict, str, int, float, bool or None.)"""
    t = type(x)
    if t is float or key in _INT_ARGS:
        return x
    if t is list:
        for v in x:
            if type(v) is not float:
                return [_floats(v) for v in x]
        return x  # the usual vector of floats
    if t is int:
        return float(x)
    if t is dict:
        return {k: _floats(v, k) for k, v in x.items()}
    return x


def _to_plain(x, depth=0):
    """Convert a result to plain JSON values (numbers as float)."""
    if depth > 100:
        raise _Unserializable("nested too deeply")
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, float):
        return x
    if isinstance(x, dict):
        return {str(k): _to_plain(v, depth + 1) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_plain(v, depth + 1) for v in x]
    if _np is not None and isinstance(x, _np.ndarray):
        if x.dtype.kind == "f" and x.dtype.itemsize <= 8 and depth + x.ndim <= 100:
            return x.tolist()  # nested lists of Python floats already
        return _to_plain(x.tolist(), depth + 1)
    if isinstance(x, numbers.Real):  # int, numpy scalars, Fraction, ...
        return float(x)
    tolist = getattr(x, "tolist", None)  # numpy-likes (scalars, arrays, tensors)
    if callable(tolist):
        return _to_plain(tolist(), depth + 1)
    if isinstance(x, numbers.Complex):
        raise _Unserializable("complex number %r" % (x,))
    try:  # sets, generators, array.array, ...
        if hasattr(x, "__iter__"):
            return [_to_plain(v, depth + 1) for v in x]
    except _Unserializable:
        raise
    except Exception:
        pass
    raise _Unserializable("%s %r" % (type(x).__name__, x))


def _name_tuple(fn_name, result):
    keys = _RESULT_KEYS.get(fn_name)
    if keys and isinstance(result, tuple) and len(result) == len(keys):
        if all(not isinstance(r, (numbers.Number, str)) for r in result):
            return dict(zip(keys, result))
    return result


def _error_text(exc):
    msg = str(exc).strip().replace("\n", " ")
    return "%s: %s" % (type(exc).__name__, msg) if msg else type(exc).__name__


def _call(funcs, fn_name, args, stubs=frozenset()):
    """Return ("result", value) or ("error", text)."""
    f = funcs.get(fn_name)
    if f is None or fn_name in stubs:
        return "error", "NotImplementedError: %s" % fn_name
    if not isinstance(args, dict):
        return "error", "ValueError: args of %s is not a JSON object" % fn_name
    kwargs, sig = _select_args(f, _floats(args))
    if sig is not None:
        try:
            sig.bind(**kwargs)
        except TypeError as e:
            given = ", ".join(sorted(args)) or "none"
            return "error", ("TypeError: %s(): %s (the grader passes the arguments %s by "
                             "name; name your parameters as in the catalog)"
                             % (fn_name, e, given))
    try:
        result = f(**kwargs)
    except NotImplementedError:
        return "error", "NotImplementedError: %s" % fn_name
    except (Exception, SystemExit) as e:
        sys.stderr.write("optgrade_kit: %s raised:\n" % fn_name)
        tb = e.__traceback__.tb_next if e.__traceback__ is not None else None  # skip the kit's frame
        traceback.print_exception(type(e), e, tb, file=sys.stderr)
        return "error", _error_text(e)
    try:
        return "result", _to_plain(_name_tuple(fn_name, result))
    except (_Unserializable, Exception) as e:
        return "error", "TypeError: result of %s is not JSON-serializable: %s" % (fn_name, e)


def _hello(funcs, stubs, ns):
    implemented = [n for n in CATALOG if n in funcs and n not in stubs]
    result = {
        "protocol": PROTOCOL,
        "functions": implemented,
        "language": "python",
        "kit": __version__,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "marks_calls": True,  # what each call prints is marked on stderr (see _mark)
    }
    student = _student_id(ns)
    if student:
        result["student"] = student
    defined = _other_functions(ns)
    if defined:
        result["defined"] = defined  # so the grader can say "did you mean adam_step?"
    return result


def _other_functions(ns):
    """Public functions defined in the solution that are not catalog names (at most 100)."""
    module = ns.get("__name__")
    names = [k for k, v in ns.items()
             if not k.startswith("_") and k not in CATALOG and inspect.isfunction(v)
             and getattr(v, "__module__", None) == module]
    return sorted(names)[:100]


_ENCODER = json.JSONEncoder(allow_nan=True, separators=(",", ":"))


def _encode(resp):
    return _ENCODER.encode(resp)


# ---------------------------------------------------------------- hangs

def _dump_after(hello_args):
    """Seconds after which a call still running has its stack dumped to stderr: a little
    before the grader's own timeout (hello's "timeout", 10 s if absent) kills it."""
    timeout = 10.0
    if isinstance(hello_args, dict):
        t = hello_args.get("timeout")
        if isinstance(t, (int, float)) and not isinstance(t, bool) and t > 0:
            timeout = float(t)
    return max(0.2, min(timeout - 0.5, timeout * 0.9))


class _Watchdog:
    """Dumps every thread's stack to stderr when one call runs longer than `after` seconds,
    so that a hung call shows where it hangs before the grader kills it.

    faulthandler's timer starts a thread when armed and joins it when cancelled, which
    costs far more than a small call; so the timer stays armed across calls and is armed
    again only when it would fire more than `slack` too early for the call starting, and
    it is cancelled only before stdin is idle long enough for it to fire.
    """

    def __init__(self):
        self.after = _dump_after(None)
        self.fires = None  # when the armed timer fires (time.monotonic()), None if not armed

    def set_timeout(self, hello_args):
        self.after = _dump_after(hello_args)
        self.cancel()

    def slack(self):
        return 0.1 * self.after

    def call(self):
        """Before a call: a stack is dumped if it runs [after - slack, after] seconds."""
        now = time.monotonic()
        if self.fires is not None and self.fires - now >= self.after - self.slack():
            return
        try:
            faulthandler.dump_traceback_later(self.after, exit=False, file=sys.stderr)
            self.fires = now + self.after
        except Exception:  # stderr without a file descriptor, or no faulthandler support
            self.fires = None

    def done(self):
        """After a call: the timer must not fire in the kit's own code."""
        if self.fires is not None and time.monotonic() >= self.fires - self.slack():
            self.cancel()

    def idle(self, fd):
        """Before a read that may block: wait for input (on fd, if it can be polled) while
        the timer cannot fire, then cancel it."""
        if self.fires is None:
            return
        wait = self.fires - time.monotonic() - self.slack()
        if fd is not None and wait > 0:
            try:
                if select.select([fd], [], [], wait)[0]:
                    return
            except (OSError, ValueError):
                pass
        self.cancel()

    def cancel(self):
        if self.fires is not None:
            self.fires = None
            try:
                faulthandler.cancel_dump_traceback_later()
            except Exception:
                pass


class _Marks:
    """Marks the start and end of each call on stderr, so that the grader shows what the
    student prints next to the call it happened in (the marker lines are not shown). The
    end of a call is written with the start of the next, or before its answer is sent."""

    def __init__(self):
        self.on = False
        self.open = None  # the line ending the last call, not yet written

    def call(self, rid):
        if self.on:
            self._write((self.open or "") + "\x1eoptgrade call %s\n" % _mark_id(rid))
            self.open = None

    def end(self, rid):
        if self.on:
            self.open = "\x1eoptgrade end %s\n" % _mark_id(rid)

    def close(self):
        """Write the pending end, before the kit's own notes and before answers are sent."""
        if self.open is not None:
            self._write(self.open)
            self.open = None

    def _write(self, text):
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except Exception:
            pass


def _mark_id(rid):
    return rid if isinstance(rid, int) else -1


class _Input:
    """stdin's request lines, read a chunk at a time (bytes)."""

    def __init__(self, stream):
        buf = getattr(stream, "buffer", None)
        self.read1 = getattr(buf, "read1", None)
        self.stream = stream
        self.fd = None
        if self.read1 is not None and os.name == "posix":
            try:
                self.fd = buf.fileno()
            except (OSError, ValueError, AttributeError):
                pass
        self.lines = []
        self.rest = []  # the start of an unfinished line

    def pending(self):
        """Whether a whole line is waiting (so the next line() will not block)."""
        return bool(self.lines)

    def line(self):
        """The next line (without its newline), or None at end of input."""
        while not self.lines:
            chunk = self.read1(1 << 16) if self.read1 is not None else _to_bytes(self.stream.readline())
            if not chunk:
                if self.rest:
                    self.lines.append(b"".join(self.rest))
                    self.rest = []
                    break
                return None
            parts = chunk.split(b"\n")
            if len(parts) > 1:
                self.rest.append(parts[0])
                parts[0] = b"".join(self.rest)
                last = parts.pop()  # the start of the next line, if any
                self.rest = [last] if last else []
                self.lines = parts
                self.lines.reverse()
            else:
                self.rest.append(chunk)
        return self.lines.pop()


def _to_bytes(text):
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text


# ---------------------------------------------------------------- serving

def serve(namespace=None, exit=True):
    """Answer optgrade protocol requests from stdin until end of input.

    namespace is your module's globals() (or the module itself); default __main__.
    At end of input the process exits 0 (unless exit=False, then serve returns 0).
    """
    ns = _namespace(namespace)
    funcs = _find_functions(ns)
    stubs = frozenset(n for n, f in funcs.items() if _is_stub(f))
    proto_out = sys.stdout  # the real stdout: protocol lines only
    proto_in = _Input(sys.stdin)
    saved = sys.stdout, sys.stdin
    sys.stdout = sys.stderr  # the student's prints go to stderr
    sys.stdin = io.StringIO()  # and input() cannot eat protocol lines
    watchdog = _Watchdog()
    marks = _Marks()
    unsent = []  # answers not yet written: sent before the next call runs (it may hang)
    # or before a read that may block

    def send():
        marks.close()
        try:
            sys.stderr.flush()
        except Exception:
            pass
        proto_out.write("".join(unsent))
        proto_out.flush()
        del unsent[:]

    def note(text):
        marks.close()
        sys.stderr.write(text)

    try:
        while True:
            if unsent and not proto_in.pending():
                send()
            if not proto_in.pending():
                watchdog.idle(proto_in.fd)
            line = proto_in.line()
            if line is None:
                break
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
            except ValueError as e:
                note("optgrade_kit: not a JSON request, ignored: %s\n" % e)
                continue
            if not isinstance(req, dict):
                note("optgrade_kit: request is not a JSON object, ignored\n")
                continue
            rid = req.get("id")
            fn_name = req.get("fn")
            if fn_name == "hello":
                resp = {"id": rid, "result": _hello(funcs, stubs, ns)}
                watchdog.set_timeout(req.get("args"))
                marks.on = True  # a grader (which always says hello first) reads the marks
            elif not isinstance(fn_name, str):
                resp = {"id": rid, "error": "ValueError: request has no fn"}
            else:
                marks.call(rid)  # with the end of the call before, before its answer
                if unsent:
                    send()
                watchdog.call()
                try:
                    kind, value = _call(funcs, fn_name, req.get("args") or {}, stubs)
                finally:
                    watchdog.done()
                    marks.end(rid)
                resp = {"id": rid, kind: value}
            try:
                text = _encode(resp)
            except Exception as e:
                text = _encode({"id": rid, "error": "TypeError: result of %s is not "
                                "JSON-serializable: %s" % (fn_name, e)})
            unsent.append(text + "\n")
        if unsent:
            send()
        marks.close()
    except BrokenPipeError:
        pass  # the grader went away
    finally:
        watchdog.cancel()
        sys.stdout, sys.stdin = saved
    if exit:
        try:
            sys.stdout.flush()
        except Exception:  # stdout already closed by the grader: nothing to say
            os._exit(0)
        sys.exit(0)
    return 0


if __name__ == "__main__":
    sys.stderr.write("optgrade_kit %s: import me from solution.py and call "
                     "optgrade_kit.serve(globals()); see the module docstring.\n" % __version__)
    sys.exit(2)
