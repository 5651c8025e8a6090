"""optgrade_notebook -- serve the functions of a Jupyter notebook (or a Jupytext
percent-format script) to the optgrade grader with the Python kit.

The grader runs it as

    python3 optgrade_notebook.py NOTEBOOK [--run defs|all]

It reads the notebook with the standard json module (no Jupyter needed), takes the code
cells in order, drops IPython magics and shell lines (%matplotlib, !pip install ...) with
a note, and runs the cells in one namespace:

* --run defs (the default): only definitions (def, class), imports and constant
  assignments run; a training loop, a plot or a dataset download in a cell does not
  (each skipped statement is noted with its cell and line);
* --run all: every statement runs, as "Run all" would.

A cell that does not parse is reported with its cell number and line, and costs only the
functions it defines (they answer with that SyntaxError). The hello answer carries
"cells", the cell that defines each function, so that the grader names it next to a
failing task; a function that raises names its cell in its error too. What a cell prints while it runs is shown per cell ("[cell 3] ...")
in the student's output. Standard library only, besides optgrade_kit next to this file.
"""

import ast
import functools
import json
import linecache
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optgrade_kit  # noqa: E402

_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)", re.M)
_PERCENT = re.compile(r"^# %%(.*)$")


def note(msg):
    sys.stderr.write("optgrade notebook: %s\n" % msg)


def read_cells(path):
    """[(cell number, source)] of the code cells, numbered among all cells from 1."""
    if path.endswith(".ipynb"):
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        cells = nb.get("cells") if isinstance(nb, dict) else None
        if not isinstance(cells, list):
            raise ValueError("%s is not a Jupyter notebook (nbformat 4): it has no cells" % path)
        out = []
        for i, c in enumerate(cells, 1):
            if not isinstance(c, dict) or c.get("cell_type") != "code":
                continue
            src = c.get("source", "")
            if isinstance(src, list):
                src = "".join(s for s in src if isinstance(s, str))
            out.append((i, src if isinstance(src, str) else ""))
        return out
    # Jupytext percent format: cells start at lines "# %%" ("# %% [markdown]" for text).
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines(True)
    cells, cur, kind = [], [], "code"
    for line in lines:
        m = _PERCENT.match(line.rstrip("\n"))
        if m:
            if cur or cells:
                cells.append((kind, "".join(cur)))
            cur, kind = [], ("markdown" if "[markdown]" in m.group(1) or "[md]" in m.group(1) else "code")
            continue
        cur.append(line)
    cells.append((kind, "".join(cur)))
    return [(i, src) for i, (kind, src) in enumerate(cells, 1) if kind == "code"]


def drop_magics(n, src):
    """Blank out IPython magics and shell lines (keeping line numbers)."""
    lines = src.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        note("cell %d: a cell magic (%s) is not Python: the cell is skipped" % (n, lines[0].strip()))
        return ""
    for j, line in enumerate(lines):
        s = line.lstrip()
        if s.startswith(("%", "!")) or re.match(r"^[A-Za-z_]\w*\s*=\s*[!%]", s):
            note("cell %d, line %d: skipped the IPython line %s" % (n, j + 1, s[:60]))
            lines[j] = ""
    return "\n".join(lines)


def _constant(node):
    """A value made of literals, names and attributes with arithmetic: no calls."""
    for sub in ast.walk(node):
        if not isinstance(sub, (ast.Constant, ast.Name, ast.Attribute, ast.Load, ast.BinOp,
                                ast.UnaryOp, ast.operator, ast.unaryop, ast.Tuple, ast.List,
                                ast.Dict, ast.Set)):
            return False
    return True


def _kept(stmt):
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
        return True
    if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
        return _constant(stmt.value)
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.value is None or _constant(stmt.value)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True  # a docstring
    return False


_KINDS = {ast.For: "a for loop", ast.While: "a while loop", ast.Expr: "an expression",
          ast.If: "an if", ast.With: "a with block", ast.Assign: "an assignment that computes"}


class _CellOutput:
    """What a cell prints goes to stderr, each line prefixed with its cell."""

    def __init__(self, n):
        self.prefix, self.start = "[cell %d] " % n, True

    def write(self, s):
        out = []
        for part in s.splitlines(True):
            if self.start:
                out.append(self.prefix)
            out.append(part)
            self.start = part.endswith("\n")
        sys.stderr.write("".join(out))
        return len(s)

    def flush(self):
        sys.stderr.flush()


