"""A user's own data under our configs: the heads' class counts follow the dataset
(num_classes=None is filled in; a written count that disagrees stops before the first
iteration, naming both counts and the fields), and fine-tuning a 3-class detector into a
2-class config takes exactly the parts `load_parts` names."""
import json
import shutil
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from backbones.data.demo import make_ade_shapes, make_coco_shapes
from backbones.engine.config import prepare
from backbones.engine.runner import Runner
from backbones.weights.io import CheckpointError

ROOT = Path(__file__).resolve().parents[1]
DET = ROOT / 'configs/demo/mask-rcnn_r50_fpn_demo-shapes.py'
CASCADE = ROOT / 'configs/cascade_mask_rcnn/cascade-mask-rcnn_r50_fpn_4conv1fc-giou_1x_coco.py'
SEG = ROOT / 'configs/demo/upernet_r50_demo-shapes.py'
MY_COCO = ROOT / 'configs/mask_rcnn/mask-rcnn_convnext-t_fpn_ms-crop-3x_my-coco.py'
TWO = ('checker', 'dots')


@pytest.fixture(scope='module')
def two_class_coco(tmp_path_factory):
    """The demo COCO set with its striped objects removed: a user's own 2-class set."""
    root = make_coco_shapes(tmp_path_factory.mktemp('two_class'))
    for split in ('train', 'val'):
        path = Path(root) / 'annotations' / f'instances_{split}.json'
        coco = json.loads(path.read_text())
        keep = {c['id'] for c in coco['categories'] if c['name'] in TWO}
        coco['categories'] = [c for c in coco['categories'] if c['id'] in keep]
        coco['annotations'] = [a for a in coco['annotations'] if a['category_id'] in keep]
        path.write_text(json.dumps(coco))
    return Path(root)


def _det_cfg(root: Path, work_dir: Path, **options) -> Config:
    """The 3-class demo config pointed at the user's set, its classes named as a user would."""
    cfg = Config.fromfile(DET)
    data = str(root) + '/'
    ann = data + 'annotations/instances_val.json'
    cfg.merge_from_dict({
        # one visualizer per test: MMEngine reuses an instance by name, with its save dir
        'work_dir': str(work_dir), 'visualizer.name': f'vis_{work_dir.parent.name}_{work_dir.name}',
        'train_dataloader.dataset.data_root': data, 'val_dataloader.dataset.data_root': data,
        'train_dataloader.dataset.metainfo.classes': TWO,
        'val_dataloader.dataset.metainfo.classes': TWO,
        'val_evaluator.ann_file': ann, 'train_cfg.max_iters': 2, 'train_cfg.val_interval': 2,
        'default_hooks.checkpoint.interval': 2, **options})
    cfg.test_dataloader, cfg.test_evaluator = cfg.val_dataloader, cfg.val_evaluator
    return cfg


def test_a_written_count_that_disagrees_stops_before_training(two_class_coco, tmp_path):
    cfg = _det_cfg(two_class_coco, tmp_path / 'w')
    with pytest.raises(ValueError, match=r"train_dataloader\.dataset has 2 classes \('checker', "
                                         r"'dots'\) but model\.roi_head\.bbox_head\.num_classes"
                                         r"=3, model\.roi_head\.mask_head\.num_classes=3: set "
                                         r"model\.roi_head\.bbox_head\.num_classes=2 and "
                                         r"model\.roi_head\.mask_head\.num_classes=2"):
        prepare(cfg)
    assert not (tmp_path / 'w').exists()  # nothing was run


def test_counts_left_to_the_dataset_are_taken_from_it(two_class_coco, tmp_path):
    """num_classes=None in both heads: 2 from the dataset; trains and evaluates (where a
    count of 3 had crashed in CocoMetric after the whole schedule)."""
    cfg = _det_cfg(two_class_coco, tmp_path / 'w', **{
        'model.roi_head.bbox_head.num_classes': None, 'model.roi_head.mask_head.num_classes': None})
    runner = Runner.from_cfg(cfg)
    assert runner.model.roi_head.bbox_head.fc_cls.out_features == 3  # 2 classes + background
    assert runner.model.roi_head.mask_head.conv_logits.out_channels == 2
    runner.train()
    assert 'coco/bbox_mAP' in runner.test()


def test_every_cascade_stage_is_checked():
    cfg = Config.fromfile(CASCADE)
    cfg.merge_from_dict({'train_dataloader.dataset.metainfo': dict(classes=TWO)})
    with pytest.raises(ValueError, match=r'bbox_head\[0\]\.num_classes=80, .*bbox_head\[2\]\.'
                                         r'num_classes=80, .*mask_head\.num_classes=80'):
        prepare(cfg)


def test_the_built_dataset_is_checked_where_the_config_cannot_tell(two_class_coco, tmp_path):
    """A ConcatDataset shows no classes in the config; the built one has 2: the run stops
    at before_train, before the first iteration."""
    cfg = _det_cfg(two_class_coco, tmp_path / 'w')
    inner = cfg.train_dataloader.dataset
    cfg.train_dataloader.dataset = dict(type='ConcatDataset', datasets=[inner])
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=r'train_dataloader\.dataset \(ConcatDataset\) has 2 '
                                         r'classes .*bbox_head\.num_classes=3'):
        runner.train()
    assert runner.iter == 0


