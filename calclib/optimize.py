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

from ._validation import as_float_array, check_callable, check_int, check_step

__all__ = ["gradient_descent", "max_stable_lr", "GradientDescentResult"]

#: The loss counts as exploding once it exceeds this many times max(|initial loss|, 1).
_EXPLODE = 1e6


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
        Maximum number of steps (>= 0).
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
    tol = _check_real(tol, "tol")
    if tol < 0:
        raise ValueError(f"`tol` must be non-negative and finite, got {tol!r}")
    momentum = _check_real(momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"`momentum` must be in [0, 1), got {momentum!r}")
    x0 = as_float_array(x0, "x0", ndim=(0, 1))
    if x0.size == 0 or not np.all(np.isfinite(x0)):
        raise ValueError(f"`x0` must be a finite number or a non-empty 1-D array of finite numbers, got {x0!s:.60}")

    shape = x0.shape

    def loss(x):  # x is always 1-D inside the loop
        value = np.asarray(f(x.reshape(shape)))
        if value.size != 1:
            raise ValueError(f"`f` must return a scalar loss, got an array of shape {value.shape}")
        if np.iscomplexobj(value):
            raise TypeError(f"`f` must return a real loss, got {value!r:.60}")
        return float(value.reshape(-1)[0])

    if grad is None:
        from .differentiate import gradient  # imported lazily: only needed here

        def gradient_of_loss(x):
            return np.asarray(gradient(loss, x), dtype=float).reshape(-1)
    else:

        def gradient_of_loss(x):
            g = np.asarray(grad(x.reshape(shape)), dtype=float)
            if g.size != x.size:
                raise ValueError(f"`grad` must return an array shaped like `x0` {shape}, got shape {g.shape}")
            return g.reshape(-1)

    x = x0.reshape(-1).copy()
    velocity = np.zeros_like(x)
    with np.errstate(all="ignore"):  # overflow is reported in the message, not as warnings
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
                success = False
                message = (
                    f"maxiter={maxiter} reached with gradient norm {gnorm:.3g} >= tol={tol:g}: "
                    f"increase maxiter (or lr, keeping it below 2/L)"
                )
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
    momentum = _check_real(momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"`momentum` must be in [0, 1), got {momentum!r}")
    arr = as_float_array(L, "L", ndim=(0, 2))
    if arr.ndim == 2:
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
    return 2.0 * (1.0 + momentum) / largest


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


def _check_real(value, name):
    """Return ``value`` as a finite float, else raise naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a real number, got {type(value).__name__} {value!r:.60}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value!r}")
    return value
