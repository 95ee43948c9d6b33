"""Metrics of our own models (mmdet's COCO and mmseg's IoU metrics serve the dense tasks)."""
from __future__ import annotations

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from ..registry import METRICS


@METRICS.register_module()
class Accuracy(BaseMetric):
    """Top-k accuracy in percent (`top1`, `top5`, ...) of the classifier's probabilities
    against the labels of the batch."""
    default_prefix = 'cls'

    def __init__(self, *, topk: tuple[int, ...] = (1, 5), **kwargs) -> None:
        super().__init__(**kwargs)
        self.topk = tuple(topk)

    def process(self, data_batch: dict, data_samples) -> None:
        labels = torch.as_tensor(data_batch['data_samples'])
        probs = torch.stack([torch.as_tensor(p) for p in data_samples]).cpu()
        k = min(max(self.topk), probs.shape[1])
        ranks = probs.topk(k, dim=1).indices == labels[:, None]
        for hits in ranks:
            self.results.append([bool(hits[:t].any()) for t in self.topk])

    def compute_metrics(self, results: list) -> dict:
        hits = np.asarray(results, dtype=float)
        return {f'top{t}': 100 * float(hits[:, i].mean()) for i, t in enumerate(self.topk)}
