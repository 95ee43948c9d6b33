"""Predictions drawn on images: tools/infer.py (any image, any config), tools/test.py
--show-dir (ShowPredictionsHook) and the study's picture of each run.

Detections (boxes, masks, class and score) and segmentation maps are drawn by mmdet's and
mmseg's own visualizers; a classifier gets its top classes written on the image. Images
smaller than MIN_SIDE (the demo's) are drawn enlarged by an integer factor, so that labels
stay legible.
"""
from __future__ import annotations

import os
import os.path as osp

import mmcv
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData

from ..registry import HOOKS

SCORE_THR = 0.3
MIN_SIDE = 512


def _class_name(meta: dict, index: int) -> str:
    """Class `index`'s name in the dataset's metainfo, else the index itself."""
    names = meta.get('classes') or ()
    return names[index] if index < len(names) else str(index)


def _enlarge(t: torch.Tensor, zoom: int) -> torch.Tensor:
    return t.repeat_interleave(zoom, -2).repeat_interleave(zoom, -1)


def _zoomed(sample, zoom: int):
    """A copy of a detection / segmentation sample with its predictions and ground truth
    enlarged `zoom` times."""
    sample = sample.clone()  # a shallow copy: replace fields, never change them in place
    for key in ('pred_instances', 'gt_instances'):
        if _has_boxes(sample, key):
            instances = sample.get(key).clone()
            instances.bboxes = instances.bboxes * zoom
            if 'masks' in instances:
                instances.masks = _enlarge(torch.as_tensor(instances.masks), zoom)
            sample.set_field(instances, key)
    for key in ('gt_sem_seg', 'pred_sem_seg'):
        if key in sample:
            setattr(sample, key, PixelData(data=_enlarge(getattr(sample, key).data, zoom)))
    if 'seg_logits' in sample:
        del sample.seg_logits
    return sample


def _has_boxes(sample, key: str) -> bool:
    """Whether `sample.<key>` holds boxes (mmdet's test pipeline leaves an empty
    gt_instances where evaluation reads the ground truth from the json)."""
    return key in sample and 'bboxes' in sample.get(key)


def _threshold_note(sample, score_thr: float) -> str:
    """What the prediction picture shows: the score threshold, and the best score below it
    where nothing passes (an empty picture then says why it is empty)."""
    scores = sample.pred_instances.scores
    note = f'predictions with score >= {score_thr:.2f}'
    if not bool((scores >= score_thr).any()):
        note += (f': none (best {float(scores.max()):.2f})' if len(scores) else
                 ': none (no detections)')
    return note


