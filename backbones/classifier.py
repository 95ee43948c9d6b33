"""The ImageNet trunk: a backbone's last output, global average pooling, a linear classifier.

This is the model the papers' parameter and FLOP counts at 224x224 refer to (ConvNeXt-T
28.6M / 4.5G, ResNet-50 25.6M / 4.1G), and what the modernization roadmap's steps are
compared on. For ConvNeXt the last output's LayerNorm takes the place of the classification
head's norm (same parameters; applied before pooling instead of after).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import nn

from .registry import MODELS


@MODELS.register_module()
class ImageClassifier(BaseModel):
    """backbone (one output: its last stage) -> global average pool -> Linear(num_classes).

    forward(inputs, data_samples, mode): 'tensor' returns logits, 'predict' class
    probabilities, 'loss' dict(loss=cross entropy) against `data_samples`, the integer labels
    (MMEngine's train_step passes them under that name).
    """

    def __init__(self, *, backbone: dict, num_classes: int = 1000,
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(dict(backbone, out_indices=(3,)))
        self.head = nn.Linear(self.backbone.out_channels[-1], num_classes)
        nn.init.trunc_normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    def forward(self, inputs: torch.Tensor, data_samples: torch.Tensor | None = None,
                mode: str = 'tensor'):
        logits = self.head(self.backbone(inputs)[-1].mean((2, 3)))
        if mode == 'tensor':
            return logits
        if mode == 'predict':
            return logits.softmax(-1)
        if mode == 'loss':
            if data_samples is None:
                raise ValueError("ImageClassifier: mode='loss' needs the labels as data_samples")
            return dict(loss=F.cross_entropy(logits, torch.as_tensor(data_samples)))
        raise ValueError(f"ImageClassifier: mode={mode!r}; use 'tensor', 'predict' or 'loss'")
