"""Measurements behind tools/benchmark.py: speed and peak memory of our backbones and whole
models against the references, each side measured in the same run.

Run as `python -m backbones.experiments.bench _peak ...` it is the fresh child process in which one
model's peak memory is measured. Training steps: backbones/experiments/bench_train.py.
"""
import gc
import statistics
import subprocess
import sys
import time

import timm
import torch
import torchvision
from torchvision.models.feature_extraction import create_feature_extractor

from ..engine.precision import autocast_unsupported
from ..models.convnext import ConvNeXt, LayerNorm2d
from ..models.resnet import ResNet

DEVICE = 'cuda' if torch.cuda.is_available() else 'cpu'


def bench(fn, *, repeats: int, warmup: int = 2) -> float:
    """Median wall time of fn() in milliseconds."""
    with torch.inference_mode():
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(repeats):
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            start = time.perf_counter()
            fn()
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


_START = time.time()


def progress(what: str) -> None:
    """A progress line on stderr (the tables go to stdout): what is measured next, and the
    time so far."""
    print(f'[{time.time() - _START:.0f} s] measuring {what} ...', file=sys.stderr, flush=True)


def official_ln(x, weight, bias, eps=1e-6):
    """The official repository's channels-first LayerNorm (mean/var by hand)."""
    u = x.mean(1, keepdim=True)
    s = (x - u).pow(2).mean(1, keepdim=True)
    x = (x - u) / torch.sqrt(s + eps)
    return weight[:, None, None] * x + bias[:, None, None]


def layernorm(device, repeats):
    print('| shape (N, C, H, W) | official (ms) | ours, NCHW (ms) | ours, channels_last (ms) | speed-up |')
    print('| --- | --- | --- | --- | --- |')
    for shape in [(8, 96, 56, 56), (8, 192, 28, 28), (8, 384, 14, 14), (8, 768, 7, 7),
                  (2, 96, 200, 304)]:
        progress(f'LayerNorm {shape}')
        ln = LayerNorm2d(shape[1], eps=1e-6).to(device)
        x = torch.randn(shape, device=device)
        x_cl = x.contiguous(memory_format=torch.channels_last)
        torch.testing.assert_close(ln(x), official_ln(x, ln.weight, ln.bias), rtol=1e-4, atol=1e-4)
        t_off = bench(lambda: official_ln(x, ln.weight, ln.bias), repeats=repeats)
        t_ours = bench(lambda: ln(x), repeats=repeats)
        t_cl = bench(lambda: ln(x_cl), repeats=repeats)
        print(f'| {shape} | {t_off:.2f} | {t_ours:.2f} | {t_cl:.2f} | {t_off / t_ours:.2f}x |',
              flush=True)


def _backbone(name: str) -> torch.nn.Module:
    return {
        'ConvNeXt-T': lambda: ConvNeXt(arch='tiny'),
        'timm convnext_tiny': lambda: timm.create_model('convnext_tiny', features_only=True),
        'ResNet-50': lambda: ResNet(depth=50),
        'torchvision resnet50': lambda: create_feature_extractor(
            torchvision.models.resnet50(), ['layer1', 'layer2', 'layer3', 'layer4']),
    }[name]()


def _whole(name: str) -> tuple[torch.nn.Module, list]:
    """A whole detector / segmentor (random weights) and the data samples predict() needs."""
    from mmengine.config import Config

    from ..engine.config import build_model
    config, overrides = WHOLE[name]
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(overrides)
    model = build_model(cfg)
    h, w = WHOLE_SHAPES[cfg.default_scope]
    meta = dict(img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w), batch_input_shape=(h, w),
                scale_factor=(1.0, 1.0), padding_size=[0, 0, 0, 0])
    if cfg.default_scope == 'mmdet':
        from mmdet.structures import DetDataSample as Sample
    else:
        from mmseg.structures import SegDataSample as Sample
        model.test_cfg = Config(dict(mode='whole'))
    return model, [Sample(metainfo=meta)]


R50 = [256, 512, 1024, 2048]
# As our R-50 configs: stem and stage 1 frozen, BN statistics fixed (no effect on inference).
MMDET_R50 = {'model.backbone': dict(_delete_=True, type='mmdet.ResNet', depth=50,
                                    frozen_stages=1, norm_eval=True),
             'model.neck.in_channels': R50}
MMSEG_R50 = {'model.backbone': dict(_delete_=True, type='mmseg.ResNet', depth=50),
             'model.decode_head.in_channels': R50, 'model.auxiliary_head.in_channels': 1024}
WHOLE = {  # name: (config, overrides)
    'Mask R-CNN ConvNeXt-T': ('configs/mask_rcnn/mask-rcnn_convnext-t_fpn_1x_coco.py', {}),
    'Mask R-CNN ResNet-50': ('configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py', {}),
    'Mask R-CNN mmdet ResNet-50': ('configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py', MMDET_R50),
    'UperNet ConvNeXt-T': ('configs/upernet/upernet_convnext-t_160k_ade20k-512x512.py', {}),
    'UperNet ResNet-50': ('configs/upernet/upernet_r50_160k_ade20k-512x512.py', {}),
    'UperNet mmseg ResNet-50': ('configs/upernet/upernet_r50_160k_ade20k-512x512.py', MMSEG_R50),
}
WHOLE_SHAPES = {'mmdet': (800, 1216), 'mmseg': (512, 512)}


