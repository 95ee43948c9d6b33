"""The transfer path as one piece: the classifier is the released model, its weights go out in
the release's format and come back through the fine-tuning configs' init_cfg, and the whole
experiment (tools/study.py) runs end to end."""
import json
import os
import re
import os.path as osp
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from backbones import ImageClassifier
from backbones.engine.precision import machine_summary
from backbones.weights.io import CheckpointError
from backbones.models.convnext import to_official
from backbones.data.demo import PATTERNS, make_cls_shapes
from backbones.data.imagenet import ImageFolderDataset
from conftest import randomize_

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / 'configs/demo'


def _official_convnext(timm_model) -> dict:
    """timm's ConvNeXt-T weights under the official release's names, wrapped as released."""
    state = {k.replace('head.norm.', 'norm.').replace('head.fc.', 'head.'): v
             for k, v in timm_model.state_dict().items()}
    return {'model': to_official(state)}


def _classifier(backbone: dict, path, num_classes=1000) -> ImageClassifier:
    model = ImageClassifier(backbone=backbone, num_classes=num_classes,
                            init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    model.init_weights()
    return model.eval()


def test_convnext_release_gives_timm_logits(tmp_path):
    import timm
    reference = randomize_(timm.create_model('convnext_tiny', pretrained=False)).eval()
    release = _official_convnext(reference)
    torch.save(release, tmp_path / 'convnext_tiny_1k_224.pth')
    model = _classifier(dict(type='backbones.ConvNeXt', arch='tiny'),
                        tmp_path / 'convnext_tiny_1k_224.pth')
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        assert torch.allclose(model(x), reference(x), atol=1e-4, rtol=1e-4)
    # and back out in the release's format, tensor for tensor
    model.export_release(tmp_path / 'exported.pth')
    exported = torch.load(tmp_path / 'exported.pth', weights_only=True)
    assert list(exported) == ['model'] and set(exported['model']) == set(release['model'])
    assert all(torch.equal(exported['model'][k], v) for k, v in release['model'].items())


def test_resnet_release_gives_torchvision_logits(tmp_path):
    import torchvision
    reference = randomize_(torchvision.models.resnet50()).eval()
    torch.save(reference.state_dict(), tmp_path / 'resnet50.pth')
    model = _classifier(dict(type='backbones.ResNet', depth=50), tmp_path / 'resnet50.pth')
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        assert torch.allclose(model(x), reference(x), atol=1e-4, rtol=1e-4)
    model.export_release(tmp_path / 'exported.pth')
    again = torchvision.models.resnet50()
    again.load_state_dict(torch.load(tmp_path / 'exported.pth', weights_only=True))  # strict
    with torch.no_grad():
        assert torch.equal(again.eval()(x), reference(x))


def test_release_that_does_not_fit_is_refused(tmp_path):
    import torchvision
    state = torchvision.models.resnet18().state_dict()
    torch.save(state, tmp_path / 'r18.pth')
    with pytest.raises(CheckpointError, match=r'r18.pth does not fit.*head.weight'):
        _classifier(dict(type='backbones.ResNet', depth=18), tmp_path / 'r18.pth', num_classes=10)
    torch.save({k: v for k, v in state.items() if not k.startswith('fc.')}, tmp_path / 'trunk.pth')
    with pytest.raises(CheckpointError, match=r'trunk.pth does not hold exactly.*2 missing '
                                              r'\(first: head.bias, head.weight\)'):
        _classifier(dict(type='backbones.ResNet', depth=18), tmp_path / 'trunk.pth')


def test_image_folder_dataset_reads_the_demo_set(tmp_path):
    root = make_cls_shapes(tmp_path / 'cls', per_class=(3, 2))
    init_default_scope('backbones')
    ds = ImageFolderDataset(data_root=str(root), data_prefix=dict(img_path='val'),
                            pipeline=[dict(type='LoadImageFromFile'),
                                      dict(type='backbones.PackClsInputs')])
    assert ds.metainfo['classes'] == PATTERNS and len(ds) == 2 * len(PATTERNS)
    sample = ds[5]
    assert sample['inputs'].shape == (3, 40, 40) and sample['data_samples'] == 2
    assert Path(ds.get_data_info(5)['img_path']).parent.name == PATTERNS[2]


def test_image_folder_dataset_names_what_is_wrong(tmp_path):
    root = make_cls_shapes(tmp_path / 'cls', per_class=(2, 1))
    flat = root / 'flat'
    flat.mkdir()
    (root / 'val' / 'stripes' / 'val_4_0000.JPEG').rename(flat / 'a.JPEG')
    with pytest.raises(ValueError, match=r'val/stripes: class folder holds no images'):
        ImageFolderDataset(data_root=str(root), data_prefix=dict(img_path='val'))
    with pytest.raises(ValueError, match=r'flat: no class folders but 1 images .*wnid'):
        ImageFolderDataset(data_root=str(root), data_prefix=dict(img_path='flat'))
    with pytest.raises(FileNotFoundError, match=r'image folder .*test not found'):
        ImageFolderDataset(data_root=str(root), data_prefix=dict(img_path='test'))
    with pytest.raises(ValueError, match=r"folders not in classes: \['zigzag'\]"):
        ImageFolderDataset(data_root=str(root), data_prefix=dict(img_path='train'),
                           metainfo=dict(classes=PATTERNS[:-1]))


@pytest.mark.slow(seconds=100, reason=(
    'ResNet-50 pretrained 100 steps through our Runner: its top-1 is the figure checked'))
def test_the_demo_pretraining_set_is_learnable(tmp_path):
    """ResNet-50's demo pretraining as shipped (its config, ImageFolderDataset, pipeline and
    optimizer, through our Runner as make demo runs it), 100 steps (half the demo's 200) on a
    smaller copy of the set, ends far above chance (16.7): 62.0 measured on the 40 px set
    (76.7 on the 48 px one), so the bar is 45. On the first demo's set (shapes in random
    colours) 500 steps of this config reached 32.7, ConvNeXt-T's 17.0."""
    from backbones.engine.config import prepare
    from backbones.engine.runner import Runner
    root = make_cls_shapes(tmp_path / 'cls', per_class=(200, 25))
    cfg = Config.fromfile(DEMO / 'r50_demo-shapes-cls.py')
    cfg.merge_from_dict({
        'work_dir': str(tmp_path / 'work'), 'visualizer.name': 'vis_learnable',
        'train_dataloader.dataset.data_root': str(root),
        'val_dataloader.dataset.data_root': str(root),
        'test_dataloader.dataset.data_root': str(root),
        'train_cfg.max_iters': 100, 'train_cfg.val_interval': 100,
        'train_cfg.val_begin': 101,  # runner.test() below evaluates the same images
        'default_hooks.checkpoint.interval': 100})
    cfg.param_scheduler[1].end = 100
    runner = Runner.from_cfg(prepare(cfg))
    runner.train()
    top1 = runner.test()['cls/top1']
    assert top1 >= 45, top1


@pytest.mark.parametrize('pretraining, fine_tuning', [
    ('convnext-t_demo-shapes-cls', 'mask-rcnn_convnext-t-pre_fpn_demo-shapes'),
    ('convnext-t_demo-shapes-cls', 'upernet_convnext-t-pre_demo-shapes'),
    ('r50_demo-shapes-cls', 'mask-rcnn_r50-pre_fpn_demo-shapes'),
    ('r50_demo-shapes-cls', 'upernet_r50-pre_demo-shapes')])
def test_pretraining_and_fine_tuning_see_the_same_input(pretraining, fine_tuning):
    """Colour order and normalisation: what the weights learned on is what they are given."""
    pre = Config.fromfile(DEMO / f'{pretraining}.py').model.data_preprocessor
    fine = Config.fromfile(DEMO / f'{fine_tuning}.py').model.data_preprocessor
    assert (list(pre.mean), list(pre.std), pre.bgr_to_rgb) == (
        list(fine.mean), list(fine.std), fine.bgr_to_rgb)


@pytest.mark.parametrize('pretraining, fine_tuning', [
    ('convnext-t_demo-shapes-cls', 'mask-rcnn_convnext-t-pre_fpn_demo-shapes'),
    ('convnext-t_demo-shapes-cls', 'upernet_convnext-t-pre_demo-shapes'),
    ('r50_demo-shapes-cls', 'upernet_r50-pre_demo-shapes')])
def test_fine_tuning_starts_from_every_pretrained_tensor(tmp_path, pretraining, fine_tuning):
    """The seam: after the fine-tuning Runner's weight init, every backbone tensor equals the
    exported pretraining weights; only the dense per-output norms are new."""
    from backbones.engine.config import prepare
    from backbones.engine.runner import Runner
    from backbones.experiments.plan import _init_checkpoint
    pre_cfg = Config.fromfile(DEMO / f'{pretraining}.py')
    init_default_scope('backbones')
    classifier = ImageClassifier(**{k: v for k, v in pre_cfg.model.items() if k != 'type'})
    classifier.init_weights()
    randomize_(classifier)
    weights = tmp_path / 'weights.pth'
    classifier.export_release(weights)
    cfg = Config.fromfile(DEMO / f'{fine_tuning}.py')
    assert _init_checkpoint(DEMO / f'{fine_tuning}.py').startswith('work_dirs/study/weights/')
    cfg.model.backbone.init_cfg.checkpoint = str(weights)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.visualizer.name = f'vis_{fine_tuning}'
    runner = Runner.from_cfg(prepare(cfg))
    runner._init_model_weights()
    backbone = runner.model.backbone.state_dict()
    trunk = {k[len('backbone.'):]: v for k, v in classifier.state_dict().items()
             if k.startswith('backbone.')}
    assert set(backbone) - set(trunk) == {k for k in backbone if k.startswith('out_norms.')}
    different = [k for k, v in trunk.items() if not torch.equal(backbone[k], v)]
    assert not different, different[:5]


@pytest.mark.parametrize('config', ['mask-rcnn_convnext-t_fpn_demo-shapes',
                                    'upernet_convnext-t_demo-shapes'])
def test_scratch_convnext_starts_at_the_official_layer_scale(config, tmp_path):
    """A fair baseline: the scratch run's model, as its Runner builds and initialises it,
    starts every block's layer scale at 1e-6 (the official from-scratch value); the pretrained
    run of the same cell (its -pre config) starts from the checkpoint's values instead."""
    from backbones.engine.config import prepare
    from backbones.engine.runner import Runner
    pre_cfg = Config.fromfile(DEMO / 'convnext-t_demo-shapes-cls.py')
    init_default_scope('backbones')
    classifier = ImageClassifier(**{k: v for k, v in pre_cfg.model.items() if k != 'type'})
    classifier.init_weights()
    randomize_(classifier)  # layer scales now 0.05-0.35
    weights = tmp_path / 'weights.pth'
    classifier.export_release(weights)
    pretrained_config = config.replace('convnext-t', 'convnext-t-pre')
    gammas = {}
    for name, checkpoint in ((config, None), (pretrained_config, weights)):
        cfg = Config.fromfile(DEMO / f'{name}.py')
        if checkpoint:
            cfg.model.backbone.init_cfg.checkpoint = str(checkpoint)
        cfg.work_dir, cfg.visualizer.name = str(tmp_path / name), f'vis_ls_{name}'
        runner = Runner.from_cfg(prepare(cfg))
        runner._init_model_weights()
        gammas[name] = {k: v for k, v in runner.model.backbone.state_dict().items()
                        if k.endswith('.gamma')}
    scratch, pretrained = gammas[config], gammas[pretrained_config]
    assert len(scratch) == 18 and all(torch.all(v == 1e-6) for v in scratch.values())
    trunk = classifier.state_dict()
    assert all(torch.equal(v, trunk[f'backbone.{k}']) for k, v in pretrained.items())
    assert all(v.min() >= 0.05 for v in pretrained.values())


def test_a_failing_run_names_its_log_and_stops_the_study(tmp_path, monkeypatch):
    """A run is a forked process: what it prints and its traceback go to its run.log, and the
    study stops with an error that names the run, its exit status and that log."""
    from backbones.experiments.plan import Run
    from backbones.experiments.runs import schedule
    monkeypatch.chdir(tmp_path)
    missing = str(tmp_path / 'no_such_set') + '/'
    run = Run('ResNet-50', 'pretraining', 'scratch', str(DEMO / 'r50_demo-shapes-cls.py'),
              cfg_options=(('train_dataloader.dataset.data_root', missing),), seed=0)
    log = tmp_path / 'work_dirs/study/r50_demo-shapes-cls_seed0/run.log'
    with pytest.raises(RuntimeError, match=re.escape(
            f'[study] r50_demo-shapes-cls_seed0 failed (exit 1); see {log.relative_to(tmp_path)}')):
        schedule([run], 'work_dirs/study', jobs=1, max_iters=1)
    text = log.read_text()
    assert 'Traceback' in text and 'no_such_set' in text, text[-2000:]
    assert 'System environment' in text  # the run's own log lines, before it failed


def test_a_full_length_study_run_writes_no_checkpoint(tmp_path, monkeypatch):
    """A study run at its config's own length (no --max-iters) keeps its result, logs and
    exported weights, but no training checkpoint (the demo's 20 were 6.5 GB)."""
    from backbones.experiments.plan import Run
    from backbones.experiments.runs import execute
    monkeypatch.chdir(tmp_path)
    root = make_cls_shapes(tmp_path / 'cls', per_class=(2, 1))
    run = Run('ResNet-50', 'pretraining', 'scratch', str(DEMO / 'r50_demo-shapes-cls.py'),
              export=str(tmp_path / 'weights.pth'), seed=0, cfg_options=(
                  ('train_cfg.max_iters', 2), ('train_dataloader.batch_size', 2),
                  ('train_dataloader.dataset.data_root', str(root)),
                  ('val_dataloader.dataset.data_root', str(root)),
                  ('test_dataloader.dataset.data_root', str(root))))
    out = tmp_path / 'run'
    result = execute(run, str(out))
    assert (out / 'result.json').is_file() and result['metrics']
    assert (tmp_path / 'weights.pth').is_file()
    assert not list(out.rglob('*.pth')) and not (out / 'last_checkpoint').exists()


def test_a_rerun_progress_counts_only_its_own_log(tmp_path):
    """A rerun (--redo, or changed inputs) works in the earlier run's work dir, whose log
    reached the end: its progress line counts only what this run logged since it started."""
    from backbones.experiments.plan import Run, work_dir
    from backbones.experiments.runs import _eta, _Job

    def log(folder, iters):
        path = Path(work_dir(run, str(tmp_path))) / folder / 'vis_data/scalars.json'
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(''.join(json.dumps(dict(iter=i, loss=1.0)) + '\n' for i in iters))
        return path
    run = Run('ResNet-50', 'pretraining', 'scratch', str(DEMO / 'r50_demo-shapes-cls.py'), seed=0)
    old = log('20261205_100000', range(50, 201, 50))
    os.utime(old, (0, 1000.0))  # written long before this run started
    job = _Job(proc=None, started=2000.0, length=200)
    assert _eta(run, job, str(tmp_path)).endswith(' 0/200 it, ETA ?')
    log('20261205_110000', [50])
    assert ' 50/200 it' in _eta(run, job, str(tmp_path))


@pytest.mark.slow(seconds=150, reason=(
    'the main job end to end: 20 runs as forked processes (1 iteration each, small data), '
    'then a second call that reuses them'))
def test_study_end_to_end_short(tmp_path):
    """The main job shortened to 1 iteration a run, on small copies of the demo sets where
    it looks for them (the writers are tested in test_*_data.py): pretraining, export in the
    release format, 8 fine-tuning cells on 2 seeds each (seed s from pretraining seed s),
    results.json (one row per run, metric and seed) / .md (mean and range per cell, the
    effect of pretraining against the spread) / .png; a second call reuses every run."""
    from backbones.data.demo import make_ade_shapes, make_coco_shapes
    make_cls_shapes(tmp_path / 'data/demo_cls_shapes', per_class=(12, 4))
    make_coco_shapes(tmp_path / 'data/demo_shapes', num_train=8, num_val=4)
    make_ade_shapes(tmp_path / 'data/demo_ade_shapes', num_train=8, num_val=4)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, str(ROOT / 'tools/study.py'), '--max-iters', '1']
    run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=1500, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    study = tmp_path / 'work_dirs/study'
    rows = json.loads((study / 'results.json').read_text())
    fine = [r for r in rows if r['task'] != 'pretraining']
    assert len(fine) == 24  # 2 backbones x {scratch, pretrained} x (box AP, mask AP, mIoU) x 2 seeds
    assert {(r['backbone'], r['task'], r['init'], r['seed']) for r in fine} == {
        (b, t, i, s) for b in ('ConvNeXt-T', 'ResNet-50') for t in ('detection', 'segmentation')
        for i in ('scratch', 'pretrained') for s in (0, 1)}
    assert {(r['backbone'], r['metric'], r['seed']) for r in rows if r['task'] == 'pretraining'} == {
        (b, 'top-1', s) for b in ('ConvNeXt-T', 'ResNet-50') for s in (0, 1)}
    assert all(0 <= r['value'] <= 100 for r in rows)
    lines = run.stdout.splitlines()
    cells = [line for line in lines if line.startswith(('| ConvNeXt-T', '| ResNet-50'))]
    assert len(cells) == 10 + 6  # 5 cells a backbone, then 3 effects a backbone
    values = [r['value'] for r in fine if (r['backbone'], r['task'], r['init'], r['metric']) ==
              ('ResNet-50', 'segmentation', 'scratch', 'mIoU')]
    want = (f'{sum(values) / 2:.1f} ({min(values):.1f}-{max(values):.1f}, 2 seeds)')
    assert any(line.startswith('| ResNet-50 | segmentation | scratch |') and want in line
               for line in cells)
    assert sum('yes |' in line or 'no (ranges overlap) |' in line for line in cells) == 6
    assert (study / 'results.png').stat().st_size > 10_000
    assert len(list(study.glob('*/prediction.png'))) == 16
    convnext = torch.load(study / 'weights/convnext_tiny_demo-shapes.pth', weights_only=True)
    assert 'downsample_layers.0.0.weight' in convnext['model'] and 'head.weight' in convnext['model']
    resnet = torch.load(study / 'weights/resnet50_demo-shapes.pth', weights_only=True)
    assert 'layer4.2.conv3.weight' in resnet and resnet['fc.weight'].shape == (6, 2048)
    # fine-tuning seed s started from pretraining seed s (a chain per seed)
    seed1 = torch.load(study / 'weights/resnet50_demo-shapes_seed1.pth', weights_only=True)
    assert not torch.equal(seed1['fc.weight'], resnet['fc.weight'])
    done = json.loads((study / 'upernet_r50-pre_demo-shapes_seed1/result.json').read_text())
    assert done['run']['cfg_options'] == [['model.backbone.init_cfg.checkpoint',
                                           'work_dirs/study/weights/resnet50_demo-shapes_seed1.pth']]
    assert 'ETA' in run.stdout and 'top-1' in run.stdout
    # what it ran on and in which precision, then the wall time
    assert f'[study] machine: {machine_summary()}' in run.stdout
    # one precision on every CPU (docs/demo.md): the same figures anywhere
    precision = next(line for line in lines if line.startswith('[study] ') and ' runs (' in line)
    assert precision.startswith('[study] float32: 20 runs (convnext-t_demo-shapes-cls_seed0'), precision
    assert re.search(r'^\[study\] wall time \d+m\d\ds on cpu', run.stdout, re.M)
    # results.md says where and how it ran, above the table (the README pastes it whole)
    note = (study / 'results.md').read_text().split('\n\n')[0]
    assert note.startswith('`python tools/study.py --max-iters 1` on ') and (
        machine_summary() in note and '(20 runs, 0 reused)' in note), note
    assert 'float32: all 20 runs' in note, note
    again = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0 and again.stdout.count('[study] reusing') == 20
    assert json.loads((study / 'results.json').read_text()) == rows
    assert '(0 runs, 20 reused)' in (study / 'results.md').read_text()


