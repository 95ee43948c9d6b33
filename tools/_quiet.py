"""Imported first by every tool: hides the third-party deprecation warnings that a user of the
tools cannot act on (mmengine, mmdet and mmseg import pkg_resources, and warn about their own
APIs they call themselves). Only the tools filter them; importing `backbones` filters nothing.
"""
import warnings

for message in ('pkg_resources is deprecated', '``build_loss`` would be deprecated',
                'Default ``avg_non_ignore`` is False', '`reduce_zero_label` will be deprecated'):
    warnings.filterwarnings('ignore', message=message, category=UserWarning)
