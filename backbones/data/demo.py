"""Deterministic demo data sets, since COCO and ADE20K cannot be downloaded here.

Every set is made of the same thing: objects filled with a black-and-white pattern (stripes,
checks, dots, rings, a grid, zigzags; random period, angle and phase) on smooth colourful
backgrounds, and the pattern, not the colour or the outline, is the class. `make_cls_shapes`
writes the demo's "ImageNet" in ImageNet's folder layout: one object per image, six pattern
classes. `make_coco_shapes` writes a COCO-format instance-segmentation set of objects of three
of those patterns (polygon and RLE masks, some crowd regions and some empty images);
`make_ade_shapes` the same kind of images as an ADE20K-layout semantic set. No class has a
colour, a size or an outline of its own, so a model from scratch cannot tell the downstream
classes apart by a shortcut: it has to learn the patterns, which is what pretraining teaches.
(The first demo's colour-coded classes let a model from scratch learn them in a few steps, and
with random colours ConvNeXt-T learnt nothing in CPU minutes: docs/demo.md, "The first demo's
data".)
Same seed, same bytes.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from pycocotools import mask as mask_utils

from ..weights.io import save_json

SHAPES = ('circle', 'square', 'triangle')  # the downstream objects' outlines, any class
PATTERNS = ('checker', 'dots', 'grid', 'rings', 'stripes', 'zigzag')  # pretraining classes
CLASSES = ('checker', 'dots', 'stripes')  # the detection set's classes: three of the patterns
# The semantic set's: with checker among them, ResNet-50's pretrained UperNet took every
# checker pixel for dots in one pretraining seed of two (checker IoU 0.4-16, mIoU range 17-26
# points); with dots, grid and zigzag its seeds gave 75.7 / 81.3 (docs/demo.md).
SEMANTIC = ('dots', 'grid', 'zigzag')


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    """Smooth colour gradient plus noise and faint stripes: texture, not a flat colour."""
    yy, xx = np.mgrid[0:size, 0:size] / size
    base = rng.uniform(40, 200, 3)
    slope = rng.uniform(-60, 60, (2, 3))
    img = base + xx[..., None] * slope[0] + yy[..., None] * slope[1]
    period = rng.uniform(4, 12)
    img += 12 * np.sin(2 * np.pi * (xx if rng.random() < 0.5 else yy) * size / period)[..., None]
    img += rng.normal(0, 10, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


# Vertex count and the radius of each vertex (as a fraction of r) of every shape kind.
_OUTLINES = {'circle': (32, (1,)), 'square': (4, (1,)), 'triangle': (3, (1,)),
             'pentagon': (5, (1,)), 'hexagon': (6, (1,)), 'star': (10, (1, 0.45)),
             'cross': (12, (1, 0.5, 1)), 'ellipse': (32, (1,))}


def _polygon(kind: str, cx: float, cy: float, r: float, angle: float) -> list[float]:
    n, radii = _OUTLINES[kind]
    start = angle + (math.pi / 4 if kind == 'square' else 0)
    if kind == 'cross':  # a plus sign: arm ends at r, inner corners at r / 2
        corners = [(1, 0.35), (0.35, 0.35), (0.35, 1)]
        pts = []
        for q in range(4):
            c, s = math.cos(start + q * math.pi / 2), math.sin(start + q * math.pi / 2)
            pts += [(cx + r * (u * c - v * s), cy + r * (u * s + v * c)) for u, v in
                    [(1, -0.35), *corners[:2]]]
        return [round(v, 2) for p in pts for v in p]
    squash = 0.55 if kind == 'ellipse' else 1.0
    pts = []
    for k in range(n):
        t = start + 2 * math.pi * k / n
        rk = r * radii[k % len(radii)]
        x, y = rk * math.cos(2 * math.pi * k / n), rk * math.sin(2 * math.pi * k / n) * squash
        a = start
        pts.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a))
                   if kind == 'ellipse' else (cx + rk * math.cos(t), cy + rk * math.sin(t)))
    return [round(v, 2) for p in pts for v in p]


# Pattern periods in pixels, the same in every set. ConvNeXt-T's 4x4 patchify stem learns
# periods of 8-14 px twice as fast as 5-9 px (top-1 57.7 vs 33.3 after 300 steps, docs/demo.md).
PERIOD = (8.0, 14.0)


def _pattern(kind: str, rng: np.random.Generator, size: int,
             period: tuple[float, float] = PERIOD) -> np.ndarray:
    """A size x size boolean map of one pattern kind, period in pixels, random angle and phase."""
    p = rng.uniform(*period)
    t = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    u = (xx * np.cos(t) + yy * np.sin(t)) / p + rng.random()
    v = (-xx * np.sin(t) + yy * np.cos(t)) / p + rng.random()
    if kind == 'stripes':
        return np.sin(2 * np.pi * u) > 0
    if kind == 'checker':
        return (np.sin(2 * np.pi * u) > 0) ^ (np.sin(2 * np.pi * v) > 0)
    # Every kind is half white (dots of radius 0.4 period, lines 0.29 of it wide), so an
    # object's mean brightness does not tell its class.
    if kind == 'dots':  # a dot on every lattice point
        return np.hypot(u - np.round(u), v - np.round(v)) < 0.4
    if kind == 'grid':  # thin lines along both axes
        return (np.abs(u - np.round(u)) < 0.146) | (np.abs(v - np.round(v)) < 0.146)
    if kind == 'rings':  # concentric about a point inside the image: curved, not stripes
        cx, cy = rng.uniform(0.25, 0.75, 2) * size
        return np.sin(2 * np.pi * np.hypot(xx - cx, yy - cy) / p) > 0
    if kind == 'zigzag':  # stripes bent into a triangle wave
        return np.sin(2 * np.pi * (u + 0.6 * np.abs(2 * (v / 1.5 % 1) - 1))) > 0
    raise ValueError(f'unknown pattern {kind!r}; known: {PATTERNS}')


def _draw(img: Image.Image, poly: list[float], fill: np.ndarray) -> np.ndarray:
    """Paint the polygon with `fill` (a boolean pattern: True white, False black) and return
    its binary mask (what the annotation must describe)."""
    mask = Image.new('L', img.size, 0)
    ImageDraw.Draw(mask).polygon(poly, fill=255)  # paste() reads the mask as opacity
    img.paste(Image.fromarray(np.where(fill, 235, 20).astype(np.uint8)).convert('RGB'), mask=mask)
    return (np.asarray(mask) > 0).astype(np.uint8)


def _shapes(rng: np.random.Generator, img: Image.Image, count: int,
            radius: tuple[float, float] = (0.12, 0.25), classes: tuple[str, ...] = CLASSES
            ) -> list[tuple[int, list[float], np.ndarray]]:
    """Paint up to `count` non-overlapping objects, radii a `radius` fraction of the image
    (large enough for a few periods of their pattern), each filled with one of `classes`;
    return (class index, polygon, mask) for each."""
    size = img.size[0]
    placed: list[tuple[float, float, float]] = []
    shapes = []
    for _ in range(count):
        r = float(rng.uniform(size * radius[0], size * radius[1]))
        cx, cy = rng.uniform(r, size - r, 2)
        if any(math.hypot(cx - x, cy - y) < r + s + 2 for x, y, s in placed):
            continue  # no overlaps: every visible mask equals its annotation
        placed.append((cx, cy, r))
        label = int(rng.integers(len(classes)))  # the pattern is the class, any outline
        poly = _polygon(SHAPES[int(rng.integers(len(SHAPES)))], cx, cy, r,
                        float(rng.uniform(0, math.pi)))
        shapes.append((label, poly, _draw(img, poly, _pattern(classes[label], rng, size))))
    return shapes


def _box(binary: np.ndarray) -> list[float]:
    """COCO [x, y, w, h] of the mask's pixels."""
    ys, xs = np.nonzero(binary)
    return [float(xs.min()), float(ys.min()),
            float(xs.max() - xs.min() + 1), float(ys.max() - ys.min() + 1)]