def draw(scope: str, meta: dict, image: np.ndarray, sample, out_file: str, *,
         score_thr: float = SCORE_THR) -> None:
    """Draw `sample` (a DetDataSample, SegDataSample, or a classifier's class probabilities)
    on the RGB `image` and write it to `out_file`; detections and segmentations beside their
    ground truth where the sample holds it, detections with the score threshold written on."""
    zoom = max(1, MIN_SIDE // max(image.shape[:2]))
    if zoom > 1:
        image = mmcv.imrescale(image, zoom, interpolation='nearest')
    from mmengine.visualization import Visualizer
    if scope == 'mmdet':
        from mmdet.visualization import DetLocalVisualizer
        sample = _zoomed(sample, zoom) if zoom > 1 else sample
        visualizer = DetLocalVisualizer.get_instance('backbones_pictures_det')
        visualizer.dataset_meta = meta
        with_gt = _has_boxes(sample, 'gt_instances')
        visualizer.add_datasample('prediction', image, data_sample=sample, draw_gt=with_gt,
                                  pred_score_thr=score_thr)
        drawn = visualizer.get_image()
        writer = Visualizer.get_instance('backbones_pictures_text')
        writer.set_image(drawn)
        notes = [(_threshold_note(sample, score_thr), drawn.shape[1] - image.shape[1])]
        if with_gt:
            notes.append(('ground truth', 0))
        for text, x in notes:
            # at the bottom edge, clear of the class labels drawn above each box
            writer.draw_texts(text, np.array([[x + 4, drawn.shape[0] - 4]]), colors='white',
                              font_sizes=12, vertical_alignments='bottom',
                              bboxes=dict(facecolor='black', alpha=0.6, pad=2))
        os.makedirs(osp.dirname(out_file) or '.', exist_ok=True)
        mmcv.imwrite(writer.get_image()[..., ::-1], out_file)
    elif scope == 'mmseg':
        from mmseg.visualization import SegLocalVisualizer
        sample = _zoomed(sample, zoom) if zoom > 1 else sample
        visualizer = SegLocalVisualizer.get_instance('backbones_pictures_seg', alpha=0.6)
        visualizer.dataset_meta = meta
        visualizer.add_datasample('prediction', image, data_sample=sample, out_file=out_file,
                                  draw_gt='gt_sem_seg' in sample)
    else:  # a classifier: its top classes, written on the image
        probs = torch.as_tensor(sample).float()
        top = probs.topk(min(3, probs.numel()))
        text = '\n'.join(f'{_class_name(meta, i)}: {p:.2f}'
                         for p, i in zip(top.values.tolist(), top.indices.tolist()))
        visualizer = Visualizer.get_instance('backbones_pictures_cls')
        visualizer.set_image(image)
        visualizer.draw_texts(text, np.array([[4, 4]]), colors='white', font_sizes=12,
                              bboxes=dict(facecolor='black', alpha=0.6, pad=2))
        os.makedirs(osp.dirname(out_file) or '.', exist_ok=True)
        mmcv.imwrite(visualizer.get_image()[..., ::-1], out_file)


def with_ground_truth(sample, dataset):
    """A detection sample with its image's ground-truth instances from `dataset` (COCO-style
    data infos: boxes, labels, polygon or RLE masks; crowd regions left out), for pictures
    whose test pipeline loads images only (evaluation reads the json). Others unchanged."""
    if 'pred_instances' not in sample or _has_boxes(sample, 'gt_instances') or not hasattr(
            dataset, 'get_data_info'):
        return sample
    index = getattr(dataset, '_picture_index', None)
    if index is None:
        index = dataset._picture_index = {dataset.get_data_info(i)['img_path']: i
                                          for i in range(len(dataset))}
    if sample.img_path not in index:
        return sample
    from mmdet.datasets.transforms import LoadAnnotations
    from mmengine.structures import InstanceData
    info = dict(dataset.get_data_info(index[sample.img_path]))
    info['ori_shape'] = (info['height'], info['width'])
    gt = LoadAnnotations(with_bbox=True, with_mask=True)(info)
    keep = torch.as_tensor(~gt['gt_ignore_flags'])
    masks = torch.as_tensor(gt['gt_masks'].to_ndarray(), dtype=torch.bool)
    sample = sample.clone()
    sample.gt_instances = InstanceData(
        bboxes=torch.as_tensor(gt['gt_bboxes'].tensor)[keep],
        labels=torch.as_tensor(gt['gt_bboxes_labels'], dtype=torch.long)[keep],
        masks=masks[keep])
    return sample


@HOOKS.register_module()
class ShowPredictionsHook(Hook):
    """Draw the prediction of every evaluated image into `out_dir` (tools/test.py
    --show-dir), as <image name>.png, beside its ground truth. A relative `out_dir` lies in
    the run's folder (work_dir/<timestamp>/), as with mmdet's test.py."""

    priority = 'LOW'

    def __init__(self, out_dir: str, score_thr: float = SCORE_THR) -> None:
        self.out_dir, self.score_thr, self.count = out_dir, score_thr, 0

    def before_test(self, runner) -> None:
        self.out_dir = osp.join(runner.work_dir, runner.timestamp, self.out_dir)
        os.makedirs(self.out_dir, exist_ok=True)
        self.count = 0

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        meta = runner.test_dataloader.dataset.metainfo
        for sample in outputs or ():
            stem = osp.splitext(osp.basename(sample.img_path))[0]
            image = mmcv.imread(sample.img_path, channel_order='rgb')
            sample = with_ground_truth(sample, runner.test_dataloader.dataset)
            draw(runner.cfg.default_scope, meta, image, sample,
                 osp.join(self.out_dir, f'{stem}.png'), score_thr=self.score_thr)
            self.count += 1

    def after_test(self, runner) -> None:
        runner.logger.info(f'{self.count} pictures of predictions in {self.out_dir}' + (
            f' (detections from score {self.score_thr}; --show-score-thr changes it)'
            if runner.cfg.default_scope == 'mmdet' else ''))


# -- tools/infer.py --------------------------------------------------------------------------
def dataset_meta(cfg: Config, checkpoint: dict) -> dict:
    """Class names (and palette) of a model: from the checkpoint (MMEngine saves its training
    set's), else from the config's test dataset (its class, updated by its `metainfo`)."""
    meta = (checkpoint.get('meta') or {}).get('dataset_meta')
    if meta:
        return dict(meta)
    dataset = cfg.test_dataloader.dataset
    from mmengine.registry import DATASETS
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        cls = DATASETS.get(dataset.type)
    return {**getattr(cls, 'METAINFO', {}), **(dataset.get('metainfo') or {})}


def predict(model: torch.nn.Module, cfg: Config, path: str):
    """The model's prediction for the image file `path`, through the config's test pipeline
    (annotation loading left out): a DetDataSample, SegDataSample or class probabilities."""
    steps = [t for t in cfg.test_dataloader.dataset.pipeline
             if 'LoadAnnotations' not in t['type'] and 'LoadSegAnnotations' not in t['type']]
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        data = Compose(steps)(dict(img_path=path, img_id=0, gt_label=-1))
    with torch.no_grad():
        return model.test_step(pseudo_collate([data]))[0]


def save_prediction(runner, out_file: str) -> str:
    """The study's picture: a trained model's prediction for the first test image (beside
    its ground truth where the test pipeline loads it). Returns the image's path."""
    batch = next(iter(runner.test_dataloader))
    batch = {key: value[:1] for key, value in batch.items()}
    runner.model.eval()
    with torch.no_grad():
        sample = runner.model.test_step(batch)[0]
    dataset = runner.test_dataloader.dataset
    sample = with_ground_truth(sample, dataset)
    draw(runner.cfg.default_scope, dataset.metainfo,
         mmcv.imread(sample.img_path, channel_order='rgb'), sample, out_file)
    return sample.img_path


IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


def image_files(inputs: list[str], download_dir: str) -> list[str]:
    """Image files from files, folders (their images, sorted) and http(s) URLs (downloaded
    into `download_dir`). FileNotFoundError names an input that is none of these."""
    files = []
    for item in inputs:
        if item.startswith(('http://', 'https://')):
            import urllib.request
            os.makedirs(download_dir, exist_ok=True)
            path = osp.join(download_dir, osp.basename(item.split('?')[0]) or 'image.jpg')
            urllib.request.urlretrieve(item, path)
            files.append(path)
        elif osp.isdir(item):
            found = sorted(osp.join(item, f) for f in os.listdir(item)
                           if f.lower().endswith(IMAGE_SUFFIXES))
            if not found:
                raise FileNotFoundError(f'{item}: a folder with no images ({", ".join(IMAGE_SUFFIXES)})')
            files += found
        elif osp.isfile(item):
            files.append(item)
        else:
            raise FileNotFoundError(f'{item}: no such image file, folder or URL')
    return files


def summary(sample, meta: dict, score_thr: float = SCORE_THR):
    """A prediction as JSON data: detections above the threshold (class, score, box x1 y1 x2
    y2), a segmentation's share of pixels per class, or a classifier's top 5."""
    if hasattr(sample, 'pred_instances'):
        pred = sample.pred_instances
        keep = pred.scores >= score_thr
        return [dict(label=_class_name(meta, int(c)), score=round(float(s), 4),
                     bbox=[round(float(v), 1) for v in b])
                for c, s, b in zip(pred.labels[keep], pred.scores[keep], pred.bboxes[keep])]
    if hasattr(sample, 'pred_sem_seg'):
        labels, counts = sample.pred_sem_seg.data.unique(return_counts=True)
        return {_class_name(meta, int(c)): round(float(n) / float(counts.sum()), 4)
                for c, n in zip(labels, counts)}
    probs = torch.as_tensor(sample).float()
    top = probs.topk(min(5, probs.numel()))
    return [dict(label=_class_name(meta, int(i)), score=round(float(p), 4))
            for p, i in zip(top.values, top.indices)]