def _runner(kind: str, name: str, batch: int, h: int, w: int, channels_last: bool):
    """fn() running one forward of the named model on random input, on `DEVICE`."""
    if kind == 'backbone':
        model, samples = _backbone(name), None
    else:
        model, samples = _whole(name)
        h, w = WHOLE_SHAPES['mmdet' if 'R-CNN' in name else 'mmseg']
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(DEVICE).eval().to(memory_format=fmt)
    x = torch.randn(batch, 3, h, w, device=DEVICE).contiguous(memory_format=fmt)
    if samples is None:
        return lambda: model(x)
    return lambda: model.predict(x, samples * batch)


def peak_mib(kind: str, name: str, batch: int, h: int, w: int, channels_last: bool) -> float:
    """Peak memory of one forward above the loaded model and input: CUDA's allocator peak,
    or on the CPU the growth of the process's peak RSS, measured in a fresh process."""
    if DEVICE == 'cuda':
        fn = _runner(kind, name, batch, h, w, channels_last)
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        with torch.inference_mode():
            fn()
        return (torch.cuda.max_memory_allocated() - base) / 2 ** 20
    out = subprocess.run([sys.executable, '-m', 'backbones.experiments.bench', '_peak', kind, name,
                          str(batch), str(h), str(w), str(int(channels_last))],
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return float(out.stdout.split()[-1])


def _vm_hwm_kib() -> int:
    """This process's peak RSS. (getrusage's ru_maxrss would carry the parent's peak over
    fork + exec.)"""
    with open('/proc/self/status') as f:
        return int(next(line for line in f if line.startswith('VmHWM')).split()[1])


def _peak_child(kind, name, batch, h, w, channels_last) -> None:
    fn = _runner(kind, name, int(batch), int(h), int(w), channels_last == '1')
    gc.collect()
    base = _vm_hwm_kib()
    with torch.inference_mode():
        fn()
    print((_vm_hwm_kib() - base) / 1024)  # KiB -> MiB


def compare(kind: str, pairs, shapes, repeats: int) -> None:
    print(f'| {kind} | input | layout | ours (ms) | reference (ms) | ours img/s | ratio | '
          'ours peak MiB | reference peak MiB |')
    print('| --- ' * 9 + '|')
    for ours, ref in pairs:
        for batch, h, w in shapes:
            for cl in (False, True):
                progress(f'{ours} vs {ref}, {batch}x{h}x{w}, {"channels_last" if cl else "NCHW"}')
                t = [bench(_runner(kind, n, batch, h, w, cl), repeats=repeats) for n in (ours, ref)]
                mem = [peak_mib(kind, n, batch, h, w, cl) for n in (ours, ref)]
                shape = (f'{batch}x{h}x{w}' if kind == 'backbone' else '1x{}x{}'.format(
                    *WHOLE_SHAPES['mmdet' if 'R-CNN' in ours else 'mmseg']))
                print(f'| {ours} vs {ref} | {shape} | '
                      f'{"channels_last" if cl else "NCHW"} | {t[0]:.1f} | {t[1]:.1f} | '
                      f'{1e3 * batch / t[0]:.2f} | {t[1] / t[0]:.2f}x | {mem[0]:.0f} | '
                      f'{mem[1]:.0f} |', flush=True)


def backbone(repeats):
    compare('backbone', [('ConvNeXt-T', 'timm convnext_tiny'),
                         ('ResNet-50', 'torchvision resnet50')],
            [(8, 224, 224), (1, 800, 1216)], repeats)


def model(repeats):
    compare('model', [('Mask R-CNN ResNet-50', 'Mask R-CNN mmdet ResNet-50'),
                      ('Mask R-CNN ConvNeXt-T', 'Mask R-CNN ResNet-50'),
                      ('UperNet ResNet-50', 'UperNet mmseg ResNet-50'),
                      ('UperNet ConvNeXt-T', 'UperNet ResNet-50')], [(1, 0, 0)], repeats)


def precision(repeats):
    """ConvNeXt-T backbone: fp32, bf16 autocast, torch.compile (fp32), at 8x224x224."""
    x = torch.randn(8, 3, 224, 224, device=DEVICE)
    net = ConvNeXt(arch='tiny').to(DEVICE).eval()
    print('| ConvNeXt-T 8x224x224 | ms | img/s | vs fp32 | max abs diff vs fp32 |')
    print('| --- | --- | --- | --- | --- |')
    progress('ConvNeXt-T fp32')
    with torch.inference_mode():
        ref = net(x)[-1]
    t32 = bench(lambda: net(x), repeats=repeats)
    print(f'| fp32 eager | {t32:.1f} | {8e3 / t32:.1f} | 1.00x | 0 |', flush=True)

    def bf16():
        with torch.autocast(DEVICE, dtype=torch.bfloat16):
            return net(x)
    progress('ConvNeXt-T bf16 autocast')
    with torch.inference_mode():
        diff = (bf16()[-1].float() - ref).abs().max().item()
    t = bench(bf16, repeats=repeats)
    emulated = autocast_unsupported(DEVICE, torch.bfloat16)
    label = 'bf16 autocast' + (' (emulated: no native bf16 here)' if emulated else '')
    print(f'| {label} | {t:.1f} | {8e3 / t:.1f} | {t32 / t:.2f}x | {diff:.3g} |', flush=True)
    progress('ConvNeXt-T torch.compile (compiling first)')
    start = time.perf_counter()
    compiled = torch.compile(net)
    with torch.inference_mode():
        diff = (compiled(x)[-1] - ref).abs().max().item()
    took = time.perf_counter() - start
    t = bench(lambda: compiled(x), repeats=repeats)
    print(f'| torch.compile fp32 (compiling took {took:.0f} s) | {t:.1f} | {8e3 / t:.1f} | '
          f'{t32 / t:.2f}x | {diff:.3g} |')


if __name__ == '__main__':  # the fresh process of peak_mib()
    _peak_child(*sys.argv[2:])
