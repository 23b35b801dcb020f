#!/usr/bin/python3
"""SciPy reference for `scaleplan fit` (benchmark baseline, scripts/bench_fit.sh).

The same method as lib/scaleplan/model/fit.cpp, written as a strong SciPy program: Hoffmann et al.
2022 Approach 3 -- the sum over rows of w Huber_delta(LSE(a - alpha log N, b - beta log D, e) -
log L), delta = 1e-3, weights scaled to mean 1 -- minimised by L-BFGS-B with the analytic
gradient, numpy-vectorised over the rows, from every point of the 4,500-point grid (alpha, beta
in {0, .5, .., 2}; e in {-1, -.5, .., 1}; a, b in {0, 5, .., 25}), alpha and beta bounded to
[0, 2], the work spread over the same number of processes as the C++ fit's threads; then a
bootstrap over runs started from the best fit (a run drawn k times enters once with weight k, as
in the C++ fit). With --screen S and more than S rows, as the C++ fit does on large inputs: every
start on the S evenly spaced rows (j + 1/2) n / S, then the best 8 distinct end points (every
coordinate within 1% of max(1, |x|) is the same point) refined on all rows. Prints one JSON line
with the fit and the timings.

Usage: /usr/bin/python3 scripts/fit_reference.py RUNS.csv [--exclude-loss-above 3.44]
       [--bootstrap 200] [--workers 2] [--screen 0]
"""
import argparse
import csv
import itertools
import json
import multiprocessing
import time

import numpy as np
from scipy.optimize import minimize

DELTA = 1e-3
BOUNDS = [(None, None), (None, None), (None, None), (0.0, 2.0), (0.0, 2.0)]
REFINED = 8


def load(path, loss_max):
    # utf-8-sig: a spreadsheet's byte-order mark is skipped, as the C++ reader does.
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if float(r["loss"]) < loss_max]
    n = np.log(np.array([float(r["params"]) for r in rows]))
    d = np.log(np.array([float(r["tokens"]) for r in rows]))
    l = np.log(np.array([float(r["loss"]) for r in rows]))
    w = np.array([float(r.get("weight") or 1) for r in rows])
    runs = [r["run"] if "run" in r else str(i) for i, r in enumerate(rows)]
    return n, d, l, w / w.max() / (w / w.max()).mean(), runs


def objective(x, n, d, l, w):
    a, b, e, alpha, beta = x
    t1, t2 = a - alpha * n, b - beta * d
    m = np.maximum(np.maximum(t1, t2), e)
    e1, e2, e3 = np.exp(t1 - m), np.exp(t2 - m), np.exp(e - m)
    s = e1 + e2 + e3
    r = m + np.log(s) - l
    ar = np.abs(r)
    value = (w * np.where(ar <= DELTA, 0.5 * r * r, DELTA * (ar - 0.5 * DELTA))).sum()
    dr = w * np.clip(r, -DELTA, DELTA) / s
    grad = np.array([(dr * e1).sum(), (dr * e2).sum(), (dr * e3).sum(),
                     -(dr * e1 * n).sum(), -(dr * e2 * d).sum()])
    return value, grad


DATA = None


def init(data):
    global DATA
    DATA = data


def fit_from(x0):
    res = minimize(objective, x0, args=DATA, jac=True, method="L-BFGS-B", bounds=BOUNDS)
    return float(res.fun), [float(v) for v in res.x]


def fit_on(x0, n, d, l, w):
    res = minimize(objective, x0, args=(n, d, l, w), jac=True, method="L-BFGS-B", bounds=BOUNDS)
    return float(res.fun), [float(v) for v in res.x]


def same_point(x, y):
    return all(abs(a - b) <= 1e-2 * max(1.0, abs(b)) for a, b in zip(x, y))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("runs")
    p.add_argument("--exclude-loss-above", type=float, default=float("inf"))
    p.add_argument("--bootstrap", type=int, default=200)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--screen", type=int, default=0)
    args = p.parse_args()
    n, d, l, w, runs = load(args.runs, args.exclude_loss_above)
    grid = [np.array([a, b, e, alpha, beta]) for alpha, beta, e, a, b in itertools.product(
        np.arange(0, 2.01, 0.5), np.arange(0, 2.01, 0.5), np.arange(-1, 1.01, 0.5),
        np.arange(0, 25.01, 5), np.arange(0, 25.01, 5))]
    screen = args.screen > 0 and len(n) > args.screen
    if screen:
        idx = ((np.arange(args.screen) + 0.5) * len(n) / args.screen).astype(int)
        data = (n[idx], d[idx], l[idx], w[idx])
    else:
        data = (n, d, l, w)
    with multiprocessing.Pool(args.workers, initializer=init, initargs=(data,)) as pool:
        t0 = time.perf_counter()
        fits = pool.map(fit_from, grid, chunksize=64)
        if screen:
            chosen = []
            for value, x in sorted(fits, key=lambda f: f[0]):
                if len(chosen) == REFINED:
                    break
                if np.isfinite(value) and not any(same_point(x, c) for c in chosen):
                    chosen.append(x)
            jobs = [pool.apply_async(fit_on, (np.array(x), n, d, l, w)) for x in chosen]
            fits = [j.get() for j in jobs]
        t_fit = time.perf_counter() - t0
        best_value, best_x = min(fits)
        # Bootstrap over runs: a run drawn k times enters once with weight k.
        ids = {r: i for i, r in enumerate(dict.fromkeys(runs))}
        run_of = np.array([ids[r] for r in runs])
        rng = np.random.default_rng(args.seed)
        t0 = time.perf_counter()
        jobs = []
        for _ in range(args.bootstrap):
            counts = np.bincount(rng.integers(0, len(ids), len(ids)), minlength=len(ids))
            k = counts[run_of].astype(float)
            keep = k > 0
            wk = w[keep] * k[keep]
            jobs.append(pool.apply_async(
                fit_on, (np.array(best_x), n[keep], d[keep], l[keep], wk / wk.mean())))
        boots = [j.get() for j in jobs]
        t_boot = time.perf_counter() - t0
    a, b, e, alpha, beta = best_x
    print(json.dumps({"E": float(np.exp(e)), "A": float(np.exp(a)), "B": float(np.exp(b)),
                      "alpha": alpha, "beta": beta, "objective": best_value, "starts": len(grid),
                      "rows": len(n), "screen": args.screen if screen else 0,
                      "bootstrap": len(boots), "fit_seconds": t_fit,
                      "bootstrap_seconds": t_boot}))


if __name__ == "__main__":
    main()