def test_segmentation_counts(tmp_path):
    """A 3-class semantic set (background, dots, grid) under the 4-class demo config:
    both heads are named; None takes 3."""
    root = make_ade_shapes(tmp_path / 'ade')
    three = dict(classes=('background', 'dots', 'grid'))
    cfg = Config.fromfile(SEG)
    cfg.merge_from_dict({'train_dataloader.dataset.metainfo': three,
                         'train_dataloader.dataset.data_root': str(root)})
    with pytest.raises(ValueError, match=r'has 3 classes .* model\.decode_head\.num_classes=4, '
                                         r'model\.auxiliary_head\.num_classes=4'):
        prepare(cfg)
    cfg.merge_from_dict({'val_dataloader.dataset.metainfo': three,
                         'test_dataloader.dataset.metainfo': three,
                         'model.decode_head.num_classes': None,
                         'model.auxiliary_head.num_classes': None})
    cfg = prepare(cfg)
    assert cfg.model.decode_head.num_classes == cfg.model.auxiliary_head.num_classes == 3


@pytest.mark.slow(seconds=60, reason=(
    "two short detector trainings, the second from the first one's checkpoint"))
def test_load_parts_fine_tunes_a_three_class_detector_into_two_classes(two_class_coco, tmp_path):
    """The strict load of a 3-class checkpoint into the 2-class config names the parts that
    fit; with load_parts set to them, every tensor of those parts arrives, the heads keep their
    initialisation, and training runs; testing the result takes every tensor."""
    three = Config.fromfile(DET)
    three.merge_from_dict({'work_dir': str(tmp_path / 'three'), 'visualizer.name': 'vis_three'})
    model = Runner.from_cfg(three).model
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.01)  # away from any init
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, tmp_path / 'three.pth')
    two = {'model.roi_head.bbox_head.num_classes': 2, 'model.roi_head.mask_head.num_classes': 2}
    strict = Runner.from_cfg(_det_cfg(two_class_coco, tmp_path / 'strict', **two))
    with pytest.raises(CheckpointError, match=r"of another shape \(first: roi_head\.bbox_head\.fc_cls"
                                              r".*load_parts = \['backbone', 'neck', 'rpn_head'\]"):
        strict.load_checkpoint(str(tmp_path / 'three.pth'))
    parts = ['backbone', 'neck', 'rpn_head']
    runner = Runner.from_cfg(_det_cfg(two_class_coco, tmp_path / 'tuned', **two, **{
        'load_from': str(tmp_path / 'three.pth'), 'load_parts': parts,
        'train_cfg.max_iters': 1, 'train_cfg.val_interval': 1,
        'default_hooks.checkpoint.interval': 1}))
    runner._init_model_weights()
    head_init = runner.model.roi_head.state_dict()
    runner.load_or_resume()
    loaded, want = runner.model.state_dict(), model.state_dict()
    assert all(torch.equal(loaded[k], want[k]) for k in want if k.split('.')[0] in parts)
    assert all(torch.equal(runner.model.roi_head.state_dict()[k], v) for k, v in head_init.items())
    runner.train()
    # tools/test.py (and mmdet's) on the fine-tuned model: every tensor from its checkpoint,
    # whatever load_parts the config holds
    tuned = torch.load(tmp_path / 'tuned' / 'iter_1.pth', weights_only=False)['state_dict']
    tester = Runner.from_cfg(_det_cfg(two_class_coco, tmp_path / 'test', **two, **{
        'load_from': str(tmp_path / 'tuned' / 'iter_1.pth'), 'load_parts': parts}))
    tester.test()
    assert all(torch.equal(tester.model.state_dict()[k], v) for k, v in tuned.items())
    shutil.rmtree(tmp_path / 'tuned')


def test_the_readmes_own_data_config_reads_a_two_class_set(two_class_coco, tmp_path, monkeypatch):
    """configs/mask_rcnn/..._my-coco.py (the README's), copied and edited as a user would
    (its classes line), on a two-class COCO-format set laid out as it says: the Runner builds
    the heads for two classes and reads the set with those two classes."""
    data = tmp_path / 'data/my_coco'
    (data / 'annotations').mkdir(parents=True)
    for split in ('train', 'val'):
        (data / split).symlink_to(two_class_coco / split)
        shutil.copy(two_class_coco / f'annotations/instances_{split}.json',
                    data / f'annotations/{split}.json')
    text = MY_COCO.read_text().replace("classes = ('balloon', 'kite')", f'classes = {TWO!r}')
    text = text.replace("_base_ = './", f"_base_ = '{MY_COCO.parent}/")
    (tmp_path / 'mine.py').write_text(text)
    monkeypatch.chdir(tmp_path)
    cfg = Config.fromfile(tmp_path / 'mine.py')
    cfg.work_dir, cfg.visualizer.name = str(tmp_path / 'work'), 'vis_my_coco'
    runner = Runner.from_cfg(cfg)
    model = runner.model
    assert (model.roi_head.bbox_head.num_classes, model.roi_head.mask_head.num_classes) == (2, 2)
    for loader in (runner.train_dataloader, runner.val_dataloader):
        assert loader.dataset.metainfo['classes'] == TWO and len(loader.dataset) > 0
