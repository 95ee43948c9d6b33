"""The demo data generator and bad COCO annotations."""
import json

import numpy as np
import pytest
from mmengine.logging import MMLogger
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from backbones.data.datasets import CheckedCocoDataset
from backbones.data.demo import make_coco_shapes

CLASSES = ('checker', 'dots', 'stripes')


def test_demo_data_is_deterministic_and_masks_match_pixels(tmp_path):
    a = make_coco_shapes(tmp_path / 'a', num_train=12, num_val=4, seed=3)
    b = make_coco_shapes(tmp_path / 'b', num_train=12, num_val=4, seed=3)
    for rel in ('annotations/instances_train.json', 'train/train_0005.png'):
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
    coco = COCO(str(a / 'annotations/instances_train.json'))
    kinds = {'polygon': 0, 'rle': 0, 'crowd': 0}
    for ann in coco.dataset['annotations']:
        m = coco.annToMask(ann)
        assert m.sum() == ann['area']
        if not ann['iscrowd']:  # the painted object: its black-and-white pattern fills the mask
            pixels = np.asarray(Image.open(a / 'train' / coco.imgs[ann['image_id']]['file_name']))
            inside = pixels[np.nonzero(m)].astype(int)
            black, white = (np.abs(inside - v).max(1) <= 2 for v in (20, 235))
            assert black.sum() + white.sum() >= 0.8 * m.sum()  # edges aside (rasterisers differ)
            assert min(black.sum(), white.sum()) >= 0.1 * m.sum()  # a pattern, not a flat fill
        ys, xs = np.nonzero(m)
        x, y, w, h = ann['bbox']
        assert abs(xs.min() - x) <= 1 and abs(ys.min() - y) <= 1
        kinds['crowd' if ann['iscrowd'] else 'rle' if isinstance(ann['segmentation'], dict)
              else 'polygon'] += 1
    assert all(kinds.values()), kinds
    empty = [i for i in coco.imgs if not coco.getAnnIds(imgIds=[i])]
    assert empty  # some images have no objects


def _write(tmp_path, images, anns):
    (tmp_path / 'img').mkdir(exist_ok=True)
    for im in images:
        if not im.get('missing'):
            Image.new('RGB', (im['width'], im['height'])).save(tmp_path / 'img' / im['file_name'])
    ann_file = tmp_path / 'ann.json'
    ann_file.write_text(json.dumps(dict(
        images=[{k: v for k, v in im.items() if k != 'missing'} for im in images],
        annotations=anns, categories=[dict(id=i + 1, name=n) for i, n in enumerate(CLASSES)])))
    return ann_file


def _dataset(tmp_path, ann_file):
    return CheckedCocoDataset(ann_file=str(ann_file), data_prefix=dict(img=str(tmp_path / 'img')),
                              metainfo=dict(classes=CLASSES), pipeline=[], lazy_init=False)


def _ann(i, image_id, bbox, seg):
    return dict(id=i, image_id=image_id, category_id=1, bbox=bbox, area=100.0, iscrowd=0,
                segmentation=seg)


IMG = dict(id=1, file_name='a.png', width=64, height=64)
GOOD = _ann(1, 1, [10, 10, 10, 10], [[10, 10, 20, 10, 20, 20, 10, 20]])


def test_missing_image_file_named(tmp_path):
    ann_file = _write(tmp_path, [IMG, dict(id=2, file_name='gone.png', width=64, height=64,
                                           missing=True)], [GOOD])
    with pytest.raises(FileNotFoundError, match=r'ann\.json: 1 image file.*gone\.png'):
        _dataset(tmp_path, ann_file)


def test_missing_annotation_file_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'annotation file .*nowhere\.json not found'):
        _dataset(tmp_path, tmp_path / 'nowhere.json')


def test_dangling_image_id_named(tmp_path):
    ann_file = _write(tmp_path, [IMG], [GOOD, _ann(7, 99, [1, 1, 5, 5], [[1, 1, 5, 1, 5, 5]])])
    with pytest.raises(ValueError, match=r'annotation\(s\) \[7\] refer to image ids'):
        _dataset(tmp_path, ann_file)


def test_bad_boxes_and_empty_polygons_are_counted_skips(tmp_path, capsys):
    anns = [GOOD,
            _ann(2, 1, [50, 50, 30, 30], [[50, 50, 63, 50, 63, 63]]),   # box outside the image
            _ann(3, 1, [5, 5, 10, 10], [[]]),                          # empty polygon
            _ann(4, 1, [5, 5, 10, 10], [[5, 5, 6, 6]]),                # degenerate polygon
            _ann(5, 1, [30, 30, 10, 10], [[30, 30, 40, 30, 40, 40], [1, 2]])]  # one bad part
    MMLogger.get_instance('test_bad_boxes')  # a current logger to receive the warning
    dataset = _dataset(tmp_path, _write(tmp_path, [IMG], anns))
    instances = dataset.get_data_info(0)['instances']
    assert len(instances) == 2
    assert instances[1]['mask'] == [[30, 30, 40, 30, 40, 40]]
    assert dict(dataset.skipped) == {'boxes outside the image': 1,
                                     'empty or degenerate polygons': 2}
    assert 'skipped annotations: 1 boxes outside the image, 2 empty or degenerate polygons' \
        in capsys.readouterr().out


def test_rle_mask_survives_checks(tmp_path):
    rle = mask_utils.encode(np.asfortranarray(np.ones((64, 64), np.uint8)))
    seg = dict(size=[64, 64], counts=rle['counts'].decode())
    dataset = _dataset(tmp_path, _write(tmp_path, [IMG], [_ann(1, 1, [0, 0, 64, 64], seg)]))
    assert dataset.get_data_info(0)['instances'][0]['mask'] == seg
