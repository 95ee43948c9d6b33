"""The ImageNet classifier around a trunk, as each backbone's official release builds it.

ConvNeXt: features -> global average pool -> LayerNorm (`norm`) -> Linear (`head`), the
official model; ResNet: features -> global average pool -> Linear (`fc`, here `head`),
torchvision's. `init_cfg=dict(type='Pretrained', checkpoint=FILE_OR_URL)` loads a release
whole (trunk, norm, head; official, timm or torchvision names, or this classifier's own
checkpoint) and refuses a file that does not hold every tensor, so `tools/test.py` evaluates
released ImageNet weights as they are. `export_release` writes the weights back in the
release's format: what the detection / segmentation configs' `init_cfg` read.

This is also the model the papers' parameter and FLOP counts at 224x224 refer to
(ConvNeXt-T 28.6M / 4.5G, ResNet-50 25.6M / 4.1G) and the roadmap's steps are compared on.
"""
from __future__ import annotations

import inspect
import os

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import nn

from ..weights.io import load_pretrained, save_atomic
from ..registry import MODELS


@MODELS.register_module()
class ImageClassifier(BaseModel):
    """backbone (its last stage) -> global average pool -> [norm] -> Linear(num_classes).

    forward(inputs, data_samples, mode): 'tensor' returns logits, 'predict' class
    probabilities, 'loss' dict(loss=cross entropy) against `data_samples`, the integer labels
    (MMEngine's train_step passes them under that name).
    """

    def __init__(self, *, backbone: dict, num_classes: int = 1000, label_smoothing: float = 0.0,
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.label_smoothing = label_smoothing
        if init_cfg and (init_cfg.get('type') != 'Pretrained' or 'checkpoint' not in init_cfg
                         or set(init_cfg) - {'type', 'checkpoint', 'weights_only'}):
            raise ValueError("ImageClassifier: init_cfg must be dict(type='Pretrained', "
                             f"checkpoint=FILE_OR_URL[, weights_only=False]), got {init_cfg}")
        backbone_cls = MODELS.get(backbone['type'])
        if backbone_cls is None:
            raise KeyError(f"ImageClassifier: backbone type {backbone['type']!r} is not registered")
        # A trunk whose outputs carry a dense-prediction norm drops it: the release's norm
        # comes after the pooling (self.norm).
        extra = ({'norm_outputs': False}
                 if 'norm_outputs' in inspect.signature(backbone_cls).parameters else {})
        self.backbone = MODELS.build(dict(backbone, out_indices=(3,), **extra))
        norm = self.backbone.classifier_norm()
        self.norm = nn.Identity() if norm is None else norm
        self.head = nn.Linear(self.backbone.out_channels[-1], num_classes)

    def init_weights(self) -> None:
        """Random init (the backbone's own rule; truncated normal for the head), then the
        release named in init_cfg, whole and strictly."""
        pretrained, self.init_cfg = self.init_cfg, None
        super().init_weights()
        nn.init.trunc_normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)
        if pretrained:
            load_pretrained(self, pretrained['checkpoint'], convert=self.convert_release,
                            weights_only=pretrained.get('weights_only', True), strict=True)
        self.init_cfg = pretrained

    def convert_release(self, state: dict) -> dict:
        """A release's names (official / timm / torchvision) -> this classifier's."""
        if any(k.startswith('backbone.') for k in state):  # this classifier's own checkpoint
            return state
        trunk = self.backbone.convert_state_dict(state)
        return {**{f'backbone.{k}': v for k, v in trunk.items()},
                **type(self.backbone).classifier_keys(state)}

    def export_release(self, path: str | os.PathLike) -> None:
        """Write the weights as the backbone's official release is written (ConvNeXt:
        {'model': ...} with `downsample_layers`, `stages`, `norm`, `head`; ResNet:
        torchvision's state dict), atomically."""
        state = type(self.backbone).release_state_dict(
            {k: v.detach().cpu().clone() for k, v in self.state_dict().items()})
        wrapper = type(self.backbone).release_wrapper
        save_atomic({wrapper: state} if wrapper else state, path)

    def forward(self, inputs: torch.Tensor, data_samples=None, mode: str = 'tensor'):
        logits = self.head(self.norm(self.backbone(inputs)[-1].mean((2, 3))))
        return _by_mode(self, logits, data_samples, mode)


@MODELS.register_module()
class TimmClassifier(BaseModel):
    """A timm classifier (`timm.create_model(model_name, num_classes=..., **model_kwargs)`)
    in the same Runner path as ImageClassifier: same data, preprocessor, losses, optimizer,
    schedule and metric. It is the independent implementation a pretraining result is checked
    against (configs/demo/timm-convnext-t_demo-shapes-cls.py)."""

    def __init__(self, *, model_name: str, num_classes: int = 1000, label_smoothing: float = 0.0,
                 model_kwargs: dict | None = None, data_preprocessor: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        import timm  # only this class needs timm
        self.label_smoothing = label_smoothing
        try:
            self.model = timm.create_model(model_name, num_classes=num_classes,
                                           **(model_kwargs or {}))
        except (RuntimeError, TypeError) as err:
            raise ValueError(f"TimmClassifier: cannot build timm model {model_name!r} with "
                             f"model_kwargs={model_kwargs}: {err}") from err

    def forward(self, inputs: torch.Tensor, data_samples=None, mode: str = 'tensor'):
        return _by_mode(self, self.model(inputs), data_samples, mode)


def _by_mode(model, logits: torch.Tensor, data_samples, mode: str):
    """The three BaseModel modes on a classifier's logits."""
    name = type(model).__name__
    if mode == 'tensor':
        return logits
    if mode == 'predict':
        return logits.softmax(-1)
    if mode == 'loss':
        if data_samples is None:
            raise ValueError(f"{name}: mode='loss' needs the labels as data_samples")
        labels = torch.as_tensor(data_samples, device=logits.device)
        return dict(loss=F.cross_entropy(logits.float(), labels,
                                         label_smoothing=model.label_smoothing))
    raise ValueError(f"{name}: mode={mode!r}; use 'tensor', 'predict' or 'loss'")