def _rle(binary: np.ndarray) -> dict:
    """Compressed RLE in its JSON form."""
    rle = mask_utils.encode(np.asfortranarray(binary))
    return dict(size=list(rle['size']), counts=rle['counts'].decode('ascii'))


# Each writer's version, raised whenever what it draws changes: a set keeps the version that
# wrote it in its folder (demo_set.json; none: version 1), so tools/study.py can refuse a set
# an older version wrote instead of training on it unnoticed (`outdated`).
VERSIONS = {'make_coco_shapes': 1, 'make_ade_shapes': 3, 'make_cls_shapes': 2}
STAMP = 'demo_set.json'


def _stamp(folder: Path, writer: str) -> None:
    save_json(dict(writer=writer, version=VERSIONS[writer]), folder / STAMP)


def outdated(root: str | os.PathLike, writer: str) -> str | None:
    """Why the set in `root` is not what `writer` writes now, or None if it is."""
    path = Path(root) / STAMP
    want = dict(writer=writer, version=VERSIONS[writer])
    if not path.is_file():  # written before the sets carried a stamp: by each writer's version 1
        return None if want['version'] == 1 else (
            f'{path} is missing, so version 1 of {writer} wrote it; this version writes {want}')
    with open(path) as f:
        found = json.load(f)
    return None if found == want else f'{path} says {found}, this version writes {want}'


