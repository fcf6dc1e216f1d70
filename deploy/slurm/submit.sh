#!/usr/bin/env bash
# Runs a supportsim command as N shards on Slurm and merges them:
#
#   deploy/slurm/submit.sh N PARTS_DIR OUT_DIR -- COMMAND ARGS...
#   deploy/slurm/submit.sh 4 parts results -- run scenarios/mid-size.toml --replications 100
#
# Submits a job array of N tasks (shards.sbatch), then the merge (merge.sbatch) to start when
# every task has succeeded, and prints the merge job's id. PARTS_DIR and OUT_DIR must be on a
# filesystem every node sees. Extra sbatch options for the shards: $SHARD_SBATCH_OPTIONS
# (e.g. "--cpus-per-task=8 --time=02:00:00").
set -euo pipefail
if [ $# -lt 5 ] || [ "$4" != "--" ]; then
  echo "usage: $0 N PARTS_DIR OUT_DIR -- COMMAND ARGS..." >&2
  exit 2
fi
n=$1
parts=$2
out=$3
shift 4
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2086
array=$(sbatch --parsable --array="1-${n}" ${SHARD_SBATCH_OPTIONS:-} "$here/shards.sbatch" "$parts" "$@")
array=${array%%;*}
sbatch --parsable --dependency="afterok:${array}" --kill-on-invalid-dep=yes "$here/merge.sbatch" "$parts" "$out"
