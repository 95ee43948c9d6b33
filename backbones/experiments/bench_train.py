"""Whole-model training steps for `tools/benchmark.py train`, each model measured in a fresh
process (`python -m backbones.experiments.bench_train _train ...`) so that peak memory is its own.

Ours against mmdet's / mmseg's own configs for the same model (their ConvNeXt is
mmpretrain's: those rows need the optional mmpretrain extra). Where the toolboxes have no
config of the same model (Cascade 4conv1fc-GIoU with ResNet-50), the reference is our config
with their backbone.
"""
import gc
import json
import statistics
import subprocess
import sys
import time

import torch

from .bench import DEVICE, MMDET_R50, _vm_hwm_kib, progress
from ..engine.runner import compile_targets, speed_up

TRAIN = {  # name: (config, overrides, its reference's name)
    'Mask R-CNN ConvNeXt-T': ('configs/mask_rcnn/mask-rcnn_convnext-t_fpn_1x_coco.py', {},
                              'Mask R-CNN ConvNeXt-T, mmdet config'),
    'Mask R-CNN ConvNeXt-T, mmdet config': (
        'mmdet::convnext/mask-rcnn_convnext-t-p4-w7_fpn_amp-ms-crop-3x_coco.py', {}, None),
    'Mask R-CNN ResNet-50': ('configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py', {},
                             'Mask R-CNN ResNet-50, mmdet config'),
    'Mask R-CNN ResNet-50, mmdet config': ('mmdet::mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py', {},
                                           None),
    'Cascade ConvNeXt-T': (
        'configs/cascade_mask_rcnn/cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_1x_coco.py', {},
        'Cascade ConvNeXt-T, mmdet config'),
    'Cascade ConvNeXt-T, mmdet config': (
        'mmdet::convnext/cascade-mask-rcnn_convnext-t-p4-w7_fpn_4conv1fc-giou_amp-ms-crop-3x_coco.py',
        {}, None),
    'Cascade ResNet-50': (
        'configs/cascade_mask_rcnn/cascade-mask-rcnn_r50_fpn_4conv1fc-giou_1x_coco.py', {},
        'Cascade ResNet-50, mmdet backbone'),
    'Cascade ResNet-50, mmdet backbone': (
        'configs/cascade_mask_rcnn/cascade-mask-rcnn_r50_fpn_4conv1fc-giou_1x_coco.py', MMDET_R50,
        None),
    'UperNet ConvNeXt-T': ('configs/upernet/upernet_convnext-t_160k_ade20k-512x512.py', {},
                           'UperNet ConvNeXt-T, mmseg config'),
    'UperNet ConvNeXt-T, mmseg config': (
        'mmseg::convnext/convnext-tiny_upernet_8xb2-amp-160k_ade20k-512x512.py', {}, None),
    'UperNet ResNet-50': ('configs/upernet/upernet_r50_160k_ade20k-512x512.py', {},
                          'UperNet ResNet-50, mmseg config'),
    'UperNet ResNet-50, mmseg config': ('mmseg::upernet/upernet_r50_4xb4-160k_ade20k-512x512.py',
                                        {}, None),
}


def train_config(name: str):
    """The named config, prepared for this machine, without pretrained weights."""
    from mmengine.config import Config
    from mmengine.hub import get_config

    from ..engine.config import prepare
    config, overrides, _ = TRAIN[name]
    cfg = get_config(config) if '::' in config else Config.fromfile(config)
    cfg.merge_from_dict(overrides)
    cfg.model.backbone.pop('init_cfg', None)
    cfg.model.pop('pretrained', None)
    return prepare(cfg)


