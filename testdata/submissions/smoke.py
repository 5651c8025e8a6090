#!/usr/bin/env python3
"""Smoke test of the sample submissions (a dev aid, standard library only).

    python3 testdata/submissions/smoke.py [-v]

Talks the optgrade wire protocol to each sample in this folder, one request at a time
(each answer must arrive before the next request is written, so a submission that waits
for end of input fails here), and checks:

- the lecture's numbers (L(0.3) = 0.2652949955741215 in base 10, 0.611 in nats, λ̂ = 0.3);
- raw-protocol (stdlib, no kit) and python-reference (numpy + kit) agree to 1e-12 on a
  few hundred seeded random calls of every catalog function, train and diagnose included;
- each broken-* sample differs from python-reference on exactly the functions (and train
  configurations) its mistake should affect, and agrees everywhere else;
- partial implements exactly its five functions, the rest answer NotImplementedError;
- misbehaving: diagnose hangs (timeout), lr_exponential kills the process, quadratic_loss
  answers NaN, adam_step floods stdout with non-protocol lines but answers correctly,
  cross_entropy answers correctly.

Submissions run with $OPTGRADE_PYTHON (default /usr/bin/python3, which must have numpy).
Exit status 0 when everything holds.
"""

import json
import math
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.environ.get("OPTGRADE_PYTHON", "/usr/bin/python3")
VERBOSE = "-v" in sys.argv
TOL = 1e-12

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL", msg)


def ok(msg):
    if VERBOSE:
        print("ok  ", msg)


# ------------------------------------------------------------------ a protocol client

class Died(Exception):
    pass


class Timeout(Exception):
    pass