def _named_error(name, msg):
    return type(name, (Exception,), {})(msg)


def _wrap(fn, n, name):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            raise
        except Exception as e:
            sys.stderr.write("optgrade notebook: %s (cell %d) raised:\n" % (name, n))
            traceback.print_exception(type(e), e, e.__traceback__.tb_next, file=sys.stderr)
            msg = str(e).strip().replace("\n", " ")
            raise _named_error(type(e).__name__, "%s%s(in cell %d, `%s`)" % (msg, " " if msg else "", n, name))
    return call


def _broken(name, msg):
    def call(**kwargs):
        raise _named_error("SyntaxError", msg)
    call.__name__ = name
    return call


def load(path, run_all):
    ns = {"__name__": "__notebook__", "__file__": os.path.abspath(path), "__builtins__": __builtins__}
    os.environ["OPTGRADE_NOTEBOOK_GRADING"] = "1"  # the self-check cell does nothing then
    cell_of, broken, sources = {}, {}, {}
    for n, src in read_cells(path):
        src = drop_magics(n, src)
        name = "<cell %d>" % n
        try:
            tree = ast.parse(src, filename=name)
        except SyntaxError as e:
            where = "cell %d, line %s" % (n, e.lineno)
            note("%s: SyntaxError: %s -- the functions of this cell are not graded" % (where, e.msg))
            for fn in _DEF.findall(src):
                broken[fn] = ("%s (%s, `%s`)" % (e.msg, where, fn), n)
                cell_of.pop(fn, None)
            continue
        if not run_all:
            kept = []
            for stmt in tree.body:
                if _kept(stmt):
                    kept.append(stmt)
                else:
                    note("cell %d, line %d: not run at grading time (%s; only definitions, imports "
                         "and constants run -- notebook: {run: all} runs everything)"
                         % (n, stmt.lineno, _KINDS.get(type(stmt), "a statement")))
            tree.body = kept
        sources[name] = src
        _register(name, src)
        saved = sys.stdout
        sys.stdout = _CellOutput(n)
        try:
            exec(compile(tree, name, "exec"), ns)
        except (Exception, SystemExit) as e:
            note("cell %d raised %s: %s" % (n, type(e).__name__, e))
            traceback.print_exception(type(e), e, e.__traceback__, file=sys.stderr)
        finally:
            sys.stdout = saved
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cell_of[stmt.name] = n
                broken.pop(stmt.name, None)
    # The cells' sources again: a cell that ran may have cleared linecache (a library
    # calling linecache.clearcache()), and the kit reads them back with inspect.getsource
    # to tell a stub (only `raise NotImplementedError`) from an attempt.
    for name, src in sources.items():
        _register(name, src)
    served = dict(ns)
    where, cells = [], {}
    for fn in optgrade_kit.CATALOG:
        if fn in broken:
            served[fn] = _broken(fn, broken[fn][0])
            cells[fn] = broken[fn][1]
        elif fn in cell_of and callable(ns.get(fn)):
            served[fn] = _wrap(ns[fn], cell_of[fn], fn)
            cells[fn] = cell_of[fn]
            where.append("%s (cell %d)" % (fn, cell_of[fn]))
    if where:
        note("functions by cell: " + ", ".join(where))
    _hello_cells(cells)
    return served


def _register(name, src):
    """Make a cell's source visible to inspect and traceback under its file name."""
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)


def _hello_cells(cells):
    """Add to the kit's hello answer "cells": the cell (numbered among all cells from 1)
    that defines each catalog function, so the grader names it next to a failing task.
    The protocol lets a hello carry informational keys; a grader that does not know
    "cells" ignores it."""
    kit_hello = getattr(optgrade_kit, "_hello", None)
    if kit_hello is None or not cells:
        return

    @functools.wraps(kit_hello)
    def hello(*args, **kwargs):
        result = kit_hello(*args, **kwargs)
        if isinstance(result, dict):
            result["cells"] = dict(cells)
        return result
    optgrade_kit._hello = hello


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.stderr.write("usage: optgrade_notebook.py NOTEBOOK [--run defs|all]\n")
        return 2
    run_all = len(argv) >= 3 and argv[1] == "--run" and argv[2] == "all"
    try:
        ns = load(argv[0], run_all)
    except (OSError, ValueError) as e:
        sys.stderr.write("optgrade notebook: cannot read %s: %s\n" % (argv[0], e))
        return 2
    optgrade_kit.serve(ns)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