def make_coco_shapes(root: str | os.PathLike, *, num_train: int = 240, num_val: int = 60,
                     size: int = 128, seed: int = 0) -> Path:
    """Write root/{train,val}/*.png and root/annotations/instances_{train,val}.json."""
    root = Path(root)
    rng = np.random.default_rng(seed)
    categories = [dict(id=i + 1, name=n, supercategory='pattern')
                  for i, n in enumerate(CLASSES)]
    for split, count in (('train', num_train), ('val', num_val)):
        (root / split).mkdir(parents=True, exist_ok=True)
        images, anns = [], []
        for idx in range(count):
            img = Image.fromarray(_background(rng, size))
            file_name = f'{split}_{idx:04d}.png'
            empty = idx % 10 == 9  # every tenth image has no objects
            for label, poly, binary in _shapes(rng, img, 0 if empty else int(rng.integers(1, 5))):
                if len(anns) % 3 == 2:  # a third of the masks as compressed RLE
                    seg = _rle(binary)
                    area = float(binary.sum())
                else:  # COCO rasterises polygons a little differently from PIL
                    seg = [poly]
                    area = float(mask_utils.area(mask_utils.frPyObjects([poly], size, size)[0]))
                anns.append(dict(id=len(anns) + 1, image_id=idx + 1, category_id=label + 1,
                                 segmentation=seg, area=area, bbox=_box(binary), iscrowd=0))
            if not empty and idx % 7 == 3:  # a crowd region: a cluster of small dots
                crowd = np.zeros((size, size), np.uint8)
                x0, y0 = rng.integers(0, size - 24, 2)
                for _ in range(6):
                    dx, dy = rng.integers(0, 20, 2)
                    crowd[y0 + dy:y0 + dy + 3, x0 + dx:x0 + dx + 3] = 1
                    img.paste((255, 255, 255), (int(x0 + dx), int(y0 + dy),
                                                int(x0 + dx + 3), int(y0 + dy + 3)))
                anns.append(dict(id=len(anns) + 1, image_id=idx + 1, category_id=1,
                                 segmentation=_rle(crowd), area=float(crowd.sum()),
                                 bbox=_box(crowd), iscrowd=1))
            img.save(root / split / file_name)
            images.append(dict(id=idx + 1, file_name=file_name, width=size, height=size))
        save_json(dict(images=images, annotations=anns, categories=categories),
                  root / 'annotations' / f'instances_{split}.json', indent=None)
    _stamp(root, 'make_coco_shapes')
    return root


SEG_CLASSES = ('background', *SEMANTIC)


