"""Speed of our backbones and models against the references, measured in the same run.

    python tools/benchmark.py layernorm   # channels-first LayerNorm implementations
    python tools/benchmark.py backbone    # ConvNeXt-T vs timm, ResNet-50 vs torchvision
    python tools/benchmark.py model       # whole Mask R-CNN / UperNet inference
    python tools/benchmark.py precision   # ConvNeXt-T: fp32, bf16 autocast, torch.compile
    python tools/benchmark.py train       # whole-model training steps vs mmdet's / mmseg's configs

Prints milliseconds per call (median of repeats), images/s, peak memory and ratios (>1.0
means ours is faster), each side measured in the same run. Inference in fp32; training steps
with AMP on CUDA, fp32 on the CPU. The measurements live in backbones/experiments/bench.py and bench_train.py.
"""
import argparse

import _tool  # noqa: F401  (first: hides third-party deprecation warnings)
import torch

from backbones.engine.precision import machine_summary
from backbones.experiments import bench, bench_train

TRAIN_VARIANTS = ('eager', 'channels_last', 'compile', 'compile+channels_last')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('what', choices=['layernorm', 'backbone', 'model', 'precision', 'train'])
    parser.add_argument('--repeats', type=int, default=10)
    gpu = bench.DEVICE == 'cuda'
    parser.add_argument('--det-shape', type=int, nargs=3, metavar=('N', 'H', 'W'),
                        default=(2, 800, 1216) if gpu else (1, 512, 768),
                        help='train: detection batch (default 2x800x1216 on CUDA, 1x512x768 '
                        'on the CPU)')
    parser.add_argument('--seg-shape', type=int, nargs=3, metavar=('N', 'H', 'W'),
                        default=(4, 512, 512) if gpu else (2, 512, 512),
                        help='train: segmentation batch (default 4x512x512 on CUDA, 2x512x512 '
                        "on the CPU; UperNet's pooling BatchNorm needs 2 images)")
    parser.add_argument('--variants', nargs='+', choices=TRAIN_VARIANTS, default=['eager'],
                        help='train: which of ours to measure against the reference')
    args = parser.parse_args()
    # Figures differ between machines of one kind (AVX-512 vs AVX2, native bfloat16 or not):
    # every table is printed under the machine it was measured on.
    print(f'machine: {machine_summary()}, threads {torch.get_num_threads()}')
    if args.what == 'layernorm':
        bench.layernorm(bench.DEVICE, args.repeats)
    elif args.what == 'train':
        bench_train.train(args.repeats, det_shape=tuple(args.det_shape),
                    seg_shape=tuple(args.seg_shape), variants=tuple(args.variants))
    else:
        getattr(bench, args.what)(args.repeats)


if __name__ == '__main__':
    main()
