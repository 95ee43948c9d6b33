"""tools/benchmark.py train measures real training steps (figures are for docs, not asserted):
one model's child process trains on the fake batch and reports a finite loss and memory."""
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import torch

from backbones.experiments.bench_train import TRAIN, fake_batch

ROOT = Path(__file__).resolve().parents[1]


def test_every_pair_has_its_reference():
    for name, (_, _, reference) in TRAIN.items():
        assert reference is None or TRAIN[reference][2] is None, name
    assert sum(ref is not None for _, _, ref in TRAIN.values()) == 6


def test_fake_batch_holds_boxes_inside_the_image_and_masks_under_them():
    batch = fake_batch('mmdet', 2, 96, 128)
    for image, sample in zip(batch['inputs'], batch['data_samples']):
        assert image.shape == (3, 96, 128) and image.dtype == torch.uint8
        boxes = sample.gt_instances.bboxes
        assert (boxes[:, 2:] > boxes[:, :2]).all()
        assert sample.gt_instances.masks.to_ndarray().sum() > 0


def test_training_step_child_reports_its_figures():
    """A whole Mask R-CNN ResNet-50 (the benchmark's config) in a fresh process: the step
    time, the memory a training step takes above the model and batch (activations and
    optimizer state: hundreds of MiB, never none), and a finite loss. (A segmentor would pad
    its input to the 512x512 crop, 5x the time for the same check.)"""
    run = subprocess.run([sys.executable, '-m', 'backbones.experiments.bench_train', '_train',
                          'Mask R-CNN ResNet-50', '1', '128', '128', 'eager', '1'],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures['ms'] > 0 and figures['warmup_s'] > 0
    assert figures['peak_mib'] > 50, figures
    assert math.isfinite(figures['loss']) and figures['loss'] > 0


def test_benchmark_tool_shows_progress_before_each_measurement():
    run = subprocess.run([sys.executable, 'tools/benchmark.py', 'layernorm', '--repeats', '1'],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(re.findall(r'^\[\d+ s\] measuring LayerNorm \(', run.stderr, re.M)) == 5, run.stderr
    assert len([x for x in run.stdout.splitlines() if x.startswith('| (')]) == 5
