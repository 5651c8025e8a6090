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
import sys
import textwrap
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

def _select_args(fn, args):
    """Keep only the argument names fn accepts (all of them if it has **kwargs)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return dict(args), None
    params = sig.parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return dict(args), sig
    names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return {k: v for k, v in args.items() if k in names}, sig


# Arguments that are integers by contract; every other number is a float64.
_INT_ARGS = frozenset(("t", "k", "steps", "batch", "batches"))


def _floats(x, key=None):
    """JSON integers become floats except in integer arguments, so that
    np.array(w) is a float array even when the grader writes 1.0 as `1`."""
    if key in _INT_ARGS:
        return x
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return float(x)
    if isinstance(x, list):
        return [_floats(v) for v in x]
    if isinstance(x, dict):
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
    if isinstance(x, numbers.Real):  # int, numpy scalars, Fraction, ...
        return float(x)
    if isinstance(x, dict):
        return {str(k): _to_plain(v, depth + 1) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_plain(v, depth + 1) for v in x]
    if _np is not None and isinstance(x, _np.ndarray):
        return _to_plain(x.tolist(), depth + 1)
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


def _encode(resp):
    return json.dumps(resp, allow_nan=True, separators=(",", ":"))


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


def _arm(after):
    """Dump every thread's stack to stderr if this call runs longer than `after` seconds,
    so that a hung call shows where it hangs before the grader kills it."""
    try:
        faulthandler.dump_traceback_later(after, exit=False, file=sys.stderr)
    except Exception:  # stderr without a file descriptor, or no faulthandler support
        pass


def _disarm():
    try:
        faulthandler.cancel_dump_traceback_later()
    except Exception:
        pass


def _mark(what, rid):
    """Mark the start or end of call rid on stderr, so that the grader shows what the
    student prints next to the call it happened in (the marker lines are not shown)."""
    try:
        sys.stderr.write("\x1eoptgrade %s %s\n" % (what, rid if isinstance(rid, int) else -1))
        sys.stderr.flush()
    except Exception:
        pass


# ---------------------------------------------------------------- serving

def serve(namespace=None, exit=True):
    """Answer optgrade protocol requests from stdin until end of input.

    namespace is your module's globals() (or the module itself); default __main__.
    At end of input the process exits 0 (unless exit=False, then serve returns 0).
    """
    ns = _namespace(namespace)
    dump_after = _dump_after(None)
    marking = False
    funcs = _find_functions(ns)
    stubs = frozenset(n for n, f in funcs.items() if _is_stub(f))
    proto_out = sys.stdout  # the real stdout: protocol lines only
    proto_in = sys.stdin
    saved = sys.stdout, sys.stdin
    sys.stdout = sys.stderr  # the student's prints go to stderr
    sys.stdin = io.StringIO()  # and input() cannot eat protocol lines
    try:
        while True:
            line = proto_in.readline()
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
            except ValueError as e:
                sys.stderr.write("optgrade_kit: not a JSON request, ignored: %s\n" % e)
                continue
            if not isinstance(req, dict):
                sys.stderr.write("optgrade_kit: request is not a JSON object, ignored\n")
                continue
            rid = req.get("id")
            fn_name = req.get("fn")
            if fn_name == "hello":
                resp = {"id": rid, "result": _hello(funcs, stubs, ns)}
                dump_after = _dump_after(req.get("args"))
                marking = True  # a grader (which always says hello first) reads the marks
            elif not isinstance(fn_name, str):
                resp = {"id": rid, "error": "ValueError: request has no fn"}
            else:
                if marking:
                    _mark("call", rid)
                _arm(dump_after)
                try:
                    kind, value = _call(funcs, fn_name, req.get("args") or {}, stubs)
                finally:
                    _disarm()
                    if marking:
                        _mark("end", rid)
                resp = {"id": rid, kind: value}
            try:
                text = _encode(resp)
            except Exception as e:
                text = _encode({"id": rid, "error": "TypeError: result of %s is not "
                                "JSON-serializable: %s" % (fn_name, e)})
            try:
                sys.stderr.flush()
            except Exception:
                pass
            proto_out.write(text + "\n")
            proto_out.flush()
    except BrokenPipeError:
        pass  # the grader went away
    finally:
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
