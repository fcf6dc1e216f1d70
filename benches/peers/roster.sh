#!/usr/bin/env bash
# Side-by-side: supportsim's roster program (HiGHS) against pyworkforce 0.5 (OR-Tools CP-SAT)
# on the same requirement profile and shift rules (benches/roster_peer.rs says which). Installs
# pyworkforce from PyPI into benches/peers/.venv-roster, and fails if supportsim's cost is the
# higher.   bash benches/peers/roster.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
venv="$here/.venv-roster"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyworkforce==0.5.1"
fi
ours="$(cargo bench --locked --quiet --bench roster_peer 2>/dev/null | grep '^{')"
theirs="$("$venv/bin/python" "$here/pyworkforce_roster.py" "$here/roster-profile.csv")"
echo "$ours"
echo "$theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"cost: supportsim {ours['cost']:.0f} (bound {ours['bound']:.0f}) in {ours['seconds']:.2f} s;"
      f" pyworkforce {theirs['cost']:.0f} ({theirs['status']}) in {theirs['seconds']:.2f} s")
if ours["short"] > 1e-6 or ours["cost"] > theirs["cost"] + 1e-6:
    sys.exit("supportsim's roster costs more than pyworkforce's, or leaves agents short")
PY