def test_study_refuses_a_demo_set_an_older_version_wrote(tmp_path):
    """A demo set carries the version of the writer that drew it (none: version 1); one drawn
    by another version stops the study before any run, naming the folder and what to do,
    instead of training on other data than the figures describe."""
    from backbones.data.demo import STAMP, VERSIONS, make_ade_shapes, make_coco_shapes, outdated
    from forked import run_tool
    coco = make_coco_shapes(tmp_path / 'data/demo_shapes', num_train=2, num_val=1)
    (coco / STAMP).unlink()  # a set from before the stamps: version 1, which is current
    assert VERSIONS['make_coco_shapes'] == 1 and outdated(coco, 'make_coco_shapes') is None
    cls = make_cls_shapes(tmp_path / 'cls', per_class=(2, 1))
    (cls / STAMP).unlink()  # version 1 too, but this writer is at 2 (40 px images since)
    assert 'is missing, so version 1 of make_cls_shapes wrote it' in outdated(cls, 'make_cls_shapes')
    ade = make_ade_shapes(tmp_path / 'data/demo_ade_shapes', num_train=2, num_val=1)
    assert outdated(ade, 'make_ade_shapes') is None
    stamp = json.loads((ade / STAMP).read_text())
    (ade / STAMP).write_text(json.dumps(dict(stamp, version=stamp['version'] - 1)))
    run = run_tool(ROOT / 'tools/study.py', '--data', cwd=tmp_path)
    assert run.returncode != 0
    assert (f"[study] data/demo_ade_shapes was written by another version of the demo: "
            f"data/demo_ade_shapes/{STAMP} says {{'writer': 'make_ade_shapes', 'version': "
            f"{stamp['version'] - 1}}}, this version writes") in run.stderr, run.stderr[-2000:]
    assert 'Delete data/demo_ade_shapes and run again' in run.stderr
    assert not (tmp_path / 'data/demo_cls_shapes').exists()  # refused before writing any set
    (ade / STAMP).unlink()  # before the stamps: version 1, older than this writer's
    assert 'is missing, so version 1 of make_ade_shapes wrote it' in outdated(ade, 'make_ade_shapes')


