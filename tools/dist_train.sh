#!/usr/bin/env bash
# Distributed training with torchrun: tools/dist_train.sh CONFIG NPROC [train.py options]
# Without CUDA the gloo backend is used (backbones.config.adapt_to_device).
set -euo pipefail
CONFIG=$1; NPROC=$2; shift 2
exec torchrun --nproc_per_node "$NPROC" --master_port "${PORT:-29500}" \
  "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "$@"