def make_ade_shapes(root: str | os.PathLike, *, num_train: int = 200, num_val: int = 50,
                    size: int = 128, seed: int = 0) -> Path:
    """Write an ADE20K-layout semantic set: root/images/{training,validation}/*.jpg and
    root/annotations/{training,validation}/*.png, labels 1 = background, 2.. = the shapes and
    0 = ignore (a one-pixel band along every shape's outline, as ADE20K leaves pixels
    unlabelled), read with reduce_zero_label. Up to 4-9 large objects an image (radius 25-45%):
    background is 71% of the pixels. With 1-4 smaller ones (12-30%, 87% background) the demo's
    ConvNeXt-T UperNet learnt the background prior and little else in 150 iterations, from
    pretrained weights and from scratch alike (docs/demo.md). Written to a temporary folder,
    then renamed: an interrupted run leaves no half set behind."""
    root = Path(root)
    tmp = root.with_name(root.name + '.tmp')
    rng = np.random.default_rng(seed)
    for split, count in (('training', num_train), ('validation', num_val)):
        for kind in ('images', 'annotations'):
            (tmp / kind / split).mkdir(parents=True, exist_ok=True)
        for idx in range(count):
            img = Image.fromarray(_background(rng, size))
            label = np.ones((size, size), np.uint8)
            # larger shapes than the detection set's: every class gets pixels to learn from
            # (non-overlapping: of 4-9 tries, those that fit)
            for cls, _, binary in _shapes(rng, img, int(rng.integers(4, 10)), (0.25, 0.45),
                                          SEMANTIC):
                inner = binary.copy()  # erode by one pixel: the outline becomes "unlabelled"
                inner[1:] &= binary[:-1]
                inner[:-1] &= binary[1:]
                inner[:, 1:] &= binary[:, :-1]
                inner[:, :-1] &= binary[:, 1:]
                label[binary > 0] = 0
                label[inner > 0] = cls + 2
            name = f'{split}_{idx:04d}'
            img.save(tmp / 'images' / split / f'{name}.jpg', quality=95)
            Image.fromarray(label).save(tmp / 'annotations' / split / f'{name}.png')
    if root.exists():
        raise FileExistsError(f'{root} exists: remove it to write the demo set again')
    _stamp(tmp, 'make_ade_shapes')
    tmp.rename(root)
    return root


def make_cls_shapes(root: str | os.PathLike, *, per_class: tuple[int, int] = (1000, 50),
                    size: int = 40, radius: tuple[float, float] = (0.5, 0.75),
                    seed: int = 0) -> Path:
    """Write root/{train,val}/<pattern>/<n>.JPEG (ImageNet's layout and suffix): one object
    per image, its outline any of eight, filled with its class's pattern, on the downstream
    sets' backgrounds; `per_class` images per class in train and val. The object is large
    (radius 50-75% of the image, as ImageNet's objects fill their photos): with a smaller one
    (30-45%) ConvNeXt-T learnt more slowly (top-1 42.0 vs 48.3 after 300 steps, docs/demo.md). 1000 train
    images a class, not 250: from 250 ConvNeXt-T overfits (train loss 0.08, val top-1 60).
    40 px, not 48: a float32 ConvNeXt-T step costs 1.5x less (stage 3 sees 2x2 positions, not
    3x3), which the AVX2 kind's 60-minute budget needs; seed 1's top-1 is lower (66-68 float32
    vs 73 at 48 px), but the fine-tunes from it stayed as far from scratch (docs/demo.md).
    Written to a temporary folder, then renamed: an interrupted run leaves no half set behind."""
    root = Path(root)
    tmp = root.with_name(root.name + '.tmp')
    rng = np.random.default_rng(seed)
    outlines = tuple(_OUTLINES)
    for split, count in zip(('train', 'val'), per_class):
        for label, kind in enumerate(PATTERNS):
            (tmp / split / kind).mkdir(parents=True, exist_ok=True)
            for idx in range(count):
                img = Image.fromarray(_background(rng, size))
                r = float(rng.uniform(*radius) * size)
                cx, cy = rng.uniform(min(r, 0.4 * size), max(size - r, 0.6 * size), 2)
                outline = outlines[int(rng.integers(len(outlines)))]
                _draw(img, _polygon(outline, cx, cy, r, float(rng.uniform(0, 2 * math.pi))),
                      _pattern(kind, rng, size))
                img.save(tmp / split / kind / f'{split}_{label}_{idx:04d}.JPEG', quality=95)
    if root.exists():
        raise FileExistsError(f'{root} exists: remove it to write the demo set again')
    _stamp(tmp, 'make_cls_shapes')
    tmp.rename(root)
    return root
