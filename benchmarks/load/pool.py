#!/usr/bin/env python3
"""The p95 ratios of several load runs taken together::

    python3 benchmarks/load/pool.py load-results/run1 load-results/run2 ...

Each argument is the ``--out`` directory of a ``run.py`` run. A run's p95 rests on its ~18 slowest
forms of ~360: whether the addon's heavy requests (立项 approvals, installment invoices, payments)
happen to coincide with them moves it by a tenth or more from one run to the next. This prints the
compared requests' p50 and p95 over the samples of all the runs together (as the users saw them, and in
the worker from the servers' access logs: the requests answered between the users' first and last
measured request), the whole measured period and outside the faults, with the ratios addon / plain
Odoo against the p95 goal and their 90 % interval from the sampling alone (bootstrap); the exit status
is 1 when the goal is missed. Throughput is each run's own
(``run.py``'s table).

Under each verdict, what the pooled samples say about ONE run of the same length: runs drawn from them
(each request type's samples of each server drawn again with replacement, as many as one run has on
average, 400 times) and the share of those runs whose p95 ratio meets the goal, request by request and
all at once; and, as the yardstick of the instrument, the share of runs in which plain Odoo drawn
against itself (two runs drawn from its own samples) misses it. The draws of the request types are
independent, while in a real run a burst of heavy requests slows all of them at once: "all at once" is
an estimate, not a bound.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from run import (  # noqa: E402
    COMPARED,
    GOALS,
    client_times,
    drawn_ratios,
    goal_line,
    outside_faults,
    percentile,
    ratio_interval,
    server_times,
)


def pooled(directories):
    """{scope: {request name: ([seconds as the users saw them], [seconds in the worker])}}"""
    scopes = {"the whole measured period": {}, "outside the faults": {}}
    for directory in directories:
        faults = []  # a run without --faults has none
        if os.path.exists(os.path.join(directory, "faults.json")):
            with open(os.path.join(directory, "faults.json"), encoding="utf-8") as file:
                faults = json.load(file)
        seen = client_times(os.path.join(directory, "load_requests.csv"))
        if not seen:
            raise SystemExit(f"{directory}: no load_requests.csv, not the output of run.py")
        # the measured period: from the first request the users' statistics count to the last one
        window = (min(s[0] for samples in seen.values() for s in samples),
                  max(s[1] for samples in seen.values() for s in samples))
        served = {}
        for kind in ("addon", "plain"):
            served.update(server_times(os.path.join(directory, f"{kind}.log"), window))
        for scope, keep in (("the whole measured period", lambda samples: samples),
                            ("outside the faults", lambda samples, faults=faults: outside_faults(samples, faults))):
            for name in {*seen, *served}:
                users, worker = scopes[scope].setdefault(name, ([], []))
                users.extend(s[2] for s in keep(seen.get(name, [])))
                worker.extend(s[2] for s in keep(served.get(name, [])))
    return scopes


def single_runs(rows, runs, rounds=400):
    """What the pooled samples say about one run: ``rows`` [(request, addon samples, plain samples)] pooled
    from ``runs`` runs. Returns ({request: share of drawn runs meeting the p95 goal}, share meeting it for
    every request at once, {request: share of runs in which plain Odoo against itself misses it})."""
    goal = GOALS["p95"]
    # each request type drawn apart (a seed of its own), plain Odoo against itself apart again
    drawn = {name: drawn_ratios(addon, plain, rounds=rounds, runs=runs, seed=index)
             for index, (name, addon, plain) in enumerate(rows)}
    itself = {name: drawn_ratios(plain, plain, rounds=rounds, runs=runs, seed=len(rows) + index)
              for index, (name, _addon, plain) in enumerate(rows)}
    every = sum(all(ratios[i] <= goal for ratios in drawn.values()) for i in range(rounds))
    return ({name: sum(ratio <= goal for ratio in ratios) / rounds for name, ratios in drawn.items()},
            every / rounds,
            {name: sum(ratio > goal for ratio in ratios) / rounds for name, ratios in itself.items()})


def odds_line(rows, runs):
    """The lines saying how often one run of the pooled code meets the p95 goal."""
    met, every, self_missed = single_runs(rows, runs)
    shares = ", ".join(f"{name} {100 * share:.0f} %" for name, share in met.items())
    yardstick = ", ".join(f"{name} {100 * share:.0f} %" for name, share in self_missed.items())
    return (f"  one run drawn from these samples meets the p95 goal: {shares}; all at once {100 * every:.0f} %"
            f"\n  plain Odoo drawn against itself misses it: {yardstick}")


def main(argv=None):
    directories = (argv if argv is not None else sys.argv[1:])
    if not directories or any(d in ("-h", "--help") for d in directories):
        print(__doc__)
        return 0 if directories else 2
    met = True
    for scope, samples in pooled(directories).items():
        runs = f"{len(directories)} run{'s' if len(directories) > 1 else ''}"
        print(f"\n{runs} together, {scope}: p50 / p95 ms as the users saw them, and in the worker")
        print(f"{'request':<18} {'n addon':>7} {'plain':>6} | {'p50 addon':>9} {'plain':>6} {'p95 addon':>9} "
              f"{'plain':>6} {'ratio':>6} | {'worker p95':>10} {'plain':>6} {'ratio':>6}")
        rows, drawn = [], []
        for name in COMPARED:
            addon, plain = samples.get(f"addon: {name}", ([], [])), samples.get(f"plain: {name}", ([], []))
            if not (addon[0] and plain[0]):
                continue
            p50 = [percentile(values[0], 0.5) * 1000 for values in (addon, plain)]
            p95 = [percentile(values[0], 0.95) * 1000 for values in (addon, plain)]
            worker = [percentile(values[1], 0.95) * 1000 for values in (addon, plain)]
            ratio, worker_ratio = p95[0] / (p95[1] or 1), worker[0] / (worker[1] or 1)
            print(f"{name:<18} {len(addon[0]):7d} {len(plain[0]):6d} | {p50[0]:9.0f} {p50[1]:6.0f} {p95[0]:9.0f} "
                  f"{p95[1]:6.0f} {ratio:6.2f} | {worker[0]:10.0f} {worker[1]:6.0f} {worker_ratio:6.2f}")
            rows.append((name, None, ratio, ratio_interval(addon[0], plain[0])))
            drawn.append((name, addon[0], plain[0]))
        met = met and all(ratio <= GOALS["p95"] for _name, _rps, ratio, _interval in rows)
        print(goal_line(rows))
        print(odds_line(drawn, len(directories)))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
