"""Optimization assignment -- your solution.

Fill in the functions below (replace each `raise NotImplementedError`). Keep the names and
the parameter names: the grader calls them by name with keyword arguments. Run
`optgrade check` in this folder to see how you are doing; functions you have not
attempted yet are reported as "not attempted", not as wrong.

Conventions (the same as the lecture):
- Numbers arrive as Python floats, vectors as lists of floats (use np.asarray(w) to
  compute), matrices as lists of rows. Integer arguments (t, k, steps, batch indices)
  arrive as ints.
- Return a float for a scalar, a list or 1-D numpy array for a vector, and a dict where
  a function returns several things. numpy arrays and numpy scalars are fine.
- `base` is optional: a positive number b != 1, absent (None) meaning e. When it is
  given, EVERY log in that function is log_b (log_b x = ln x / ln b) -- so
  bernoulli_nll_grad is the derivative of the base-b loss.
- λ (lam) and p are strictly between 0 and 1.
- Each call is independent: keep no state between calls.
- print() freely: your prints go to stderr and are shown to you as your output; they
  never disturb the grader.
"""

import numpy as np


# --------------------------------------------------------------------------
# One-armed bandit: maximum likelihood and generalization error
# --------------------------------------------------------------------------

def bernoulli_nll(lam, y, base=None):
    """Training loss of the one-armed bandit (mean negative log-likelihood).

        L(λ) = (1/n) Σᵢ [ −y⁽ⁱ⁾·log λ − (1 − y⁽ⁱ⁾)·log(1 − λ) ]

    Args:
        lam:  λ, a float in (0, 1).
        y:    list of n observations, each 0.0 or 1.0.
        base: optional log base b (b > 0, b != 1); None means natural log (e).
    Returns:
        a float.
    Details that decide grades:
        - the MEAN over the n observations, not the sum;
        - every log uses `base` when given, ln when absent. The lecture's example
          y = 1,0,0,0,0,0,0,1,1,0, λ = 0.3 gives L ≈ 0.27 in base 10 (base=10) and
          ≈ 0.611 in nats (no base). Do not hard-code base 10.
    """
    raise NotImplementedError


def bernoulli_nll_grad(lam, y, base=None):
    """Derivative dL/dλ of bernoulli_nll (same arguments, same base).

        dL/dλ = (1/n) Σᵢ [ −y⁽ⁱ⁾/λ + (1 − y⁽ⁱ⁾)/(1 − λ) ] · 1/ln(b)

    Args:
        lam:  λ in (0, 1);  y: list of 0.0/1.0;  base: optional log base b (None: e).
    Returns:
        a float.
    Details that decide grades:
        - it is the derivative of the base-b loss, so with a base it carries the
          factor 1/ln b (log_b λ = ln λ / ln b); with no base that factor is 1;
        - the grader also compares it with finite differences of YOUR bernoulli_nll.
    """
    raise NotImplementedError


def bernoulli_mle(y):
    """Maximum-likelihood estimate λ̂ = argmin over λ of bernoulli_nll(λ, y).

    Args:
        y: list of 0.0/1.0 observations.
    Returns:
        a float λ̂ (the closed form: the fraction of ones, i.e. the mean of y;
        the lecture's y = 1,0,0,0,0,0,0,1,1,0 gives λ̂ = 0.3).
    Details that decide grades:
        - the minimizer of the loss, which does not depend on the log base.
    """
    raise NotImplementedError


def cross_entropy(p, lam, base=None):
    """Generalization error CE(p_data, p_model) of the model λ on data with P(y=1) = p.

        CE(p, λ) = −p·log λ − (1 − p)·log(1 − λ)

    Args:
        p:    the data's true probability of a 1, in (0, 1).
        lam:  the model's λ, in (0, 1).
        base: optional log base b (None: e).
    Returns:
        a float.
    Details that decide grades:
        - every log uses `base` when given, ln when absent (lecture: CE(λ̂) ≈ 0.29
          in base 10).
    """
    raise NotImplementedError


# --------------------------------------------------------------------------
# Losses: the lecture's badly-conditioned quadratic and logistic regression
# --------------------------------------------------------------------------

def quadratic_loss(w, a):
    """L(w) = Σᵢ aᵢ·wᵢ²   (lecture: a = [0.1, 2], L = 0.1·w₁² + 2·w₂²).

    Args:
        w: list of d floats;  a: list of d floats (aᵢ ≥ 0).
    Returns:
        a float.
    Details that decide grades:
        - no ½ in front: L = Σ aᵢ·wᵢ², not ½·Σ aᵢ·wᵢ².
    """
    raise NotImplementedError


