"""Speed of our backbones against the references, measured in the same run.

    python tools/benchmark.py layernorm   # channels-first LayerNorm implementations
    python tools/benchmark.py backbone    # ConvNeXt-T vs timm, ResNet-50 vs torchvision

Prints milliseconds per call (median of repeats) and ratios (>1.0 means ours is faster).
fp32 inference on the CPU unless CUDA is there.
"""
import argparse
import statistics
import time

import timm
import torch
import torchvision

from backbones import ConvNeXt, ResNet
from backbones.convnext import LayerNorm2d


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
        ln = LayerNorm2d(shape[1], eps=1e-6).to(device)
        x = torch.randn(shape, device=device)
        x_cl = x.contiguous(memory_format=torch.channels_last)
        torch.testing.assert_close(ln(x), official_ln(x, ln.weight, ln.bias), rtol=1e-4, atol=1e-4)
        t_off = bench(lambda: official_ln(x, ln.weight, ln.bias), repeats=repeats)
        t_ours = bench(lambda: ln(x), repeats=repeats)
        t_cl = bench(lambda: ln(x_cl), repeats=repeats)
        print(f'| {shape} | {t_off:.2f} | {t_ours:.2f} | {t_cl:.2f} | {t_off / t_ours:.2f}x |')


def backbone(device, repeats):
    pairs = [
        ('ConvNeXt-T', lambda: ConvNeXt(arch='tiny'),
         lambda: timm.create_model('convnext_tiny', pretrained=False, features_only=True)),
        ('ResNet-50', lambda: ResNet(depth=50),
         lambda: torchvision.models.feature_extraction.create_feature_extractor(
             torchvision.models.resnet50(), ['layer1', 'layer2', 'layer3', 'layer4'])),
    ]
    print('| backbone | input | ours (ms) | reference (ms) | ours img/s | ratio |')
    print('| --- | --- | --- | --- | --- | --- |')
    for name, make_ours, make_ref in pairs:
        ours, ref = make_ours().to(device).eval(), make_ref().to(device).eval()
        for batch, h, w in [(8, 224, 224), (1, 800, 1216)]:
            x = torch.randn(batch, 3, h, w, device=device)
            t_ours = bench(lambda: ours(x), repeats=repeats)
            t_ref = bench(lambda: ref(x), repeats=repeats)
            print(f'| {name} | {batch}x{h}x{w} | {t_ours:.1f} | {t_ref:.1f} | '
                  f'{1e3 * batch / t_ours:.1f} | {t_ref / t_ours:.2f}x |')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('what', choices=['layernorm', 'backbone'])
    parser.add_argument('--repeats', type=int, default=10)
    args = parser.parse_args()
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    print(f'device: {torch.cuda.get_device_name() if device == "cuda" else "cpu"}, '
          f'torch {torch.__version__}, threads {torch.get_num_threads()}')
    {'layernorm': layernorm, 'backbone': backbone}[args.what](device, args.repeats)


if __name__ == '__main__':
    main()