def test_results_judge_effects_against_the_seeds_spread(tmp_path):
    """Each cell shows the mean and range of its seeds; a pretraining effect counts as one
    only where the ranges are apart."""
    from backbones.experiments import plan, tables
    def run(init, seed):
        return plan.Run('ResNet-50', 'segmentation', init, 'x.py', seed=seed)
    results = {run('scratch', 0): dict(metrics={'mIoU': 50.0}),
               run('scratch', 1): dict(metrics={'mIoU': 60.0}),
               run('pretrained', 0): dict(metrics={'mIoU': 58.0}),
               run('pretrained', 1): dict(metrics={'mIoU': 70.0})}
    text = tables.markdown(results)
    assert '| ResNet-50 | segmentation | scratch | - | - | 55.0 (50.0-60.0, 2 seeds) |' in text
    assert '| ResNet-50 | segmentation | mIoU | +9.0 | no (ranges overlap) | 12.0 | no |' in text
    results[run('pretrained', 0)] = dict(metrics={'mIoU': 61.0})
    assert '| +10.5 | yes | 10.0 | no |' in tables.markdown(results)  # apart, not twice
    results[run('pretrained', 1)] = dict(metrics={'mIoU': 82.0})  # +16.5 > 2 x 10.0
    assert '| +16.5 | yes | 21.0 | no |' in tables.markdown(results)  # its own range counts
    results[run('pretrained', 1)] = dict(metrics={'mIoU': 70.0})
    results[run('scratch', 1)] = dict(metrics={'mIoU': 52.0})
    assert '| +14.5 | yes | 9.0 | no |' in tables.markdown(results)
    results[run('pretrained', 0)] = dict(metrics={'mIoU': 72.0})
    assert '| +20.0 | yes | 2.0 | yes |' in tables.markdown(results)
    tables.figure(tables.rows(results), str(tmp_path / 'f.png'), title='t')
    assert (tmp_path / 'f.png').stat().st_size > 5_000


