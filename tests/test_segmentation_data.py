"""The ADE20K-format demo generator and bad segmentation data: each fault is an error naming
the file or folder at fault."""
import filecmp
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope
from PIL import Image

import backbones  # noqa: F401
from backbones.data.demo import SEG_CLASSES, make_ade_shapes

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / 'configs/demo/upernet_r50_demo-shapes.py'


def _dataset(root: Path, split: str = 'train'):
    from mmseg.registry import DATASETS
    cfg = Config.fromfile(DEMO)[f'{split}_dataloader'].dataset
    cfg.data_root = str(root)
    with DefaultScope.overwrite_default_scope('mmseg'):
        return DATASETS.build(cfg)


@pytest.fixture
def small(tmp_path):
    return make_ade_shapes(tmp_path / 'ade', num_train=6, num_val=2)


def test_demo_set_layout_and_labels(small, tmp_path):
    again = make_ade_shapes(tmp_path / 'again', num_train=6, num_val=2)
    for sub in ('images/training', 'annotations/training', 'images/validation'):
        cmp = filecmp.dircmp(small / sub, again / sub)
        assert not cmp.diff_files and not cmp.left_only and len(cmp.same_files) in (2, 6)
    label = np.asarray(Image.open(small / 'annotations/training/training_0000.png'))
    image = Image.open(small / 'images/training/training_0000.jpg')
    assert label.shape == image.size[::-1] == (128, 128)
    values = set(np.unique(label).tolist())
    assert {0, 1} < values <= set(range(len(SEG_CLASSES) + 1))
    # the ignore band separates each shape from the background: no 4-neighbour of a shape
    # pixel is background
    shape = label >= 2
    assert not (shape[:, 1:] & (label[:, :-1] == 1)).any()
    assert not (shape[1:] & (label[:-1] == 1)).any()
    with pytest.raises(FileExistsError, match='ade'):
        make_ade_shapes(small)


def test_dataset_reads_reduced_labels(small):
    ds = _dataset(small)
    assert len(ds) == 6 and ds.metainfo['classes'] == SEG_CLASSES
    sample = ds[0]['data_samples']
    values = set(sample.gt_sem_seg.data.unique().tolist())
    assert values <= {0, 1, 2, 3, 255} and 255 in values  # 0 became ignore, 1.. became 0..


def test_label_value_beyond_classes(small):
    path = small / 'annotations/training/training_0002.png'
    label = np.asarray(Image.open(path)).copy()
    label[5:9, 5:9] = 7
    Image.fromarray(label).save(path)
    with pytest.raises(ValueError, match=r'training_0002\.png: label values \[7\] beyond .* 4 '
                                         r'classes .*0 = ignore or 1\.\.4'):
        _dataset(small)  # found when the dataset is built, before any training


def test_label_size_mismatch(small):
    path = small / 'annotations/validation/validation_0001.png'
    Image.open(path).crop((0, 0, 100, 128)).save(path)
    with pytest.raises(ValueError, match=r'validation_0001\.png: label is 100x128 .*'
                                         r'validation_0001\.jpg is 128x128'):
        _dataset(small, 'val')


def test_missing_label_file(small):
    (small / 'annotations/training/training_0004.png').unlink()
    with pytest.raises(FileNotFoundError, match=r'1 label file.*training_0004\.png'):
        _dataset(small)


def test_missing_dataset_root(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'image folder .*nowhere/images/training not '
                                                r'found'):
        _dataset(tmp_path / 'nowhere')


def test_corrupt_image_file(small):
    (small / 'images/training/training_0001.jpg').write_bytes(b'not a jpeg')
    with pytest.raises(ValueError, match=r'not a readable image: .*training_0001\.jpg'):
        _dataset(small)  # when the dataset is built
