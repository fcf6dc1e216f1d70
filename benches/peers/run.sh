#!/usr/bin/env bash
# Side-by-side: supportsim against SimPy and Ciw on the same M/M/c+M call centre.
# Installs SimPy and Ciw from PyPI into benches/peers/.venv, builds supportsim in release mode,
# and prints each tool's results with 95% intervals, contacts per second and the ratios.
#   bash benches/peers/run.sh            (PEER_REPS and PEER_HOURS override the defaults)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q simpy==4.1.2 ciw==3.2.7
fi
cargo build --release --locked --quiet
"$here/.venv/bin/python" "$here/peers.py" "$PWD/target/release/supportsim"
