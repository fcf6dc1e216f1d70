"""The same M/M/c+M call centre in SimPy, Ciw and supportsim, side by side.

600 calls an hour, exponential 5-minute handle time, 55 agents, exponential patience with a
3-minute mean, 20-second service-level threshold. Each tool runs REPS independent replications
of HOURS simulated hours (the first WARMUP hours discarded); we report the mean wait of all
offered calls (abandoned ones until they left), the abandonment rate and the service level
(answered within 20 s ÷ offered) with 95% intervals, check that the three agree with each
other and with the exact Erlang A values, and measure contacts simulated per second of wall
time on one core.
"""
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import ciw
import simpy

RATE = 600 / 3600          # arrivals per second
AHT = 300.0                # seconds
AGENTS = 55
PATIENCE = 180.0           # seconds
THRESHOLD = 20.0           # seconds
HOURS = float(os.environ.get("PEER_HOURS", "216"))  # 9 days, to match supportsim's whole days
WARMUP = 24.0
REPS = int(os.environ.get("PEER_REPS", "5"))


def summarise(rows):
    """rows: list of (wait, abandoned, within) for offered calls after the warm-up."""
    n = len(rows)
    return (
        sum(r[0] for r in rows) / n,
        sum(r[1] for r in rows) / n,
        sum(r[2] for r in rows) / n,
    )


def simpy_rep(seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    rows = []
    count = [0]

    def caller(t0):
        with agents.request() as req:
            patience = rng.expovariate(1 / PATIENCE)
            result = yield req | env.timeout(patience)
            wait = env.now - t0
            if req in result:
                if t0 >= WARMUP * 3600:
                    rows.append((wait, 0, 1 if wait <= THRESHOLD else 0))
                yield env.timeout(rng.expovariate(1 / AHT))
            elif t0 >= WARMUP * 3600:
                rows.append((wait, 1, 0))

    def source():
        while True:
            yield env.timeout(rng.expovariate(RATE))
            count[0] += 1
            env.process(caller(env.now))

    env.process(source())
    env.run(until=HOURS * 3600)
    return summarise(rows), count[0]


def ciw_rep(seed):
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE)],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(HOURS * 3600)
    rows = []
    for r in sim.get_all_records():
        if r.arrival_date < WARMUP * 3600:
            continue
        if r.record_type == "renege":
            rows.append((r.exit_date - r.arrival_date, 1, 0))
        elif r.record_type == "service":
            rows.append((r.waiting_time, 0, 1 if r.waiting_time <= THRESHOLD else 0))
    arrivals = len(sim.get_all_records()) + len(sim.nodes[1].all_individuals)
    return summarise(rows), arrivals


def interval(values):
    m = statistics.mean(values)
    if len(values) < 2:
        return m, 0.0
    se = statistics.stdev(values) / math.sqrt(len(values))
    return m, se


def run_python(name, rep):
    per_rep, arrivals = [], 0
    t = time.perf_counter()
    for i in range(REPS):
        stats, n = rep(1000 + i)
        per_rep.append(stats)
        arrivals += n
    wall = time.perf_counter() - t
    cols = list(zip(*per_rep))
    return {"tool": name, "wall": wall, "contacts": arrivals,
            "wait": interval(cols[0]), "abandon": interval(cols[1]), "sl": interval(cols[2])}


def run_supportsim(binary):
    days = int(round(HOURS / 24))
    warm = int(round(WARMUP / 24))
    scenario = f"""[simulation]
name = "peer comparison"
days = {days}
warmup_days = {warm}
interval = "1h"
replications = {REPS}
seed = 1
[volume]
per_day = {RATE * 86400}
[channels.phone]
kind = "call"
handle_time = {{ dist = "exponential", mean = "{AHT}s" }}
patience = {{ dist = "exponential", mean = "{PATIENCE}s" }}
answer_within = "{THRESHOLD}s"
[[agents]]
name = "team"
count = {AGENTS}
channels = ["phone"]
"""
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write(scenario)
        path = f.name
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    t = time.perf_counter()
    out = subprocess.run([binary, "run", path, "--json"], capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - t
    s = json.loads(out.stdout)["channels"]["phone"]
    get = lambda k: (s[k]["mean"], s[k]["std_err"])
    contacts = REPS * RATE * 86400 * days
    exact = json.loads(subprocess.run(
        [binary, "erlang", "a", "--per-hour", "600", "--aht", f"{AHT}s", "--patience", f"{PATIENCE}s",
         "--agents", str(AGENTS), "--answer-within", f"{THRESHOLD}s", "--json"],
        capture_output=True, text=True, check=True).stdout)
    os.unlink(path)
    return {"tool": "supportsim", "wall": wall, "contacts": contacts,
            "wait": get("mean_wait_seconds"), "abandon": get("abandon_rate"), "sl": get("service_level")}, exact


def main():
    binary = sys.argv[1]
    results = [run_python("SimPy", simpy_rep), run_python("Ciw", ciw_rep)]
    ours, exact = run_supportsim(binary)
    results.append(ours)
    print(f"M/M/c+M: 600 calls/h, AHT {AHT:.0f} s, {AGENTS} agents, patience {PATIENCE:.0f} s; "
          f"{REPS} replications × {HOURS:.0f} h ({WARMUP:.0f} h warm-up), one core each\n")
    print(f"{'tool':12} {'mean wait (s)':>18} {'abandoned':>18} {'service level':>18} {'contacts/s':>12} {'× SimPy':>9} {'× Ciw':>8}")
    simpy_rate = results[0]["contacts"] / results[0]["wall"]
    ciw_rate = results[1]["contacts"] / results[1]["wall"]
    for r in results:
        rate = r["contacts"] / r["wall"]
        print(f"{r['tool']:12} {r['wait'][0]:10.2f} ± {1.96 * r['wait'][1]:5.2f}"
              f" {100 * r['abandon'][0]:10.2f}% ± {196 * r['abandon'][1]:4.2f}"
              f" {100 * r['sl'][0]:10.2f}% ± {196 * r['sl'][1]:4.2f}"
              f" {rate:12,.0f} {rate / simpy_rate:8.1f}× {rate / ciw_rate:7.1f}×")
    print(f"{'Erlang A':12} {'':>18} {100 * exact['abandon_rate']:10.2f}%        {100 * exact['service_level']:10.2f}%")
    ok = True
    for key in ("wait", "abandon", "sl"):
        for i in range(3):
            for j in range(i + 1, 3):
                a, b = results[i][key], results[j][key]
                z = abs(a[0] - b[0]) / math.sqrt(a[1] ** 2 + b[1] ** 2 + 1e-18)
                if z > 3:
                    ok = False
                    print(f"DISAGREE {key}: {results[i]['tool']} {a[0]:.4f} vs {results[j]['tool']} {b[0]:.4f} (z = {z:.1f})")
    for key, ex in (("abandon", exact["abandon_rate"]), ("sl", exact["service_level"])):
        for r in results:
            z = abs(r[key][0] - ex) / (r[key][1] + 1e-18)
            if z > 4:
                ok = False
                print(f"OFF EXACT {key}: {r['tool']} {r[key][0]:.4f} vs Erlang A {ex:.4f} (z = {z:.1f})")
    print("\nagreement: all three agree with each other (within 3 combined standard errors) and with Erlang A"
          if ok else "\nagreement: FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
