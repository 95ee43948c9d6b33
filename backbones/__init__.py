"""ResNet and ConvNeXt as MMEngine backbones for mmdet and mmseg (scope `backbones`).

`custom_imports=dict(imports=['backbones'])` in a config registers them, after which
`dict(type='backbones.ConvNeXt', ...)` builds from either toolbox.

Layers, each importing only those above it:
    registry     the `backbones` scope's registries
    weights      checkpoint files: naming, fetching, safe reading, checking, atomic writing
    models       DenseBackbone, ConvNeXt, ResNet, RoadmapNet, classifiers, release conversion,
                 detectors / segmentors wired to their backbone's channels
    data         checked datasets, transforms, the demo sets
    engine       config preparation, the Runner and its hooks, the optimizer constructor
    evaluation   metrics, pictures, results, FLOPs, the paper's figures
    experiments  the transfer study (demo and paper scale) and the speed benchmarks
"""
from .registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from .weights import CheckpointError, load_pretrained, read_state_dict, save_atomic
from .models import ConvNeXt, ImageClassifier, ResNet, RoadmapNet, TimmClassifier
from .data import (CheckedADE20KDataset, CheckedCocoDataset, CheckedSegDataset, ImageFolderDataset,
                   LoadSegAnnotations)
from .engine import CheckFiniteLossHook, LayerDecayOptimWrapperConstructor, RNGStateHook, Runner
from .evaluation import Accuracy, ShowPredictionsHook

__all__ = ['Accuracy', 'CheckFiniteLossHook', 'CheckedADE20KDataset', 'CheckedCocoDataset',
           'CheckedSegDataset', 'CheckpointError', 'ConvNeXt', 'ImageClassifier',
           'ImageFolderDataset', 'LayerDecayOptimWrapperConstructor', 'LoadSegAnnotations',
           'MODELS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'RNGStateHook', 'ResNet', 'RoadmapNet',
           'Runner', 'ShowPredictionsHook', 'TimmClassifier',
           'load_pretrained', 'read_state_dict', 'save_atomic']
