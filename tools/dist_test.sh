#!/usr/bin/env bash
# Distributed evaluation with torchrun: tools/dist_test.sh CONFIG CHECKPOINT NPROC [options]
set -euo pipefail
CONFIG=$1; CHECKPOINT=$2; NPROC=$3; shift 3
exec torchrun --nproc_per_node "$NPROC" --master_port "${PORT:-29500}" \
  "$(dirname "$0")/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
