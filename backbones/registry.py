"""The `backbones` scope: children of MMEngine's root registries.

Because MODELS is a child of mmengine's root MODELS, mmdet's and mmseg's registries (also
children of that root) resolve `type='backbones.ConvNeXt'` through the root, so one backbone
class serves detection and segmentation configs alike.
"""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import Registry
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS

MODELS = Registry('model', parent=MMENGINE_MODELS, scope='backbones',
                  locations=['backbones'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor', parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
    scope='backbones', locations=['backbones'])
OPTIM_WRAPPERS = Registry('optim_wrapper', parent=MMENGINE_OPTIM_WRAPPERS, scope='backbones',
                          locations=['backbones'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, scope='backbones',
                    locations=['backbones'])
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMENGINE_MODEL_WRAPPERS, scope='backbones',
                          locations=['backbones'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS, scope='backbones',
                      locations=['backbones'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope='backbones', locations=['backbones'])
RUNNERS = Registry('runner', parent=MMENGINE_RUNNERS, scope='backbones', locations=['backbones'])
METRICS = Registry('metric', parent=MMENGINE_METRICS, scope='backbones', locations=['backbones'])
