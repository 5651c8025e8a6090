"""python-float32: the python-reference solution computing in single precision, as NumPy
float32 (or PyTorch's default dtype) code does: every input is converted to float32 and
every result is a float32. It is correct, and must score 100 %: the grader judges float32
results with a float32 tolerance.
"""

import numpy as np

F = np.float32


def _f(x):
    """x as float32 (a number or an array)."""
    return np.asarray(x, dtype=F)


def _ln_base(base):
    """ln b, so that log_b x = ln x / ln b; 1 when base is absent (natural log)."""
    return F(1) if base is None else np.log(F(base))


# ---- one-armed bandit ------------------------------------------------------------

def bernoulli_nll(lam, y, base=None):
    y, lam = _f(y), F(lam)
    loss = -y * np.log(lam) - (F(1) - y) * np.log(F(1) - lam)
    return F(np.mean(loss) / _ln_base(base))


def bernoulli_nll_grad(lam, y, base=None):
    y, lam = _f(y), F(lam)
    grad = -y / lam + (F(1) - y) / (F(1) - lam)
    return F(np.mean(grad) / _ln_base(base))


def bernoulli_mle(y):
    return F(np.mean(_f(y)))


def cross_entropy(p, lam, base=None):
    p, lam = F(p), F(lam)
    return F((-p * np.log(lam) - (F(1) - p) * np.log(F(1) - lam)) / _ln_base(base))


# ---- losses -------------------------------------------------------------------------

def quadratic_loss(w, a):
    w, a = _f(w), _f(a)
    return F(np.sum(a * w * w))


def quadratic_grad(w, a):
    w, a = _f(w), _f(a)
    return F(2) * a * w


def logistic_loss(w, X, y):
    w, X, y = _f(w), _f(X), _f(y)
    z = X @ w
    return F(np.mean(np.logaddexp(F(0), z) - y * z))


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, F(1) / (F(1) + e), e / (F(1) + e))


def _batch_grad(w, X, y, rows):
    Xb, yb = X[rows], y[rows]
    r = _sigmoid(Xb @ w) - yb
    return Xb.T @ r / F(len(rows))


def logistic_grad(w, X, y, batch=None):
    w, X, y = _f(w), _f(X), _f(y)
    rows = np.arange(len(X)) if batch is None else np.asarray(batch, dtype=int)
    return _batch_grad(w, X, y, rows)


# ---- optimizer steps ----------------------------------------------------------------

def gd_step(w, g, lr):
    return _f(w) - F(lr) * _f(g)


def _momentum(w, v, g, lr, beta):
    lr, beta = F(lr), F(beta)
    v = beta * v + (F(1) - beta) * g
    return w - lr * v, v


def momentum_step(w, v, g, lr, beta):
    w, v = _momentum(_f(w), _f(v), _f(g), lr, beta)
    return {"w": w, "v": v}


def normalized_step(w, g, lr):
    w, g = _f(w), _f(g)
    return w - F(lr) * np.sign(g)


def _adam(w, m, v, t, g, lr, beta1, beta2, eps):
    lr, beta1, beta2, eps = F(lr), F(beta1), F(beta2), F(eps)
    m = beta1 * m + (F(1) - beta1) * g
    v = beta2 * v + (F(1) - beta2) * g * g
    m_hat = m / (F(1) - beta1 ** t)
    v_hat = v / (F(1) - beta2 ** t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v


def adam_step(w, m, v, t, g, lr, beta1, beta2, eps):
    w, m, v = _adam(_f(w), _f(m), _f(v), int(t), _f(g), lr, beta1, beta2, eps)
    return {"w": w, "m": m, "v": v}


# ---- schedules ---------------------------------------------------------------------

def lr_linear(k, lr0, lr_tau, tau):
    k, lr0, lr_tau, tau = F(k), F(lr0), F(lr_tau), F(tau)
    if k >= tau:
        return lr_tau
    return (F(1) - k / tau) * lr0 + (k / tau) * lr_tau


def lr_exponential(k, lr0, tau):
    return F(lr0) * np.exp(-F(k) / F(tau))


# ---- training loop -----------------------------------------------------------------

def train(problem, optimizer, w0, steps, batches=None, schedule=None):
    if problem["kind"] == "quadratic":
        a = _f(problem["a"])
        loss_fn = lambda w: quadratic_loss(w, a)
        grad_fn = lambda w, k: quadratic_grad(w, a)
    elif problem["kind"] == "logistic":
        X, y = _f(problem["X"]), _f(problem["y"])
        loss_fn = lambda w: logistic_loss(w, X, y)
        grad_fn = lambda w, k: logistic_grad(w, X, y, None if batches is None else batches[k])
    else:
        raise ValueError("unknown problem kind %r" % problem["kind"])

    lr0 = optimizer["lr"]

    def rate(k):
        if schedule is None:
            return F(lr0)
        if schedule["kind"] == "linear":
            return lr_linear(k, lr0, schedule["lr_tau"], schedule["tau"])
        if schedule["kind"] == "exponential":
            return lr_exponential(k, lr0, schedule["tau"])
        raise ValueError("unknown schedule kind %r" % schedule["kind"])

    kind = optimizer["kind"]
    w = _f(w0)
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
    w = _f(w)
    d = np.diff(w, axis=0)
    h = N // 2
    pairs = d[h:N - 1] * d[h + 1:N]
    flips = np.sum(pairs < 0, axis=0)
    swinging = np.abs(d[N - 1]) >= F(0.1) * np.abs(d[h])
    return bool(np.any((flips >= 0.8 * len(pairs)) & swinging))


def diagnose(loss, w=None):
    loss = _f(loss)
    N = len(loss) - 1
    if N < 4:
        raise ValueError("need at least 5 losses, got %d" % len(loss))
    if not np.all(np.isfinite(loss)) or (w is not None and not np.all(np.isfinite(_f(w)))) \
            or loss[N] > loss[0]:
        return "diverging"
    if np.sum(np.diff(loss) > 0) >= N / 4:
        return "oscillating"
    if w is not None and _weights_oscillate(w, N):
        return "oscillating"
    if loss[N] <= F(1e-3) * loss[0] or abs(loss[N] - loss[N - 1]) <= F(1e-6) * (loss[0] - loss[N]):
        return "converged"
    return "slow"


if __name__ == "__main__":
    import optgrade_kit
    optgrade_kit.serve(globals())
