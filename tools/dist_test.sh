#!/usr/bin/env bash
# Distributed evaluation with torchrun: tools/dist_test.sh CONFIG CHECKPOINT NPROC [options]
# NNODES, NODE_RANK, MASTER_ADDR, MASTER_PORT as in tools/dist_train.sh.
set -euo pipefail
CONFIG=$1; CHECKPOINT=$2; NPROC=$3; shift 3
exec torchrun --nnodes "${NNODES:-1}" --node_rank "${NODE_RANK:-0}" \
  --master_addr "${MASTER_ADDR:-127.0.0.1}" --master_port "${MASTER_PORT:-${PORT:-29500}}" \
  --nproc_per_node "$NPROC" "$(dirname "$0")/test.py" "$CONFIG" "$CHECKPOINT" \
  --launcher pytorch "$@"
