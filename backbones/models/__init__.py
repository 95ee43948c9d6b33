"""The models: `DenseBackbone` (declared outputs and their layout contract), ConvNeXt,
ResNet, RoadmapNet (the steps between them), the ImageNet classifiers, the conversion of
released checkpoints, which needs these classes to recognise them, and mmdet's / mmseg's
detectors and segmentor with their necks and heads wired to the backbone's channels."""
from .base import DenseBackbone
from .classifier import ImageClassifier, TimmClassifier
from .convert import convert_checkpoint
from .convnext import ConvNeXt
from .resnet import ResNet
from .roadmap import RoadmapNet
from .wiring import CascadeRCNN, EncoderDecoder, MaskRCNN

__all__ = ['CascadeRCNN', 'ConvNeXt', 'DenseBackbone', 'EncoderDecoder', 'ImageClassifier',
           'MaskRCNN', 'ResNet', 'RoadmapNet', 'TimmClassifier', 'convert_checkpoint']
