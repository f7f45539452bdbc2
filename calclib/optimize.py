"""Gradient descent, with the bookkeeping a course needs to plot it.

:func:`gradient_descent` returns every iterate and loss, so a notebook can
draw the path on a contour plot and the loss curve beside it. The result's
field names follow ``scipy.optimize.OptimizeResult`` (``x``, ``fun``, ``nit``,
``success``, ``message``). :func:`max_stable_lr` gives the largest stable
learning rate on a quadratic, the threshold every learning-rate slider crosses.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    _gib,
    as_float_array,
    as_real_output,
    check_at_most,
    check_callable,
    check_int,
    check_real,
    check_step,
    quiet_numpy,
)

__all__ = ["gradient_descent", "max_stable_lr", "GradientDescentResult"]

#: The loss counts as exploding once it exceeds this many times max(|initial loss|, 1).
_EXPLODE = 1e6
#: Every iterate is kept in ``path``: at most this many numbers (80 MB).
_MAX_PATH = 10_000_000
#: The most eigenvalues max_stable_lr computes for a Hessian (about 0.05 s at 1000 x 1000).
_MAX_MATRIX = 1000
# Exceptions from the user's f or grad that get a message naming it.
_USER_ERRORS = (TypeError, ValueError, IndexError, KeyError, ArithmeticError)


@dataclass(frozen=True)
class GradientDescentResult:
    """Result of :func:`gradient_descent`.

    Attributes
    ----------
    x : float or ndarray
        The last iterate, with the shape of ``x0``.
    fun : float
        ``f(x)``.
    grad : float or ndarray
        The gradient at ``x``, with the shape of ``x0`` (nan where it could
        not be computed after a divergence).
    nit : int
        Number of steps taken.
    success : bool
        True only if the gradient norm fell below ``tol``.
    message : str
        Why the iteration stopped, in words.
    path : ndarray, shape (nit + 1, n)
        Every iterate, starting with ``x0`` (``n = 1`` for a scalar ``x0``).
        After a divergence the last row may be huge or non-finite.
    losses : ndarray, shape (nit + 1,)
        ``f`` at every iterate.
    """

    x: object
    fun: float
    grad: object
    nit: int
    success: bool
    message: str
    path: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)


@quiet_numpy
def gradient_descent(f, x0, *, grad=None, lr=0.1, maxiter=1000, tol=1e-8, momentum=0.0, callback=None):
    """Minimise ``f`` by gradient descent, optionally with heavy-ball momentum.

    Parameters
    ----------
    f : callable
        The loss: ``f(x)`` returns a scalar for ``x`` shaped like ``x0``.
    x0 : float or array_like, shape (n,)
        Starting point.
    grad : callable, optional
        ``grad(x)`` returns the gradient, shaped like ``x0``. If None, the
        central-difference :func:`calclib.differentiate.gradient` of ``f`` is used
        (``2n`` extra calls of ``f`` per step).
    lr : float, optional
        Learning rate (step size), positive. On a quadratic whose largest
        curvature is ``L`` the iteration diverges for ``lr > 2/L``
        (see :func:`max_stable_lr`).
    maxiter : int, optional
        Maximum number of steps (>= 0). Every iterate is kept, so
        ``(maxiter + 1) * n`` may be at most ten million numbers (80 MB).
    tol : float, optional
        Stop with ``success=True`` once the Euclidean norm of the gradient is
        below ``tol`` (>= 0; ``tol=0`` runs exactly ``maxiter`` steps).
    momentum : float, optional
        Heavy-ball coefficient ``beta`` in ``[0, 1)``; 0 is plain gradient descent.
    callback : callable, optional
        ``callback(xk)`` is called after every step with a copy of the new
        iterate (shaped like ``x0``). If it returns True the iteration stops
        (``success=False``, message "stopped by callback").

    Returns
    -------
    GradientDescentResult
        With fields ``x``, ``fun``, ``grad``, ``nit``, ``success``, ``message``,
        ``path`` (shape ``(nit + 1, n)``) and ``losses`` (shape ``(nit + 1,)``).

    Notes
    -----
    Each step is ``v = beta * v - lr * grad(x); x = x + v`` (with ``v = 0`` at
    the start; ``beta = 0`` gives ``x = x - lr * grad(x)``).

    On the quadratic ``f(x) = x @ A @ x / 2`` each eigen-direction of ``A``
    with curvature ``lam`` is multiplied by ``1 - lr * lam`` per step: the
    losses decrease monotonically for ``lr < 2/L`` and the error shrinks like
    ``(1 - lr * mu)**k`` with ``lr <= 1/L``, where ``mu`` is the smallest
    curvature, so ill-conditioned problems (``L/mu`` large) are slow.
    Momentum is stable for ``lr < 2 * (1 + beta) / L`` and can shrink the
    error per step to about ``1 - 2/sqrt(L/mu)``; its losses need not decrease
    monotonically.

    The iteration stops early with ``success=False`` when the loss becomes
    nan or inf, or exceeds ``1e6 * max(|f(x0)|, 1)``: the message then names
    the likely cause, a learning rate too large for the curvature. Numpy's
    overflow warnings are silenced: the message says it instead. A loss that
    falls below ``-1e6 * max(|f(x0)|, 1)`` stops it too (``f`` may be unbounded
    below).

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.optimize import gradient_descent
    >>> A = np.diag([1.0, 10.0])  # curvatures 1 and 10
    >>> res = gradient_descent(lambda x: x @ A @ x / 2, [1.0, 1.0], grad=lambda x: A @ x, lr=0.1)
    >>> res.success, res.nit, res.path.shape
    (True, 175, (176, 2))
    >>> np.allclose(res.x, [0.0, 0.0], atol=1e-7)
    True
    >>> bad = gradient_descent(lambda x: x @ A @ x / 2, [1.0, 1.0], grad=lambda x: A @ x, lr=0.25)
    >>> bad.success, bad.message.startswith("diverged")
    (False, True)
    """
    check_callable(f)
    if grad is not None:
        check_callable(grad, "grad")
    if callback is not None:
        check_callable(callback, "callback")
    lr = check_step(lr, "lr", allow_none=False)
    if not isinstance(lr, float):
        raise TypeError(f"`lr` must be a positive real number, got {lr!r:.60}")
    maxiter = check_int(maxiter, "maxiter", minimum=0)
    tol = check_real(tol, "tol")
    if tol < 0:
        raise ValueError(f"`tol` must be non-negative and finite, got {tol!r}")
    momentum = check_real(momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"`momentum` must be in [0, 1), got {momentum!r}")
    x0 = as_float_array(x0, "x0", ndim=(0, 1))
    if x0.size == 0 or not np.all(np.isfinite(x0)):
        raise ValueError(f"`x0` must be a finite number or a non-empty 1-D array of finite numbers, got {x0!s:.60}")
    check_at_most(maxiter, _MAX_PATH // x0.size - 1, "maxiter",
                  f"keep more than {_MAX_PATH} numbers in `path` for an `x0` of {x0.size} inputs "
                  f"({_gib((maxiter + 1) * x0.size)})")

    shape = x0.shape

    def call(function, name, x):
        try:
            return as_real_output(function(x.reshape(shape)), name)  # None, strings, complex refused
        except _USER_ERRORS as exc:
            if str(exc).startswith(f"`{name}` must return"):
                raise
            kind = ValueError if isinstance(exc, (ValueError, ArithmeticError)) else TypeError
            raise kind(f"calling `{name}` at x={x.reshape(shape)!s:.60} raised {type(exc).__name__}: {exc}") from exc

    def loss(x):  # x is always 1-D inside the loop
        value = call(f, "f", x)
        if value.size != 1:
            raise ValueError(f"`f` must return a scalar loss, got an array of shape {value.shape}")
        return float(value.reshape(-1)[0])

    if grad is None:
        from .differentiate import gradient  # imported lazily: only needed here

        def gradient_of_loss(x):
            try:
                return np.asarray(gradient(loss, x), dtype=float).reshape(-1)
            except ValueError as exc:  # the loss is not finite next to x: reported as a divergence
                if str(exc).startswith(("`f` returned", "the difference quotient overflows")):
                    return np.full_like(x, np.nan)
                raise
    else:

        def gradient_of_loss(x):
            g = call(grad, "grad", x)
            if g.size != x.size:
                raise ValueError(f"`grad` must return an array shaped like `x0` {shape}, got shape {g.shape}")
            return g.reshape(-1)

    x = x0.reshape(-1).copy()
    velocity = np.zeros_like(x)
    # numpy's overflow warnings are off (quiet_numpy): a divergence is reported in the message
    fx, g = loss(x), gradient_of_loss(x)
    if not (np.isfinite(fx) and np.all(np.isfinite(g))):
        raise ValueError(
            f"`f` or its gradient is not finite at `x0` (f(x0)={fx}, grad={g}); is x0 inside the domain of `f`?"
        )
    limit = _EXPLODE * max(abs(fx), 1.0)
    path, losses = [x.copy()], [fx]
    nit = 0
    while True:
        gnorm = float(np.linalg.norm(g))
        if gnorm < tol:
            success, message = True, f"converged: gradient norm {gnorm:.3g} < tol={tol:g} after {_steps(nit)}"
            break
        if nit >= maxiter:
            success, message = False, _maxiter_message(maxiter, gnorm, tol, path, lr, momentum)
            break
        velocity = momentum * velocity - lr * g
        x = x + velocity
        nit += 1
        fx = loss(x)
        path.append(x.copy())
        losses.append(fx)
        # check the loss before differentiating: a numerical gradient of an
        # overflowing loss would itself fail
        diverged = _divergence_message(fx, x, losses[0], limit, lr, momentum, nit)
        if diverged:
            success, message = False, diverged
            g = _gradient_or_nan(gradient_of_loss, x)
            break
        g = gradient_of_loss(x)
        if not np.all(np.isfinite(g)):
            success, message = False, _divergence_message(np.nan, x, losses[0], limit, lr, momentum, nit)
            break
        if callback is not None and _wants_stop(callback(x.reshape(shape).copy())):
            success, message = False, f"stopped by callback after {_steps(nit)}"
            break

    return GradientDescentResult(
        x=x.reshape(shape)[()],
        fun=fx,
        grad=g.reshape(shape)[()],
        nit=nit,
        success=success,
        message=message,
        path=np.array(path),
        losses=np.array(losses),
    )


def _maxiter_message(maxiter, gnorm, tol, path, lr, momentum):
    """Why maxiter was reached, with advice that can help."""
    head = f"maxiter={maxiter} reached with gradient norm {gnorm:.3g} >= tol={tol:g}: "
    if len(path) >= 3:
        last, before = path[-1] - path[-2], path[-2] - path[-3]
        size = np.linalg.norm(last) * np.linalg.norm(before)
        if size > 0 and np.dot(last, before) < -0.5 * size:
            # Each step reverses the one before: the iterates bounce across the valley.
            # At lr = 2/L exactly they bounce forever; more steps or a larger lr cannot help.
            return head + (
                f"the iterates zig-zag (each step turns back on the one before), so lr={lr:g} is at or "
                f"near the stability limit {'2 (1 + momentum) / L' if momentum else '2/L'} of the steepest "
                "direction: try a smaller lr (about half)"
                + (f" or a smaller momentum={momentum:g}" if momentum else "")
            )
    return head + "the iterates still move steadily downhill: increase maxiter (or lr, keeping it below 2/L)"


def _divergence_message(fx, x, f0, limit, lr, momentum, nit):
    """Return why the iteration diverged, or "" if it did not."""
    hint = f"the learning rate lr={lr:g} is too large for the curvature: try a smaller lr"
    if momentum:
        hint += f" (or a smaller momentum={momentum:g})"
    if not (math.isfinite(fx) and np.all(np.isfinite(x))):
        return f"diverged: the loss or its gradient became non-finite at step {nit} (overflow, or x left the domain of `f`); {hint}"
    if fx > limit:
        return f"diverged: the loss grew from {f0:.3g} to {fx:.3g} in {_steps(nit)}; {hint}"
    if fx < -limit:
        return (
            f"diverged: the loss fell from {f0:.3g} to {fx:.3g} in {_steps(nit)}; "
            f"`f` may be unbounded below (no minimum to find)"
        )
    return ""


@quiet_numpy
def max_stable_lr(L, *, momentum=0.0):
    """Largest learning rate for which gradient descent converges on a quadratic.

    Parameters
    ----------
    L : float or array_like, shape (n, n)
        The largest curvature (second derivative) of the loss, or a symmetric
        Hessian matrix whose largest eigenvalue is used. Must be positive.
    momentum : float, optional
        Heavy-ball coefficient ``beta`` in ``[0, 1)``.

    Returns
    -------
    float
        ``2 * (1 + beta) / L``; ``2 / L`` without momentum.

    Notes
    -----
    On ``f(x) = L * x**2 / 2`` a step maps ``x`` to ``(1 - lr * L) * x``. The
    factor has size below 1 exactly when ``0 < lr < 2/L``: at ``lr = 1/L`` one
    step lands on the minimum, between ``1/L`` and ``2/L`` the iterates
    overshoot and oscillate but still shrink, beyond ``2/L`` they grow
    geometrically. In several dimensions the largest curvature sets the limit
    while the smallest sets the speed. With heavy-ball momentum ``beta`` the
    limit becomes ``2 * (1 + beta) / L``. For a non-quadratic loss, ``L`` is
    the largest curvature along the path (near a minimum: the largest
    eigenvalue of the Hessian there).

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.optimize import max_stable_lr
    >>> np.allclose(max_stable_lr(10.0), 0.2)
    True
    >>> np.allclose(max_stable_lr(np.diag([1.0, 10.0])), 0.2)
    True
    >>> np.allclose(max_stable_lr(10.0, momentum=0.5), 0.3)
    True
    """
    momentum = check_real(momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"`momentum` must be in [0, 1), got {momentum!r}")
    if isinstance(L, np.ndarray) and L.ndim == 2:
        _check_rows(L.shape[0])  # before copying L
    arr = as_float_array(L, "L", ndim=(0, 2))
    if arr.ndim == 2:
        _check_rows(arr.shape[0])
        if arr.shape[0] != arr.shape[1] or arr.size == 0:
            raise ValueError(f"`L` as a Hessian must be a square matrix, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("`L` as a Hessian must hold finite numbers")
        if not np.allclose(arr, arr.T):
            raise ValueError("`L` as a Hessian must be symmetric")
        largest = float(np.linalg.eigvalsh(arr)[-1])
    else:
        largest = float(arr)
    if not (np.isfinite(largest) and largest > 0):
        raise ValueError(
            f"the largest curvature `L` must be positive and finite, got {largest!r}; "
            f"along a flat or concave direction no step size converges"
        )
    limit = 2.0 * (1.0 + momentum) / largest
    if not np.isfinite(limit):
        raise ValueError(f"the largest curvature `L`={largest!r} is so small that 2/L overflows float64")
    return limit


def _check_rows(rows):
    if rows > _MAX_MATRIX:
        raise ValueError(f"`L` as a Hessian must have at most {_MAX_MATRIX} rows (the eigenvalues of a larger "
                         f"matrix take seconds to minutes, uninterruptibly: the time grows like n**3), got {rows}")


def _gradient_or_nan(gradient_of_loss, x):
    """The gradient at a diverged iterate, or nan where it cannot be computed."""
    try:
        g = gradient_of_loss(x)
    except (ValueError, ArithmeticError):  # e.g. a numerical gradient refusing an inf loss
        return np.full_like(x, np.nan)
    return g


def _steps(n):
    return f"{n} step" if n == 1 else f"{n} steps"


def _wants_stop(answer):
    """True if a callback's return value asks to stop (True, or numpy's True)."""
    return isinstance(answer, (bool, np.bool_)) and bool(answer)
