"""ResNet and ConvNeXt as MMEngine backbones for mmdet and mmseg (scope `backbones`).

`custom_imports=dict(imports=['backbones'])` in a config registers them, after which
`dict(type='backbones.ConvNeXt', ...)` builds from either toolbox.
"""
from .checkpoint import CheckpointError, load_pretrained, read_state_dict, save_atomic
from .convnext import ConvNeXt
from .optim import LayerDecayOptimWrapperConstructor
from .registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from .resnet import ResNet

__all__ = ['CheckpointError', 'ConvNeXt', 'LayerDecayOptimWrapperConstructor', 'MODELS',
           'OPTIM_WRAPPER_CONSTRUCTORS', 'ResNet', 'load_pretrained', 'read_state_dict',
           'save_atomic']
