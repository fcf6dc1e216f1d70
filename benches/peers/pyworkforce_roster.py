"""pyworkforce 0.5 (OR-Tools CP-SAT) on the roster peer problem of benches/roster_peer.rs:
the same requirement profile and shifts, each costing its hours. Prints cost and time as JSON."""
import csv
import json
import sys
import time

from pyworkforce.scheduling import MinRequiredResources

path = sys.argv[1]
with open(path) as f:
    rows = list(csv.reader(f))[1:]
required = [[int(v) for v in r[1:]] for r in rows]
periods = 48
shifts = {}
cost = {}
for k in range(15):
    start = 14 + k  # half hours from midnight: 07:00 + k/2 h
    shifts[f"8h@{start}"] = [1 if start <= p < start + 16 else 0 for p in range(periods)]
    cost[f"8h@{start}"] = 8
for k in range(23):
    start = 14 + k
    shifts[f"4h@{start}"] = [1 if start <= p < start + 8 else 0 for p in range(periods)]
    cost[f"4h@{start}"] = 4
scheduler = MinRequiredResources(
    num_days=7,
    periods=periods,
    shifts_coverage=shifts,
    required_resources=required,
    max_period_concurrency=1000,
    max_shift_concurrency=500,
    cost_dict=cost,
    max_search_time=120.0,
    num_search_workers=2,
)
started = time.perf_counter()
solution = scheduler.solve()
seconds = time.perf_counter() - started
print(json.dumps({"tool": "pyworkforce 0.5 (OR-Tools CP-SAT)", "status": solution["status"],
                  "cost": solution["cost"], "seconds": round(seconds, 3)}))
