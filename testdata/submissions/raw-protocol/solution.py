"""raw-protocol: a complete, correct Optimization-assignment submission that speaks
the optgrade wire protocol v1 directly (DESIGN.md section 1), with the Python standard
library only -- no numpy, no kit. It is an independent reading of the spec, used to
cross-check the kit and the reference.

Protocol: one JSON request per line on stdin, one JSON response per line on stdout,
answered (and flushed) as soon as each request is read; exit 0 at end of input.
"""
import json
import math
import sys

PROTOCOL = 1


# ---------------------------------------------------------------- helpers

def _log_factor(base):
    """Divide natural logs by this to get logs in `base` (absent => e)."""
    if base is None:
        return 1.0
    base = float(base)
    if not (base > 0) or base == 1:
        raise ValueError("base must be a positive number other than 1, got %r" % base)
    return math.log(base)


def _floats(xs):
    return [float(x) for x in xs]


def _fsum(xs):
    """Accurate sum; falls back to a plain sum when an intermediate overflows
    (diverging trajectories must give inf/nan, not an exception)."""
    xs = list(xs)
    try:
        return math.fsum(xs)
    except (OverflowError, ValueError):
        return sum(xs)


def _dot(a, b):
    return _fsum(x * y for x, y in zip(a, b))


def _softplus(z):
    """log(1 + e^z), without overflow."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# ---------------------------------------------------------------- catalog

def bernoulli_nll(lam, y, base=None):
    lam = float(lam)
    n = len(y)
    s = _fsum(-yi * math.log(lam) - (1 - yi) * math.log(1 - lam) for yi in y)
    return s / n / _log_factor(base)


def bernoulli_nll_grad(lam, y, base=None):
    lam = float(lam)
    n = len(y)
    s = _fsum(-yi / lam + (1 - yi) / (1 - lam) for yi in y)
    return s / n / _log_factor(base)


def bernoulli_mle(y):
    return _fsum(float(v) for v in y) / len(y)


def cross_entropy(p, lam, base=None):
    p = float(p)
    lam = float(lam)
    return (-p * math.log(lam) - (1 - p) * math.log(1 - lam)) / _log_factor(base)


def quadratic_loss(w, a):
    return _fsum(float(ai) * float(wi) * float(wi) for ai, wi in zip(a, w))


def quadratic_grad(w, a):
    return [2.0 * float(ai) * float(wi) for ai, wi in zip(a, w)]


def logistic_loss(w, X, y):
    w = _floats(w)
    n = len(X)
    terms = []
    for xi, yi in zip(X, y):
        z = _dot(_floats(xi), w)
        # -y log s(z) - (1-y) log(1-s(z)) = softplus(z) - y z
        terms.append(_softplus(z) - float(yi) * z)
    total = _fsum(terms)
    return total / n


def logistic_grad(w, X, y, batch=None):
    w = _floats(w)
    rows = list(range(len(X))) if batch is None else [int(i) for i in batch]
    d = len(w)
    sums = [[] for _ in range(d)]
    for i in rows:
        xi = _floats(X[i])
        r = _sigmoid(_dot(xi, w)) - float(y[i])
        for j in range(d):
            sums[j].append(r * xi[j])
    m = len(rows)
    return [_fsum(s) / m for s in sums]


def gd_step(w, g, lr):
    lr = float(lr)
    return [float(wi) - lr * float(gi) for wi, gi in zip(w, g)]


def momentum_step(w, v, g, lr, beta):
    lr, beta = float(lr), float(beta)
    v_new = [beta * float(vi) + (1 - beta) * float(gi) for vi, gi in zip(v, g)]
    w_new = [float(wi) - lr * vi for wi, vi in zip(w, v_new)]
    return {"w": w_new, "v": v_new}


def normalized_step(w, g, lr):
    lr = float(lr)
    out = []
    for wi, gi in zip(w, g):
        wi, gi = float(wi), float(gi)
        out.append(wi if gi == 0 else wi - lr * gi / abs(gi))
    return out


def adam_step(w, m, v, t, g, lr, beta1, beta2, eps):
    lr, b1, b2, eps = float(lr), float(beta1), float(beta2), float(eps)
    t = int(t)
    if t < 1:
        raise ValueError("t must be >= 1, got %d" % t)
    m_new, v_new, w_new = [], [], []
    c1 = 1 - b1 ** t
    c2 = 1 - b2 ** t
    for wi, mi, vi, gi in zip(w, m, v, g):
        gi = float(gi)
        mi = b1 * float(mi) + (1 - b1) * gi
        vi = b2 * float(vi) + (1 - b2) * gi * gi
        m_hat = mi / c1
        v_hat = vi / c2
        w_new.append(float(wi) - lr * m_hat / (math.sqrt(v_hat) + eps))
        m_new.append(mi)
        v_new.append(vi)
    return {"w": w_new, "m": m_new, "v": v_new}


def lr_linear(k, lr0, lr_tau, tau):
    k, lr0, lr_tau, tau = float(k), float(lr0), float(lr_tau), float(tau)
    if k >= tau:
        return lr_tau
    f = k / tau
    return (1 - f) * lr0 + f * lr_tau


def lr_exponential(k, lr0, tau):
    return float(lr0) * math.exp(-float(k) / float(tau))


def train(problem, optimizer, w0, steps, batches=None, schedule=None):
    kind = problem["kind"]
    if kind == "quadratic":
        a = _floats(problem["a"])
        loss_fn = lambda w: quadratic_loss(w, a)
        grad_fn = lambda w, k: quadratic_grad(w, a)
    elif kind == "logistic":
        X, y = problem["X"], problem["y"]
        loss_fn = lambda w: logistic_loss(w, X, y)

        def grad_fn(w, k):
            b = batches[k] if batches is not None else None
            return logistic_grad(w, X, y, b)
    else:
        raise ValueError("unknown problem kind %r" % kind)

    opt = optimizer["kind"]
    lr = float(optimizer["lr"])
    steps = int(steps)

    def rate(k):
        if schedule is None:
            return lr
        sk = schedule["kind"]
        if sk == "linear":
            return lr_linear(k, lr, schedule["lr_tau"], schedule["tau"])
        if sk == "exponential":
            return lr_exponential(k, lr, schedule["tau"])
        raise ValueError("unknown schedule kind %r" % sk)

    w = _floats(w0)
    d = len(w)
    m = [0.0] * d
    v = [0.0] * d
    ws = [w]
    losses = [loss_fn(w)]
    for k in range(steps):
        g = grad_fn(w, k)
        a_k = rate(k)
        if opt == "gd":
            w = gd_step(w, g, a_k)
        elif opt == "momentum":
            r = momentum_step(w, v, g, a_k, optimizer["beta"])
            w, v = r["w"], r["v"]
        elif opt == "normalized":
            w = normalized_step(w, g, a_k)
        elif opt == "adam":
            r = adam_step(w, m, v, k + 1, g, a_k,
                          optimizer["beta1"], optimizer["beta2"], optimizer["eps"])
            w, m, v = r["w"], r["m"], r["v"]
        else:
            raise ValueError("unknown optimizer kind %r" % opt)
        ws.append(w)
        losses.append(loss_fn(w))
    return {"w": ws, "loss": losses}


def diagnose(loss, w=None):
    loss = _floats(loss)
    N = len(loss) - 1
    if N < 4:
        raise ValueError("diagnose needs at least 5 loss values, got %d" % len(loss))
    # 1. diverging
    finite = all(math.isfinite(x) for x in loss)
    if w is not None:
        finite = finite and all(math.isfinite(float(x)) for row in w for x in row)
    if not finite or loss[N] > loss[0]:
        return "diverging"
    # 2. oscillating
    rises = sum(1 for k in range(N) if loss[k + 1] > loss[k])
    if 4 * rises >= N:
        return "oscillating"
    if w is not None:
        h = N // 2
        for i in range(len(w[0])):
            d = [float(w[k + 1][i]) - float(w[k][i]) for k in range(N)]
            pairs = range(h, N - 1)  # pairs (d_k, d_{k+1}), k >= N//2, k+1 <= N-1
            flips = sum(1 for k in pairs if d[k] * d[k + 1] < 0)
            if len(pairs) > 0 and flips >= 0.8 * len(pairs) and abs(d[N - 1]) >= 0.1 * abs(d[h]):
                return "oscillating"
    # 3. converged
    if loss[N] <= 1e-3 * loss[0] or abs(loss[N] - loss[N - 1]) <= 1e-6 * (loss[0] - loss[N]):
        return "converged"
    # 4. slow
    return "slow"


CATALOG = {
    "bernoulli_nll": bernoulli_nll,
    "bernoulli_nll_grad": bernoulli_nll_grad,
    "bernoulli_mle": bernoulli_mle,
    "cross_entropy": cross_entropy,
    "quadratic_loss": quadratic_loss,
    "quadratic_grad": quadratic_grad,
    "logistic_loss": logistic_loss,
    "logistic_grad": logistic_grad,
    "gd_step": gd_step,
    "momentum_step": momentum_step,
    "normalized_step": normalized_step,
    "adam_step": adam_step,
    "lr_linear": lr_linear,
    "lr_exponential": lr_exponential,
    "train": train,
    "diagnose": diagnose,
}

# Argument names each function understands; anything else in a request is ignored.
ARGS = {
    "bernoulli_nll": ("lam", "y", "base"),
    "bernoulli_nll_grad": ("lam", "y", "base"),
    "bernoulli_mle": ("y",),
    "cross_entropy": ("p", "lam", "base"),
    "quadratic_loss": ("w", "a"),
    "quadratic_grad": ("w", "a"),
    "logistic_loss": ("w", "X", "y"),
    "logistic_grad": ("w", "X", "y", "batch"),
    "gd_step": ("w", "g", "lr"),
    "momentum_step": ("w", "v", "g", "lr", "beta"),
    "normalized_step": ("w", "g", "lr"),
    "adam_step": ("w", "m", "v", "t", "g", "lr", "beta1", "beta2", "eps"),
    "lr_linear": ("k", "lr0", "lr_tau", "tau"),
    "lr_exponential": ("k", "lr0", "tau"),
    "train": ("problem", "optimizer", "w0", "steps", "batches", "schedule"),
    "diagnose": ("loss", "w"),
}


# ---------------------------------------------------------------- protocol

def handle(req):
    """Return the response object for one decoded request."""
    rid = req.get("id")
    fn = req.get("fn")
    args = req.get("args") or {}
    if fn == "hello":
        return {"id": rid, "result": {
            "protocol": PROTOCOL,
            "functions": sorted(CATALOG),
            "language": "python",
            "student": "raw-protocol",
        }}
    f = CATALOG.get(fn)
    if f is None:
        return {"id": rid, "error": "NotImplementedError: %s" % fn}
    try:
        kwargs = {k: v for k, v in args.items() if k in ARGS[fn]}
        return {"id": rid, "result": f(**kwargs)}
    except Exception as e:  # any failure costs this call only
        return {"id": rid, "error": "%s: %s" % (type(e).__name__, e)}


def main():
    out = sys.stdout
    while True:
        line = sys.stdin.readline()
        if not line:
            break  # EOF: done
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("request is not a JSON object")
        except ValueError as e:
            sys.stderr.write("raw-protocol: ignoring bad request line: %s\n" % e)
            continue
        resp = handle(req)
        try:
            text = json.dumps(resp)
        except (TypeError, ValueError) as e:
            text = json.dumps({"id": resp.get("id"),
                               "error": "TypeError: result of %s is not JSON-serializable: %s"
                                        % (req.get("fn"), e)})
        out.write(text + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
