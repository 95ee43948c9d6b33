#!/usr/bin/env bash
# Distributed training with torchrun: tools/dist_train.sh CONFIG NPROC [train.py options]
# NPROC processes on this machine (one per GPU). Several machines, as mmdet's script: run it
# on each with the same MASTER_ADDR / MASTER_PORT and NNODES, and NODE_RANK 0..NNODES-1:
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 tools/dist_train.sh CONFIG 8   # first machine
#   NNODES=2 NODE_RANK=1 MASTER_ADDR=10.0.0.1 tools/dist_train.sh CONFIG 8   # second machine
# Without CUDA the gloo backend is used (backbones.engine.launch).
set -euo pipefail
CONFIG=$1; NPROC=$2; shift 2
exec torchrun --nnodes "${NNODES:-1}" --node_rank "${NODE_RANK:-0}" \
  --master_addr "${MASTER_ADDR:-127.0.0.1}" --master_port "${MASTER_PORT:-${PORT:-29500}}" \
  --nproc_per_node "$NPROC" "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "$@"
