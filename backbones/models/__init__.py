"""The models: `DenseBackbone` (declared outputs and their layout contract), ConvNeXt,
ResNet, RoadmapNet (the steps between them), the ImageNet classifiers, and the conversion of
released checkpoints, which needs these classes to recognise them."""
from .base import DenseBackbone
from .classifier import ImageClassifier, TimmClassifier
from .convert import convert_checkpoint
from .convnext import ConvNeXt
from .resnet import ResNet
from .roadmap import RoadmapNet

__all__ = ['ConvNeXt', 'DenseBackbone', 'ImageClassifier', 'ResNet', 'RoadmapNet',
           'TimmClassifier', 'convert_checkpoint']