def quadratic_grad(w, a):
    """∇L(w) of quadratic_loss: ∂L/∂wᵢ = 2·aᵢ·wᵢ.

    Args:
        w: list of d floats;  a: list of d floats.
    Returns:
        a vector of d floats.
    Details that decide grades:
        - the factor is 2·aᵢ (no ½ in the loss); this is what gives the lecture's
          gradient-descent factor 1 − 4α on w₂ for a₂ = 2.
    """
    raise NotImplementedError


def logistic_loss(w, X, y):
    """Mean binary cross-entropy of logistic regression, natural log:

        zᵢ = X[i]·w,  σ(z) = 1/(1 + e^(−z))
        L(w) = (1/n) Σᵢ [ −yᵢ·ln σ(zᵢ) − (1 − yᵢ)·ln(1 − σ(zᵢ)) ]

    Args:
        w: list of d floats;  X: n×d matrix (list of n rows);  y: n labels, 0.0 or 1.0.
    Returns:
        a float.
    Details that decide grades:
        - natural log, mean over ALL n rows, no intercept (X already carries any bias
          column);
        - must stay finite for large |zᵢ|: use −ln σ(z) = log(1 + e^(−z)), e.g.
          np.logaddexp(0, −z), rather than np.log(sigmoid(z)).
    """
    raise NotImplementedError


def logistic_grad(w, X, y, batch=None):
    """Mini-batch gradient of logistic_loss:

        ∇L_B(w) = (1/m) Σ_{i∈B} (σ(X[i]·w) − yᵢ)·X[i],   m = |B|

    Args:
        w, X, y: as in logistic_loss.
        batch:   optional list of m distinct 0-based row indices (never empty);
                 None means all rows (the full gradient).
    Returns:
        a vector of d floats.
    Details that decide grades:
        - the MEAN over the m rows of the batch (1/m, as in the lecture's
          (1/m) Σ ∂l⁽ⁱ⁾/∂w), not the sum;
        - only the rows listed in `batch` (0-based), all rows when batch is None.
    """
    raise NotImplementedError


# --------------------------------------------------------------------------
# Optimizer steps (one update each; the grader supplies the gradient g)
# --------------------------------------------------------------------------

def gd_step(w, g, lr):
    """Gradient descent:  w ← w − α·g.

    Args:
        w: d floats;  g: the gradient ∂L/∂w at w, d floats;  lr: α.
    Returns:
        the new w, d floats.
    """
    raise NotImplementedError


def momentum_step(w, v, g, lr, beta):
    """Momentum (exponentially weighted average of gradients, as in the lecture):

        v ← β·v + (1 − β)·g
        w ← w − α·v          (with the NEW v)

    Args:
        w: d floats;  v: the velocity, d floats;  g: gradient, d floats;
        lr: α;  beta: β ∈ (0, 1).
    Returns:
        a dict {"w": new w, "v": new v} (a tuple (w, v) is accepted too).
    Details that decide grades:
        - the (1 − β) factor on g: the lecture's EMA form, not v ← β·v + g
          (with β = 0.9 the last three gradients weigh 0.81, 0.9, 1 times (1 − β)).
    """
    raise NotImplementedError


def normalized_step(w, g, lr):
    """Gradient normalization, per coordinate (the lecture's ∇̃L):

        wᵢ ← wᵢ − α·gᵢ/|gᵢ|     and  wᵢ unchanged where gᵢ = 0

    Args:
        w: d floats;  g: gradient, d floats;  lr: α.
    Returns:
        the new w, d floats.
    Details that decide grades:
        - per coordinate (each wᵢ moves exactly α along its own axis), NOT g/‖g‖;
        - coordinates with gᵢ = 0 do not move (no division by zero, no NaN).
    """
    raise NotImplementedError


def adam_step(w, m, v, t, g, lr, beta1, beta2, eps):
    """One Adam step (Kingma & Ba, Algorithm 1), step number t ≥ 1:

        m ← β₁·m + (1 − β₁)·g
        v ← β₂·v + (1 − β₂)·g²               (element-wise square)
        m̂ = m / (1 − β₁ᵗ)     v̂ = v / (1 − β₂ᵗ)      (bias correction)
        w ← w − α·m̂ / (√v̂ + ε)

    Args:
        w, m, v, g: d floats each (m, v are the moments before this step);
        t: int ≥ 1, this step's number (the first step is t = 1);
        lr: α;  beta1: β₁;  beta2: β₂;  eps: ε.
    Returns:
        a dict {"w": new w, "m": new m, "v": new v} (a tuple (w, m, v) is accepted too).
    Details that decide grades:
        - bias correction with this step's t;
        - ε is added to √v̂, not inside the square root;
        - return the BIASED moments m, v (not m̂, v̂): they are the state for step t + 1.
    """
    raise NotImplementedError


