"""ImageNet-style classification data: class folders and the usual transforms (top-k accuracy:
backbones/evaluation/metrics.py).

`ImageFolderDataset` reads `data_root/<split>/<class>/<image>`, the layout of ImageNet's
train folder (and of its val folder once sorted into class folders, as torchvision's and
timm's ImageNet readers expect); the demo's classification set is written the same way
(backbones.data.demo.make_cls_shapes), so one class serves both unchanged. Class indices
follow the sorted folder names (ImageNet's wnid order) unless `metainfo.classes` fixes them.
"""
from __future__ import annotations

import math
import os
import os.path as osp

import mmcv
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.dataset import BaseDataset

from ..registry import DATASETS, TRANSFORMS

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


@DATASETS.register_module()
class ImageFolderDataset(BaseDataset):
    """Images in class folders: `data_prefix=dict(img_path='train')` under `data_root`.

    Errors name the folder at fault: a missing split folder, a split with images but no
    class folders (ImageNet's raw val release: sort it into class folders first), a class
    folder without images, or `metainfo.classes` that do not match the folders.
    """

    def load_data_list(self) -> list[dict]:
        root = self.data_prefix.get('img_path', '')
        if not osp.isdir(root):
            raise FileNotFoundError(f'{type(self).__name__}: image folder {root} not found '
                                    f'(data_root={self.data_root!r})')
        entries = sorted(os.scandir(root), key=lambda e: e.name)
        folders = [e.name for e in entries if e.is_dir()]
        loose = [e.name for e in entries if e.is_file() and e.name.lower().endswith(IMG_EXTENSIONS)]
        if not folders:
            raise ValueError(f'{root}: no class folders' + (
                f' but {len(loose)} images ({loose[0]}, ...): put each image in a folder '
                'named after its class (ImageNet\'s val images: sort them into their wnid '
                'folders)' if loose else ''))
        classes = self._metainfo.get('classes')
        if classes is None:
            classes = tuple(folders)
        elif sorted(classes) != folders:
            unknown = sorted(set(folders) - set(classes))
            absent = sorted(set(classes) - set(folders))
            raise ValueError(f'{root}: class folders do not match metainfo.classes'
                             + (f'; folders not in classes: {unknown[:5]}' if unknown else '')
                             + (f'; classes without a folder: {absent[:5]}' if absent else ''))
        # classes read off the folders become the dataset's metainfo (BaseDataset has no
        # public setter; mmpretrain's CustomDataset writes _metainfo the same way)
        self._metainfo['classes'] = tuple(classes)
        data_list = []
        for label, name in enumerate(classes):
            files = sorted(f for f in os.listdir(osp.join(root, name))
                           if f.lower().endswith(IMG_EXTENSIONS))
            if not files:
                raise ValueError(f'{osp.join(root, name)}: class folder holds no images '
                                 f'({", ".join(IMG_EXTENSIONS)})')
            data_list += [dict(img_path=osp.join(root, name, f), gt_label=label) for f in files]
        return data_list


@TRANSFORMS.register_module()
class RandomResizedCrop(BaseTransform):
    """A random crop of `scale` of the area and `ratio` aspect, resized to size x size
    (Inception's crop, as torchvision and timm draw it; numpy's RNG, seeded by MMEngine)."""

    def __init__(self, *, size: int, scale: tuple[float, float] = (0.08, 1.0),
                 ratio: tuple[float, float] = (3 / 4, 4 / 3),
                 interpolation: str = 'bilinear') -> None:
        self.size, self.scale, self.ratio = size, tuple(scale), tuple(ratio)
        self.interpolation = interpolation

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        for _ in range(10):
            area = h * w * np.random.uniform(*self.scale)
            aspect = math.exp(np.random.uniform(*np.log(self.ratio)))
            cw, ch = round(math.sqrt(area * aspect)), round(math.sqrt(area / aspect))
            if 0 < cw <= w and 0 < ch <= h:
                y, x = np.random.randint(0, h - ch + 1), np.random.randint(0, w - cw + 1)
                break
        else:  # fall back to the whole image (torchvision: a central crop of legal aspect)
            y, x, ch, cw = 0, 0, h, w
        results['img'] = mmcv.imresize(img[y:y + ch, x:x + cw], (self.size, self.size),
                                       interpolation=self.interpolation)
        results['img_shape'] = results['img'].shape[:2]
        return results


@TRANSFORMS.register_module()
class ResizeShortEdge(BaseTransform):
    """Resize so the shorter side is `size`, keeping the aspect (ImageNet's evaluation:
    256 then a 224 centre crop)."""

    def __init__(self, *, size: int, interpolation: str = 'bilinear') -> None:
        self.size, self.interpolation = size, interpolation

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        scale = self.size / min(h, w)
        results['img'] = mmcv.imresize(results['img'], (round(w * scale), round(h * scale)),
                                       interpolation=self.interpolation)
        results['img_shape'] = results['img'].shape[:2]
        return results


@TRANSFORMS.register_module()
class PackClsInputs(BaseTransform):
    """HWC uint8 image -> dict(inputs=CHW uint8 tensor, data_samples=int label), what
    ImgDataPreprocessor and backbones.ImageClassifier take."""

    def transform(self, results: dict) -> dict:
        img = np.ascontiguousarray(results['img'].transpose(2, 0, 1))
        return dict(inputs=torch.from_numpy(img), data_samples=int(results['gt_label']))
