"""Data sets with their faults named.

COCO instances: mmdet's CocoDataset drops bad annotations silently and finds a missing image
only mid-epoch. CheckedCocoDataset checks before training:

- an image file that does not exist, or an annotation whose image id is not in `images`:
  an error naming the file / the annotation;
- an annotation whose box lies outside its image, or whose polygon is empty or degenerate:
  skipped, counted, and the counts logged.

Semantic segmentation (ADE20K layout): CheckedSegDataset / CheckedADE20KDataset check the
folders, the image-label pairing and every label (size, values) when they are built, before
training; LoadSegAnnotations checks each label again as it reads it.
"""
from __future__ import annotations

import os.path as osp
from collections import Counter

import numpy as np
from PIL import Image
from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmengine.logging import print_log
from mmseg.datasets import ADE20KDataset, BaseSegDataset
from mmseg.datasets.transforms import LoadAnnotations

from ..registry import DATASETS, TRANSFORMS


class _CheckedCOCO(COCO):
    """mmdet's COCO API that refuses annotations whose image id is not in `images`."""

    def __init__(self, annotation_file: str | None = None) -> None:
        super().__init__(annotation_file)
        dangling = [a['id'] for a in self.dataset.get('annotations', [])
                    if a.get('image_id') not in self.imgs]
        if dangling:
            raise ValueError(f'{annotation_file}: annotation(s) {dangling[:5]} refer to image '
                             'ids that are not in "images"')


@DATASETS.register_module()
class CheckedCocoDataset(CocoDataset):
    COCOAPI = _CheckedCOCO  # the json is read once, by mmdet, and checked as it is indexed

    def load_data_list(self) -> list[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'{type(self).__name__}: annotation file {self.ann_file} '
                                    f'not found (data_root={self.data_root!r})')
        self.skipped: Counter = Counter()
        data_list = super().load_data_list()
        missing = [d['img_path'] for d in data_list if not osp.isfile(d['img_path'])]
        if missing:
            raise FileNotFoundError(
                f'{self.ann_file}: {len(missing)} image file(s) listed but not found, '
                f'first: {missing[0]}')
        if self.skipped:
            print_log(f'{self.ann_file}: skipped annotations: ' + ', '.join(
                f'{n} {why}' for why, n in sorted(self.skipped.items())), logger='current',
                level=30)
        return data_list

    def parse_data_info(self, raw_data_info: dict) -> dict:
        img = raw_data_info['raw_img_info']
        kept = []
        for ann in raw_data_info['raw_ann_info']:
            x, y, w, h = ann['bbox']
            seg = ann.get('segmentation')
            if x < 0 or y < 0 or x + w > img['width'] + 1 or y + h > img['height'] + 1:
                self.skipped['boxes outside the image'] += 1
            elif isinstance(seg, list) and not any(len(p) >= 6 for p in seg):
                self.skipped['empty or degenerate polygons'] += 1
            else:
                if isinstance(seg, list):  # drop degenerate parts of multi-part polygons
                    ann = dict(ann, segmentation=[p for p in seg if len(p) >= 6])
                kept.append(ann)
        return super().parse_data_info(dict(raw_data_info, raw_ann_info=kept))


class _CheckedSegData:
    """Checks for mmseg's folder datasets, which pair images and labels by file name only:
    a missing image folder, an image without its label file, or an empty split is an error
    naming the folder or file. Each sample also carries the class count, so
    `backbones.LoadSegAnnotations` can check every label it reads."""

    def load_data_list(self) -> list[dict]:
        img_dir = self.data_prefix.get('img_path', '')
        if not osp.isdir(img_dir) and not osp.isfile(self.ann_file or ''):
            raise FileNotFoundError(f'{type(self).__name__}: image folder {img_dir} not found '
                                    f'(data_root={self.data_root!r})')
        data_list = super().load_data_list()
        if not data_list:
            raise FileNotFoundError(f'{type(self).__name__}: no *{self.img_suffix} images in '
                                    f'{img_dir}')
        missing = [d['seg_map_path'] for d in data_list
                   if 'seg_map_path' in d and not osp.isfile(d['seg_map_path'])]
        if missing:
            raise FileNotFoundError(f'{len(missing)} label file(s) missing for images in '
                                    f'{img_dir}, first: {missing[0]}')
        num_classes = len(self.metainfo['classes'])
        for d in data_list:  # every label, before training: a short run skips none
            d['num_classes'] = num_classes
            if 'seg_map_path' in d:
                try:
                    with Image.open(d['img_path']) as img:
                        size = img.size
                    label = np.asarray(Image.open(d['seg_map_path']))
                except OSError as err:
                    raise ValueError(f'not a readable image: {err}') from err
                check_label(label, d['seg_map_path'], d['img_path'], size[::-1], num_classes,
                            self.reduce_zero_label)
        return data_list


@DATASETS.register_module()
class CheckedSegDataset(_CheckedSegData, BaseSegDataset):
    """mmseg's generic folder dataset (classes from `metainfo`), checked."""


@DATASETS.register_module()
class CheckedADE20KDataset(_CheckedSegData, ADE20KDataset):
    """mmseg's ADE20K (150 classes, reduce_zero_label), checked."""


@TRANSFORMS.register_module()
class LoadSegAnnotations(LoadAnnotations):
    """mmseg's LoadAnnotations, then: the label must have its image's size and hold only
    class ids (or 255, ignore); otherwise an error names the file and the offending values.
    An image without a label (`seg_map_path` unset: inference, mmseg's `inference_model` and
    `MMSegInferencer` on a config whose test pipeline holds this step) passes unchanged."""

    def transform(self, results: dict) -> dict:
        if results.get('seg_map_path') is None:
            return results
        return super().transform(results)

    def _load_seg_map(self, results: dict) -> None:
        super()._load_seg_map(results)
        label = results['gt_seg_map']  # as trained on: after reduce_zero_label
        if self.reduce_zero_label:  # back to the stored values for the check and the message
            label = np.where(label == 255, 0, label + 1)
        check_label(label, results['seg_map_path'], results['img_path'],
                    tuple(results['ori_shape'][:2]), results.get('num_classes'),
                    self.reduce_zero_label)


def check_label(label: np.ndarray, path: str, img_path: str, img_hw: tuple, num_classes,
                reduce_zero_label: bool) -> None:
    """A label map as stored must have its image's size and hold only class ids (stored
    0 = ignore and 1..N with reduce_zero_label, else 0..N-1) or 255 (ignore)."""
    if label.shape[:2] != tuple(img_hw):
        raise ValueError(f'{path}: label is {label.shape[1]}x{label.shape[0]} (WxH) but its '
                         f'image {img_path} is {img_hw[1]}x{img_hw[0]}')
    if num_classes is None:
        return
    shift = 1 if reduce_zero_label else 0
    bad = np.setdiff1d(np.unique(label), [*range(num_classes + shift), 255])
    if bad.size:
        raise ValueError(
            f'{path}: label values {bad.tolist()[:10]} beyond the dataset\'s '
            f'{num_classes} classes (stored values must be '
            + (f'0 = ignore or 1..{num_classes})' if shift else
               f'0..{num_classes - 1} or 255 = ignore)'))