# --------------------------------------------------------------------------
# Learning-rate schedules (decay over iterations k = 0, 1, 2, ...)
# --------------------------------------------------------------------------

def lr_linear(k, lr0, lr_tau, tau):
    """Linear decay:

        α_k = (1 − k/τ)·α₀ + (k/τ)·α_τ    for k ≤ τ
        α_k = α_τ                           for k ≥ τ  (held, not extrapolated)

    Args:
        k: int ≥ 0;  lr0: α₀;  lr_tau: α_τ;  tau: τ > 0.
    Returns:
        a float.
    Details that decide grades:
        - after τ the rate stays at α_τ; it must not keep falling (or go negative).
    """
    raise NotImplementedError


def lr_exponential(k, lr0, tau):
    """Exponential decay:  α_k = α₀·e^(−k/τ).

    Args:
        k: int ≥ 0;  lr0: α₀;  tau: τ > 0.
    Returns:
        a float.
    """
    raise NotImplementedError


# --------------------------------------------------------------------------
# Your own training loop
# --------------------------------------------------------------------------

def train(problem, optimizer, w0, steps, batches=None, schedule=None):
    """Run `steps` steps of an optimizer on a problem and record the trajectory.

    Args:
        problem:   {"kind": "quadratic", "a": [...]}
                   or {"kind": "logistic", "X": [[...], ...], "y": [...]}.
        optimizer: {"kind": "gd" | "momentum" | "normalized" | "adam", "lr": α,
                    plus "beta" (momentum) or "beta1", "beta2", "eps" (Adam)}.
        w0:        the starting weights, d floats.
        steps:     int, the number of steps.
        batches:   optional, logistic only: exactly `steps` lists of row indices;
                   step k uses batches[k]. None: every step uses all rows.
        schedule:  optional {"kind": "linear", "lr_tau": α_τ, "tau": τ}
                   or {"kind": "exponential", "tau": τ}, with α₀ = optimizer["lr"].
    Returns:
        {"w": [w₀, w₁, ..., w_steps], "loss": [L(w₀), ..., L(w_steps)]}
        -- steps + 1 weight vectors and steps + 1 losses.
    Details that decide grades:
        - step k = 0 … steps−1 takes w_k to w_{k+1} using
            * learning rate α_k = lr_linear(k, …) / lr_exponential(k, …) when a
              schedule is given, else optimizer["lr"];
            * the gradient on mini-batch batches[k] (logistic_grad with batch=batches[k]),
              else the full gradient (quadratic_grad / logistic_grad);
            * for Adam, t = k + 1;
        - momentum's v and Adam's m, v start at 0;
        - loss[k] is the FULL-data loss at w_k (all rows, even when training on
          mini-batches), including loss[0] at w₀;
        - reuse your own step functions above.
    """
    raise NotImplementedError


# --------------------------------------------------------------------------
# Learning-rate diagnostics
# --------------------------------------------------------------------------

def diagnose(loss, w=None):
    """Classify a training curve: "converged", "slow", "oscillating" or "diverging".

    Args:
        loss: list of N + 1 losses loss[0] … loss[N] (N = len(loss) − 1 ≥ 4).
        w:    optional, the N + 1 weight vectors w[0] … w[N] along the curve.
    Returns:
        one of the strings "converged", "slow", "oscillating", "diverging".
    The rules (part of the assignment's contract) -- the FIRST rule that holds decides:
        1. "diverging": a value is not finite (NaN or ±∞), or loss[N] > loss[0].
        2. "oscillating": the loss rises (loss[k+1] > loss[k]) on at least a quarter
           of the N steps; or, when w is given, for some coordinate i the steps
           d_k = w[k+1][i] − w[k][i] change sign (d_k·d_{k+1} < 0) on at least 80 % of
           the consecutive pairs (d_k, d_{k+1}) with k ≥ N//2 (integer division),
           and |d_{N−1}| ≥ 0.1·|d_{N//2}| (the swing is not dying out).
        3. "converged": loss[N] ≤ 1e-3·loss[0],
           or |loss[N] − loss[N−1]| ≤ 1e-6·(loss[0] − loss[N]).
        4. "slow": otherwise.
    Details that decide grades:
        - mind the lecture's α = 0.48 case: w₂ flips sign every step while the loss
          still falls monotonically -- the oscillation shows in w, not in the loss.
    """
    raise NotImplementedError


if __name__ == "__main__":
    import optgrade_kit
    optgrade_kit.serve(globals())
