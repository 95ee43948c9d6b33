"""ResNet and ConvNeXt as MMEngine backbones for mmdet and mmseg (scope `backbones`).

`custom_imports=dict(imports=['backbones'])` in a config registers them, after which
`dict(type='backbones.ConvNeXt', ...)` builds from either toolbox.
"""
from .classifier import ImageClassifier, TimmClassifier
from .checkpoint import (CheckpointError, allow_own_checkpoints, load_pretrained, read_state_dict,
                         save_atomic)
from .convnext import ConvNeXt
from .imagenet import Accuracy, ImageFolderDataset
from .datasets import (CheckedADE20KDataset, CheckedCocoDataset, CheckedSegDataset,
                       LoadSegAnnotations)
from .pictures import ShowPredictionsHook
from .optim import LayerDecayOptimWrapperConstructor
from .registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from .resnet import ResNet
from .roadmap import RoadmapNet
from .runner import CheckFiniteLossHook, RNGStateHook, Runner

allow_own_checkpoints()

__all__ = ['Accuracy', 'CheckFiniteLossHook', 'ImageFolderDataset', 'CheckedADE20KDataset', 'CheckedCocoDataset',
           'CheckedSegDataset', 'CheckpointError', 'ConvNeXt', 'LayerDecayOptimWrapperConstructor',
           'ImageClassifier', 'TimmClassifier', 'LoadSegAnnotations', 'MODELS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'RNGStateHook', 'ResNet', 'ShowPredictionsHook',
           'Runner', 'allow_own_checkpoints', 'load_pretrained', 'read_state_dict', 'save_atomic']
