"""Data: COCO and ADE20K datasets that check their files and labels when built (a bad label
names its file), ImageNet-style class folders with their transforms, and the embedded demo
sets (`demo.py`: seeded shapes in COCO, ADE20K and class-folder layouts)."""
from .datasets import CheckedADE20KDataset, CheckedCocoDataset, CheckedSegDataset, LoadSegAnnotations
from .imagenet import ImageFolderDataset

__all__ = ['CheckedADE20KDataset', 'CheckedCocoDataset', 'CheckedSegDataset',
           'ImageFolderDataset', 'LoadSegAnnotations']