def fake_batch(scope: str, batch: int, h: int, w: int, seed: int = 0) -> dict:
    """One training batch as the data pipeline packs it: uint8 images and ground truth (COCO:
    5 boxes with masks per image, 80 classes; ADE20K: a random 150-class label map)."""
    import numpy as np
    from mmengine.structures import InstanceData, PixelData
    g = torch.Generator().manual_seed(seed)
    meta = dict(img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w), scale_factor=(1.0, 1.0),
                flip=False, flip_direction=None)
    inputs, samples = [], []
    for _ in range(batch):
        inputs.append(torch.randint(0, 256, (3, h, w), generator=g, dtype=torch.uint8))
        if scope == 'mmseg':
            from mmseg.structures import SegDataSample
            sample = SegDataSample(metainfo=meta)
            sample.gt_sem_seg = PixelData(data=torch.randint(0, 150, (1, h, w), generator=g))
        else:
            from mmdet.structures import DetDataSample
            from mmdet.structures.mask import BitmapMasks
            xy = torch.rand(5, 2, generator=g) * torch.tensor([w, h]) * 0.6
            boxes = torch.cat([xy, xy + torch.rand(5, 2, generator=g) * torch.tensor([w, h]) * 0.3
                               + 16], 1)
            masks = np.zeros((5, h, w), np.uint8)
            for m, (x1, y1, x2, y2) in zip(masks, boxes.int().tolist()):
                m[y1:y2, x1:x2] = 1
            sample = DetDataSample(metainfo=meta)
            sample.gt_instances = InstanceData(
                bboxes=boxes, labels=torch.randint(0, 80, (5,), generator=g),
                masks=BitmapMasks(masks, h, w))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def _train_child(name: str, batch: str, h: str, w: str, variant: str, steps: str) -> None:
    """Time `steps` training steps of one model (after warm-up), print a JSON line."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import DefaultScope

    from ..engine.config import build_model
    cfg = train_config(name)
    torch.backends.cudnn.benchmark = False  # RoI counts change every step (see docs)
    model = build_model(cfg).train().to(DEVICE)
    speed_up(model, channels_last=variant.endswith('channels_last'),
             compile_modules=compile_targets(cfg.model) if variant.startswith('compile') else ())
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        optim = build_optim_wrapper(model, cfg.optim_wrapper)
    data = fake_batch(cfg.default_scope, int(batch), int(h), int(w))
    sync = torch.cuda.synchronize if DEVICE == 'cuda' else (lambda: None)
    gc.collect()
    if DEVICE == 'cuda':  # peak above the model and the batch, optimizer state included
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = _vm_hwm_kib() * 1024
    start = time.perf_counter()
    for _ in range(2):  # warm-up (and compilation)
        losses = model.train_step(data, optim)
    sync()
    warmup_s = time.perf_counter() - start
    times = []
    for _ in range(int(steps)):
        sync()
        t0 = time.perf_counter()
        losses = model.train_step(data, optim)
        sync()
        times.append((time.perf_counter() - t0) * 1e3)
    peak = (torch.cuda.max_memory_allocated() - base if DEVICE == 'cuda'
            else _vm_hwm_kib() * 1024 - base)
    print(json.dumps(dict(ms=statistics.median(times), peak_mib=peak / 2 ** 20,
                          warmup_s=warmup_s, loss=float(sum(v for k, v in losses.items()
                                                            if 'loss' in k)))))


def train_step(name: str, batch: int, h: int, w: int, variant: str, steps: int) -> dict | None:
    """The child's figures for one model, or None (with the reason printed) if it failed."""
    progress(f'{steps} training steps of {name} ({variant}), {batch}x{h}x{w}')
    out = subprocess.run([sys.executable, '-m', 'backbones.experiments.bench_train', '_train', name, str(batch),
                          str(h), str(w), variant, str(steps)], capture_output=True, text=True)
    if out.returncode:
        print(f'<!-- {name} ({variant}) failed: {out.stderr.strip().splitlines()[-1:]} -->')
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def train(repeats: int, *, det_shape: tuple[int, int, int], seg_shape: tuple[int, int, int],
          variants: tuple[str, ...]) -> None:
    """Whole-model training steps: ours (each variant) against its reference (eager, NCHW)."""
    precision = 'AMP fp16' if DEVICE == 'cuda' else 'fp32'
    print(f'| model ({precision}) | input | ours | ours (ms) | reference | reference (ms) | '
          'ratio | ours img/s | peak MiB ours / ref |')
    print('| --- ' * 9 + '|')
    for name, (_, _, reference) in TRAIN.items():
        if reference is None:
            continue
        batch, h, w = seg_shape if name.startswith('UperNet') else det_shape
        ref = train_step(reference, batch, h, w, 'eager', repeats)
        for variant in variants:
            ours = train_step(name, batch, h, w, variant, repeats)
            if ours is None:
                continue
            ratio = f"{ref['ms'] / ours['ms']:.2f}x" if ref else '-'
            print(f"| {name} | {batch}x{h}x{w} | {variant} | {ours['ms']:.0f} | {reference} | "
                  f"{ref['ms'] if ref else float('nan'):.0f} | {ratio} | "
                  f"{1e3 * batch / ours['ms']:.2f} | {ours['peak_mib']:.0f} / "
                  f"{ref['peak_mib'] if ref else float('nan'):.0f} |", flush=True)


if __name__ == '__main__':  # the fresh process of train_step()
    _train_child(*sys.argv[2:])
