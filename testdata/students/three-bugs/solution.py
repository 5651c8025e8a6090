"""three-bugs: python-reference with THREE deliberate mistakes, as a student might hand in:
Adam without bias correction, momentum in the plain form v ← β·v + g, and lr_linear that
keeps interpolating after τ. Used to measure how long and readable the report is.
"""

import numpy as np


def _ln_base(base):
    """ln b, so that log_b x = ln x / ln b; 1 when base is absent (natural log)."""
    return 1.0 if base is None else np.log(base)


# ---- one-armed bandit ------------------------------------------------------------

def bernoulli_nll(lam, y, base=None):
    y = np.asarray(y, dtype=float)
    loss = -y * np.log(lam) - (1 - y) * np.log(1 - lam)
    return float(np.mean(loss) / _ln_base(base))


def bernoulli_nll_grad(lam, y, base=None):
    y = np.asarray(y, dtype=float)
    grad = -y / lam + (1 - y) / (1 - lam)
    return float(np.mean(grad) / _ln_base(base))


def bernoulli_mle(y):
    return float(np.mean(np.asarray(y, dtype=float)))


def cross_entropy(p, lam, base=None):
    return float((-p * np.log(lam) - (1 - p) * np.log(1 - lam)) / _ln_base(base))


# ---- losses -------------------------------------------------------------------------

def quadratic_loss(w, a):
    w, a = np.asarray(w, dtype=float), np.asarray(a, dtype=float)
    return float(np.sum(a * w * w))


def quadratic_grad(w, a):
    w, a = np.asarray(w, dtype=float), np.asarray(a, dtype=float)
    return 2 * a * w


def logistic_loss(w, X, y):
    w, X, y = np.asarray(w, dtype=float), np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    z = X @ w
    # -y ln s(z) - (1-y) ln(1-s(z)) = ln(1+e^z) - y z, computed stably
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def _sigmoid(z):
    # stable for large |z|
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _batch_grad(w, X, y, rows):
    Xb, yb = X[rows], y[rows]
    r = _sigmoid(Xb @ w) - yb
    return Xb.T @ r / len(rows)


def logistic_grad(w, X, y, batch=None):
    w, X, y = np.asarray(w, dtype=float), np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rows = np.arange(len(X)) if batch is None else np.asarray(batch, dtype=int)
    return _batch_grad(w, X, y, rows)


# ---- optimizer steps ----------------------------------------------------------------

def gd_step(w, g, lr):
    return np.asarray(w, dtype=float) - lr * np.asarray(g, dtype=float)


def _momentum(w, v, g, lr, beta):
    v = beta * v + g
    return w - lr * v, v


def momentum_step(w, v, g, lr, beta):
    w, v = _momentum(np.asarray(w, float), np.asarray(v, float), np.asarray(g, float), lr, beta)
    return {"w": w, "v": v}


def normalized_step(w, g, lr):
    w, g = np.asarray(w, dtype=float), np.asarray(g, dtype=float)
    return w - lr * np.sign(g)  # g/|g| per coordinate, 0 where g = 0


def _adam(w, m, v, t, g, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    w = w - lr * m / (np.sqrt(v) + eps)
    return w, m, v


def adam_step(w, m, v, t, g, lr, beta1, beta2, eps):
    w, m, v = _adam(np.asarray(w, float), np.asarray(m, float), np.asarray(v, float), t,
                    np.asarray(g, float), lr, beta1, beta2, eps)
    return {"w": w, "m": m, "v": v}


# ---- schedules ---------------------------------------------------------------------

def lr_linear(k, lr0, lr_tau, tau):
    return (1 - k / tau) * lr0 + (k / tau) * lr_tau


def lr_exponential(k, lr0, tau):
    return float(lr0 * np.exp(-k / tau))


# ---- training loop -----------------------------------------------------------------

def train(problem, optimizer, w0, steps, batches=None, schedule=None):
    if problem["kind"] == "quadratic":
        a = np.asarray(problem["a"], dtype=float)
        loss_fn = lambda w: quadratic_loss(w, a)
        grad_fn = lambda w, k: quadratic_grad(w, a)
    elif problem["kind"] == "logistic":
        X = np.asarray(problem["X"], dtype=float)
        y = np.asarray(problem["y"], dtype=float)
        loss_fn = lambda w: logistic_loss(w, X, y)
        grad_fn = lambda w, k: logistic_grad(w, X, y, None if batches is None else batches[k])
    else:
        raise ValueError("unknown problem kind %r" % problem["kind"])

    lr0 = optimizer["lr"]

    def rate(k):
        if schedule is None:
            return lr0
        if schedule["kind"] == "linear":
            return lr_linear(k, lr0, schedule["lr_tau"], schedule["tau"])
        if schedule["kind"] == "exponential":
            return lr_exponential(k, lr0, schedule["tau"])
        raise ValueError("unknown schedule kind %r" % schedule["kind"])

    kind = optimizer["kind"]
    w = np.asarray(w0, dtype=float)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    ws, losses = [w], [loss_fn(w)]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            g = grad_fn(w, k)
            lr = rate(k)
            if kind == "gd":
                w = gd_step(w, g, lr)
            elif kind == "momentum":
                w, v = _momentum(w, v, g, lr, optimizer["beta"])
            elif kind == "normalized":
                w = normalized_step(w, g, lr)
            elif kind == "adam":
                w, m, v = _adam(w, m, v, k + 1, g, lr,
                                optimizer["beta1"], optimizer["beta2"], optimizer["eps"])
            else:
                raise ValueError("unknown optimizer kind %r" % kind)
            ws.append(w)
            losses.append(loss_fn(w))
    return {"w": ws, "loss": losses}


# ---- diagnostics -------------------------------------------------------------------

def _weights_oscillate(w, N):
    w = np.asarray(w, dtype=float)
    d = np.diff(w, axis=0)           # d[k] = w[k+1] - w[k], k = 0 .. N-1
    h = N // 2
    pairs = d[h:N - 1] * d[h + 1:N]  # (d_k, d_{k+1}) for k = h .. N-2
    flips = np.sum(pairs < 0, axis=0)
    swinging = np.abs(d[N - 1]) >= 0.1 * np.abs(d[h])
    return bool(np.any((flips >= 0.8 * len(pairs)) & swinging))


def diagnose(loss, w=None):
    loss = np.asarray(loss, dtype=float)
    N = len(loss) - 1
    if N < 4:
        raise ValueError("need at least 5 losses, got %d" % len(loss))
    if not np.all(np.isfinite(loss)) or (w is not None and not np.all(np.isfinite(w))) \
            or loss[N] > loss[0]:
        return "diverging"
    if np.sum(np.diff(loss) > 0) >= N / 4:
        return "oscillating"
    if w is not None and _weights_oscillate(w, N):
        return "oscillating"
    if loss[N] <= 1e-3 * loss[0] or abs(loss[N] - loss[N - 1]) <= 1e-6 * (loss[0] - loss[N]):
        return "converged"
    return "slow"


if __name__ == "__main__":
    import optgrade_kit
    optgrade_kit.serve(globals())
