"""COCO instance data with its faults named: mmdet's CocoDataset drops bad annotations
silently and finds a missing image only mid-epoch. This subclass checks before training:

- an image file that does not exist, or an annotation whose image id is not in `images`:
  an error naming the file / the annotation;
- an annotation whose box lies outside its image, or whose polygon is empty or degenerate:
  skipped, counted, and the counts logged.
"""
from __future__ import annotations

import os.path as osp
from collections import Counter

from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmengine.logging import print_log

from .registry import DATASETS


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