def test_paper_scale_plan_commands_and_collected_table(tmp_path, monkeypatch):
    """The same eight runs at the paper's scale: official weights by default, scratch runs
    with nothing frozen; the printed commands run as printed (each parsed by tools/train.py's
    own parser, from the checkout, their options reaching the config); their work dirs (as a
    cluster leaves them) become the table and figure, the paper's figures beside."""
    import shlex
    from backbones.experiments import plan, tables
    sys.path.insert(0, str(ROOT / 'tools'))
    import train
    from _tool import config_from_args
    runs = plan.paper_plan()
    assert len(runs) == 8 and len({r.name for r in runs}) == 8
    other = plan.paper_plan({'ConvNeXt-T': 'my_convnext.pth'})
    assert dict(other[0].cfg_options)['model.backbone.init_cfg.checkpoint'] == 'my_convnext.pth'
    run = subprocess.run([sys.executable, str(ROOT / 'tools/study.py'), '--scale', 'paper',
                          '--out', 'work_dirs/study_paper', '--pretrained',
                          'ResNet-50=my_weights/r50.pth'], capture_output=True, text=True,
                         timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT)
    commands = [line for line in run.stdout.splitlines() if line.startswith('tools/dist_train.sh')]
    assert run.returncode == 0 and len(commands) == 8, run.stderr
    monkeypatch.chdir(ROOT)  # printed paths are the checkout's: run from there
    for command, r in zip(commands, plan.paper_plan({'ResNet-50': 'my_weights/r50.pth'})):
        argv = shlex.split(command)
        config, gpus, rest = argv[1], argv[2], argv[3:]
        assert not osp.isabs(config) and osp.isfile(config) and gpus == '8'
        args = train.parser().parse_args([config, '--launcher', 'pytorch', *rest])
        cfg = config_from_args(args)
        assert cfg.work_dir == f'work_dirs/study_paper/{r.name}'
        init = cfg.model.backbone.get('init_cfg')
        if r.init == 'scratch':
            assert init is None and cfg.model.backbone.get('frozen_stages', -1) == -1
            assert cfg.model.backbone.get('norm_eval', False) is False
            if r.backbone == 'ConvNeXt-T':  # the official from-scratch layer scale
                assert cfg.model.backbone.layer_scale_init_value == 1e-6
        elif r.backbone == 'ResNet-50':
            assert init == dict(type='Pretrained', checkpoint='my_weights/r50.pth')
        else:
            assert init['checkpoint'] == ('https://dl.fbaipublicfiles.com/convnext/'
                                          'convnext_tiny_1k_224.pth')
    assert sum(r.init == 'scratch' for r in runs) == 4
    # MMEngine's --cfg-options drops spaces: such a path is refused, not printed mangled
    spaced = subprocess.run([sys.executable, str(ROOT / 'tools/study.py'), '--scale', 'paper',
                             '--pretrained', 'ResNet-50=my weights/r50.pth'], capture_output=True,
                            text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            cwd=ROOT)
    assert spaced.returncode == 1 and 'drops every space' in spaced.stderr and not spaced.stdout
    for k, r in enumerate(runs):  # what the cluster leaves: MMEngine's scalars of a test run
        logs = tmp_path / r.name / '20261123_000000' / 'vis_data'
        logs.mkdir(parents=True)
        line = ({'coco/bbox_mAP': 0.4 + k / 100, 'coco/segm_mAP': 0.35, 'step': 1}
                if r.task == 'detection' else {'mIoU': 40.0 + k, 'step': 1})
        (logs / 'scalars.json').write_text(json.dumps(line) + '\n')
    results = tables.collect(runs, str(tmp_path))
    table = tables.write_results(results, str(tmp_path), paper=True, title='test')
    rows = json.loads((tmp_path / 'results.json').read_text())
    assert len(rows) == 12 and (tmp_path / 'results.png').stat().st_size > 10_000
    convnext_det = next(line for line in table.splitlines()
                        if line.startswith('| ConvNeXt-T | detection | pretrained'))
    assert '| 40.0 | 35.0 |' in convnext_det and '46.2 / 41.7' in convnext_det


def test_timm_cross_check_config_is_our_classifier_in_timm(tmp_path):
    """configs/demo/timm-convnext-t_demo-shapes-cls.py builds timm's convnext_tiny in the same
    Runner path; with its weights, our ImageClassifier gives the same logits and loss."""
    from mmengine.config import Config

    from backbones import ImageClassifier
    from backbones.registry import MODELS
    cfg = Config.fromfile(ROOT / 'configs/demo/timm-convnext-t_demo-shapes-cls.py')
    timm_model = MODELS.build(cfg.model).eval()
    path = tmp_path / 'timm.pth'
    torch.save(timm_model.model.state_dict(), path)
    ours = ImageClassifier(backbone=dict(type='backbones.ConvNeXt', arch='tiny'), num_classes=6,
                           init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    ours.init_weights()
    x, labels = torch.randn(2, 3, 48, 48), [1, 4]
    with torch.no_grad():
        torch.testing.assert_close(ours.eval()(x), timm_model(x), rtol=1e-4, atol=1e-4)
        assert ours(x, labels, mode='loss')['loss'].item() == pytest.approx(
            timm_model(x, labels, mode='loss')['loss'].item(), rel=1e-4)