class Proc:
    """One submission process; restarted on demand after a hang or a crash."""

    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(HERE, name)
        self.p = None
        self.next_id = 1
        self.noise_lines = 0  # stdout lines that were not responses
        self.hello = None

    def start(self):
        self.p = subprocess.Popen([PYTHON, "solution.py"], cwd=self.dir,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        self.q = queue.Queue()
        t = threading.Thread(target=self._reader, args=(self.p.stdout, self.q), daemon=True)
        t.start()
        self.hello = self._request("hello", {"protocol": 1}, rid=0, timeout=30)

    @staticmethod
    def _reader(stream, q):
        for raw in stream:
            q.put(raw)
        q.put(None)

    def kill(self):
        if self.p is not None:
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.p.wait()
            self.p = None

    def close(self):
        """End of input: the submission must exit 0."""
        if self.p is None:
            return None
        self.p.stdin.close()
        try:
            rc = self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            return "hung at EOF"
        self.p = None
        return rc

    def _request(self, fn, args, rid, timeout):
        line = json.dumps({"id": rid, "fn": fn, "args": args}) + "\n"
        try:
            self.p.stdin.write(line.encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            self.kill()
            raise Died(fn)
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            try:
                raw = self.q.get(timeout=max(left, 0.001))
            except queue.Empty:
                self.kill()
                raise Timeout(fn)
            if raw is None:
                self.kill()
                raise Died(fn)
            try:
                resp = json.loads(raw)
            except ValueError:
                self.noise_lines += 1
                continue
            if not (isinstance(resp, dict) and "id" in resp and
                    (("result" in resp) != ("error" in resp))):
                self.noise_lines += 1
                continue
            if resp["id"] != rid:
                raise AssertionError("%s: response id %r for request %r" % (self.name, resp["id"], rid))
            return resp

    def call(self, fn, args, timeout=20):
        if self.p is None:
            self.start()
        rid = self.next_id
        self.next_id += 1
        return self._request(fn, args, rid, timeout)


# ------------------------------------------------------------------ comparing

def close(a, b, tol=TOL):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        if math.isnan(a) or math.isnan(b):
            return False
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= tol + tol * abs(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(close(a[k], b[k], tol) for k in a)
    return False


def same(r1, r2, tol=TOL):
    if "result" in r1 and "result" in r2:
        return close(r1["result"], r2["result"], tol)
    return False


# a broken sample "differs" where a grader with a typical tolerance would notice
BROKEN_TOL = 1e-6


# ------------------------------------------------------------------ inputs

Y_LECTURE = [1, 0, 0, 0, 0, 0, 0, 1, 1, 0]


def rvec(rng, d, lo=-2.0, hi=2.0):
    return [rng.uniform(lo, hi) for _ in range(d)]


def cases(seed=1):
    """(label, fn, args) for every catalog function; label names train configurations."""
    rng = random.Random(seed)
    out = []
    for _ in range(6):
        y = [rng.randint(0, 1) for _ in range(rng.randint(5, 20))]
        if sum(y) * 2 == len(y):  # keep mean != median so broken-mle-median shows
            y.append(0)
        lam, p = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)
        for base in (None, 10, 2.0, 0.5):
            a = {"lam": lam, "y": y}
            c = {"p": p, "lam": lam}
            if base is not None:
                a["base"] = base
                c["base"] = base
            out.append(("bernoulli_nll", "bernoulli_nll", a))
            out.append(("bernoulli_nll_grad", "bernoulli_nll_grad", dict(a)))
            out.append(("cross_entropy", "cross_entropy", c))
        out.append(("bernoulli_mle", "bernoulli_mle", {"y": y}))
    for _ in range(6):
        d = rng.randint(1, 5)
        w, a = rvec(rng, d), rvec(rng, d, 0.05, 3)
        out.append(("quadratic_loss", "quadratic_loss", {"w": w, "a": a}))
        out.append(("quadratic_grad", "quadratic_grad", {"w": w, "a": a}))
    for _ in range(6):
        n, d = rng.randint(4, 12), rng.randint(1, 4)
        X = [rvec(rng, d, -3, 3) for _ in range(n)]
        y = [rng.randint(0, 1) for _ in range(n)]
        w = rvec(rng, d, -3, 3)
        out.append(("logistic_loss", "logistic_loss", {"w": w, "X": X, "y": y}))
        out.append(("logistic_grad", "logistic_grad", {"w": w, "X": X, "y": y}))
        batch = rng.sample(range(n), rng.randint(2, n - 1))
        out.append(("logistic_grad", "logistic_grad", {"w": w, "X": X, "y": y, "batch": batch,
                                                        "unknown_future_arg": 1}))
    for _ in range(6):
        d = rng.randint(2, 5)
        w, g, v, m = rvec(rng, d), rvec(rng, d), rvec(rng, d), rvec(rng, d)
        g[rng.randrange(d)] = 0.0
        lr = rng.uniform(0.001, 0.5)
        out.append(("gd_step", "gd_step", {"w": w, "g": g, "lr": lr}))
        out.append(("momentum_step", "momentum_step",
                    {"w": w, "v": v, "g": g, "lr": lr, "beta": rng.uniform(0.5, 0.99)}))
        out.append(("normalized_step", "normalized_step", {"w": w, "g": g, "lr": lr}))
        vv = [abs(x) for x in v]
        out.append(("adam_step", "adam_step",
                    {"w": w, "m": m, "v": vv, "t": rng.randint(1, 6), "g": g, "lr": lr,
                     "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}))
    for k in (0, 1, 5, 9, 10, 11, 30):
        out.append(("lr_linear", "lr_linear", {"k": k, "lr0": 0.5, "lr_tau": 0.05, "tau": 10}))
        out.append(("lr_exponential", "lr_exponential", {"k": k, "lr0": 0.5, "tau": 7.5}))

    # diagnose on GD trajectories of random quadratics (with and without w) and noisy curves
    for _ in range(16):
        a = rvec(rng, 2, 0.05, 2.5)
        lr = rng.choice([0.01, 0.1, 0.3, 0.38, 0.4, 0.45, 0.48, 0.5, 0.51, 0.6])
        w = [rvec(rng, 2)]
        for _ in range(rng.randint(4, 30)):
            w.append([wi - lr * 2 * ai * wi for wi, ai in zip(w[-1], a)])
        loss = [sum(ai * wi * wi for ai, wi in zip(a, wk)) for wk in w]
        out.append(("diagnose", "diagnose", {"loss": loss, "w": w}))
        out.append(("diagnose", "diagnose", {"loss": loss}))
    for _ in range(8):
        loss = [1.0]
        for _ in range(rng.randint(4, 20)):
            loss.append(loss[-1] * rng.uniform(0.6, 1.1))
        out.append(("diagnose", "diagnose", {"loss": loss}))

    # train: every optimizer, with and without schedules, both problems
    opts = {
        "gd": {"kind": "gd", "lr": 0.1},
        "momentum": {"kind": "momentum", "lr": 0.1, "beta": 0.9},
        "normalized": {"kind": "normalized", "lr": 0.05},
        "adam": {"kind": "adam", "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    }
    scheds = {"none": None, "linear": {"kind": "linear", "lr_tau": 0.01, "tau": 8},
              "exponential": {"kind": "exponential", "tau": 6}}
    quad = {"kind": "quadratic", "a": [0.1, 2.0]}
    n, d = 16, 3
    X = [rvec(rng, d - 1, -2, 2) + [1.0] for _ in range(n)]
    ylog = [rng.randint(0, 1) for _ in range(n)]
    logi = {"kind": "logistic", "X": X, "y": ylog}
    steps = 15
    batches = [rng.sample(range(n), 4) for _ in range(steps)]
    for oname, opt in opts.items():
        for sname, sch in scheds.items():
            args = {"problem": quad, "optimizer": opt, "w0": [1.5, -1.0], "steps": steps}
            if sch:
                args["schedule"] = sch
            out.append(("train/quadratic/%s/%s" % (oname, sname), "train", args))
        for mode in ("full", "batches"):
            args = {"problem": logi, "optimizer": opt, "w0": [0.3, -0.2, 0.1], "steps": steps}
            if mode == "batches":
                args["batches"] = batches
            out.append(("train/logistic/%s/%s" % (oname, mode), "train", args))
    return out


def lecture_curves():
    """The lecture's GD runs on 0.1 w1² + 2 w2², plus a few hand-made curves."""
    curves = []
    # (alpha, label with w, label from the loss alone: at 0.48 the loss falls monotonically)
    for lr, want, want_loss_only in ((0.01, "slow", "slow"), (0.48, "oscillating", "slow"),
                                     (0.51, "diverging", "diverging")):
        w = [[1.0, 1.0]]
        for _ in range(20):
            w1, w2 = w[-1]
            w.append([w1 - lr * 0.2 * w1, w2 - lr * 4.0 * w2])
        loss = [0.1 * a * a + 2 * b * b for a, b in w]
        curves.append(("lecture alpha=%g" % lr, {"loss": loss, "w": w}, want))
        curves.append(("lecture alpha=%g loss only" % lr, {"loss": loss}, want_loss_only))
    curves.append(("geometric", {"loss": [0.5 ** k for k in range(20)]}, "converged"))
    curves.append(("zigzag", {"loss": [1, 0.8, 0.9, 0.7, 0.8, 0.6, 0.7, 0.5]}, "oscillating"))
    curves.append(("nan", {"loss": [1, 0.5, float("nan"), 0.2, 0.1]}, "diverging"))
    curves.append(("flat", {"loss": [1, 0.5, 0.4, 0.4, 0.4, 0.4]}, "converged"))
    return curves


# ------------------------------------------------------------------ the checks

# label prefixes each broken sample must differ on (and nothing else)
EXPECT = {
    "broken-adam-no-bias": {"adam_step", "train/quadratic/adam/", "train/logistic/adam/"},
    "broken-momentum-plain": {"momentum_step", "train/quadratic/momentum/",
                              "train/logistic/momentum/"},
    # normalized steps are scale-invariant (sign(sum) = sign(mean)); Adam is up to ε
    # (trajectories differ by ~1e-7 only), so neither counts as affected at 1e-6
    "broken-sgd-sum": {"logistic_grad", "train/logistic/gd/", "train/logistic/momentum/"},
    "broken-log10": {"bernoulli_nll", "bernoulli_nll_grad", "cross_entropy"},
    "broken-normalized-l2": {"normalized_step", "train/quadratic/normalized/",
                             "train/logistic/normalized/"},
    "broken-lr-linear": {"lr_linear", "train/quadratic/gd/linear", "train/quadratic/momentum/linear",
                         "train/quadratic/normalized/linear", "train/quadratic/adam/linear"},
    "broken-mle-median": {"bernoulli_mle"},
}


def affected(label, prefixes):
    """A prefix ending in "/" or naming a train configuration matches by prefix."""
    return any(label == p or label.startswith(p) and (p.endswith("/") or p.startswith("train/"))
               for p in prefixes)


def run_all(proc, cs):
    out = []
    for label, fn, args in cs:
        try:
            out.append(proc.call(fn, args))
        except (Timeout, Died) as e:
            out.append({"error": "%s: %s" % (type(e).__name__, e)})
    return out


def check_lecture(proc):
    r = proc.call("bernoulli_nll", {"lam": 0.3, "y": Y_LECTURE, "base": 10})
    if abs(r.get("result", 1e9) - 0.2652949955741215) > 1e-15:
        fail("%s: bernoulli_nll base 10 = %r" % (proc.name, r))
    r = proc.call("bernoulli_nll", {"lam": 0.3, "y": Y_LECTURE})
    if abs(r.get("result", 1e9) - 0.611) > 5e-4:
        fail("%s: bernoulli_nll nats = %r" % (proc.name, r))
    r = proc.call("bernoulli_mle", {"y": Y_LECTURE})
    if abs(r.get("result", 1e9) - 0.3) > 1e-15:
        fail("%s: bernoulli_mle = %r" % (proc.name, r))
    r = proc.call("bernoulli_nll_grad", {"lam": 0.3, "y": Y_LECTURE, "base": 10})
    if abs(r.get("result", 1e9)) > 1e-14:
        fail("%s: bernoulli_nll_grad at the MLE = %r" % (proc.name, r))
    ok("%s: lecture numbers" % proc.name)


def check_diagnose(proc):
    for label, args, want in lecture_curves():
        r = proc.call("diagnose", args)
        if r.get("result") != want:
            fail("%s: diagnose %s = %r, want %s" % (proc.name, label, r, want))
    ok("%s: diagnose curves" % proc.name)


def main():
    cs = cases()
    print("%d random calls per sample" % len(cs))

    ref = Proc("python-reference")
    raw = Proc("raw-protocol")
    for p in (ref, raw):
        p.start()
        fns = p.hello["result"]["functions"]
        if len(fns) != 16:
            fail("%s: hello lists %d functions" % (p.name, len(fns)))
        check_lecture(p)
        check_diagnose(p)
    want = run_all(ref, cs)
    got = run_all(raw, cs)
    for (label, fn, args), a, b in zip(cs, got, want):
        if "error" in a or "error" in b or not same(a, b):
            fail("raw-protocol vs python-reference differ on %s: %r vs %r"
                 % (label, a, b))
    print("raw-protocol vs python-reference: %d/%d calls agree to %g"
          % (sum(1 for a, b in zip(got, want) if same(a, b)), len(cs), TOL))
    for p in (ref, raw):
        rc = p.close()
        if rc != 0:
            fail("%s: exit status at EOF %r" % (p.name, rc))

    # broken samples: differ exactly where expected
    for name, prefixes in EXPECT.items():
        p = Proc(name)
        p.start()
        res = run_all(p, cs)
        differs = sorted({label for (label, _, _), a, b in zip(cs, res, want)
                          if not same(a, b, BROKEN_TOL)})
        should = sorted({label for label, _, _ in cs if affected(label, prefixes)})
        if differs != should:
            fail("%s: differs on %s, expected %s" % (name, differs, should))
        print("%-22s differs on %2d labels: %s" % (name, len(differs), ", ".join(differs)))
        if p.close() != 0:
            fail("%s: bad exit at EOF" % name)

    # partial
    p = Proc("partial")
    p.start()
    impl = ["bernoulli_nll", "bernoulli_mle", "quadratic_loss", "quadratic_grad", "gd_step"]
    if p.hello["result"]["functions"] != impl:
        fail("partial: hello lists %r" % p.hello["result"]["functions"])
    res = run_all(p, cs)
    for (label, fn, args), a, b in zip(cs, res, want):
        if fn in impl and not same(a, b):
            fail("partial: %s differs: %r vs %r" % (label, a, b))
        if fn not in impl and a.get("error") != "NotImplementedError: %s" % fn:
            fail("partial: %s answered %r" % (label, a))
    print("partial: implements %s; the rest answer NotImplementedError" % ", ".join(impl))
    if p.close() != 0:
        fail("partial: bad exit at EOF")

    # misbehaving
    p = Proc("misbehaving")
    p.start()
    by_fn = {}
    for (label, fn, args), b in zip(cs, want):
        by_fn.setdefault(fn, (args, b))
    t0 = time.time()
    try:
        p.call("diagnose", {"loss": [1, 0.5, 0.25, 0.125, 0.0625]}, timeout=2)
        fail("misbehaving: diagnose answered")
    except Timeout:
        print("misbehaving: diagnose hangs (killed after %.1fs)" % (time.time() - t0))
    try:
        p.call("lr_exponential", by_fn["lr_exponential"][0], timeout=10)
        fail("misbehaving: lr_exponential answered")
    except Died:
        print("misbehaving: lr_exponential kills the process")
    r = p.call("quadratic_loss", by_fn["quadratic_loss"][0])
    if not (isinstance(r.get("result"), float) and math.isnan(r["result"])):
        fail("misbehaving: quadratic_loss = %r" % r)
    else:
        print("misbehaving: quadratic_loss answers NaN")
    before = p.noise_lines
    r = p.call("adam_step", by_fn["adam_step"][0], timeout=30)
    if not same(r, by_fn["adam_step"][1]):
        fail("misbehaving: adam_step = %r" % r)
    else:
        print("misbehaving: adam_step correct after %d non-protocol stdout lines"
              % (p.noise_lines - before))
    r = p.call("cross_entropy", by_fn["cross_entropy"][0])
    if not same(r, by_fn["cross_entropy"][1]):
        fail("misbehaving: cross_entropy = %r" % r)
    for fn in ("train", "bernoulli_nll", "logistic_grad", "momentum_step"):
        args, b = by_fn[fn]
        if not same(p.call(fn, args), b):
            fail("misbehaving: %s should be correct" % fn)
    print("misbehaving: cross_entropy, train and the others correct")
    p.close()

    if failures:
        print("\n%d FAILURES" % len(failures))
        return 1
    print("\nall smoke checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
