"""Checkpoints as files: naming and fetching them (hub), reading them safely, checking them
against a model and writing them (and JSON results) atomically (io). Knows no model class."""
from .hub import CheckpointError, local_checkpoint
from .io import (check_complete, load_pretrained, read_checkpoint,
                 read_state_dict, save_atomic, save_json, save_text)

__all__ = ['CheckpointError', 'check_complete', 'load_pretrained',
           'local_checkpoint', 'read_checkpoint', 'read_state_dict', 'save_atomic', 'save_json',
           'save_text']
