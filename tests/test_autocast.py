"""backbones.AutocastOptimWrapper, as a config opts in to it (the demo pretraining's recipe with
`optim_wrapper.type='backbones.AutocastOptimWrapper'`; the demo itself trains in float32 on
every CPU, docs/demo.md): where the CPU computes bfloat16 natively the training forward runs
in it, the parameters, their gradients and the optimizer state stay float32, the loss is the
float32 loss to bfloat16's precision, and evaluation is float32; where it does not (torch's
query forced to say so), the step runs in float32 and one log line says why."""
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from backbones import ImageClassifier
from backbones.engine import precision
from backbones.engine.optim import AutocastOptimWrapper
from backbones.engine.precision import autocast_unsupported

ROOT = Path(__file__).resolve().parents[1]
CONFIG = 'configs/demo/convnext-t_demo-shapes-cls.py'
AUTOCAST = dict(type='backbones.AutocastOptimWrapper')  # what a config writes to opt in


def _model() -> ImageClassifier:
    cfg = Config.fromfile(CONFIG)
    torch.manual_seed(0)
    model = ImageClassifier(backbone=dict(cfg.model.backbone, drop_path_rate=0.0, arch=dict(
        depths=[1, 1, 1, 1], channels=[16, 32, 64, 128])), num_classes=6,
        data_preprocessor=cfg.model.data_preprocessor)
    model.init_weights()
    return model


@pytest.mark.parametrize('native', [True, False], ids=['native-bf16', 'no-native-bf16'])
def test_autocast_trains_in_bfloat16_only_where_native(native, monkeypatch):
    monkeypatch.setattr(precision, 'cpu_computes_natively', lambda dtype: native)
    init_default_scope('backbones')
    cfg = Config.fromfile(CONFIG)
    model = _model()
    wrapper = build_optim_wrapper(model, dict(cfg.optim_wrapper, **AUTOCAST))
    assert isinstance(wrapper, AutocastOptimWrapper) and wrapper.dtype == torch.bfloat16
    seen = []
    model.head.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    data = dict(inputs=[torch.randint(0, 256, (3, 40, 40), dtype=torch.uint8) for _ in range(4)],
                data_samples=[0, 1, 2, 3])
    x = model.data_preprocessor(data, training=True)
    with torch.no_grad():
        want = model(x['inputs'], x['data_samples'], mode='loss')['loss']
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    logger, records = MMLogger.get_current_instance(), []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        loss = model.train_step(data, wrapper)['loss']
        model.train_step(data, wrapper)
    finally:
        logger.removeHandler(handler)
    step = torch.bfloat16 if native else torch.float32
    assert seen == [torch.float32, step, step]  # the fp32 reference, then two steps
    warned = [r.getMessage() for r in records if 'AutocastOptimWrapper' in r.getMessage()]
    if native:
        assert not warned
        assert abs(loss.item() - want.item()) < 0.02 * want.item()
    else:  # one line, once, naming the reason
        assert len(warned) == 1 and 'training in float32, not torch.bfloat16' in warned[0]
        assert 'has no native bfloat16 kernels' in warned[0]
        assert torch.backends.cpu.get_cpu_capability() in warned[0]
        assert loss.item() == pytest.approx(want.item(), rel=1e-5)
    assert loss.dtype == torch.float32
    for name, p in model.named_parameters():
        assert p.dtype == torch.float32, name
        assert not torch.equal(p, before[name]), f'{name} was not updated'
    state = wrapper.optimizer.state[model.head.weight]
    assert state['exp_avg'].dtype == torch.float32
    model.val_step(data)
    assert seen[-1] == torch.float32  # evaluation is not autocast


def test_support_is_torch_own_query():
    native = torch.ops.mkldnn._is_mkldnn_bf16_supported()
    assert (autocast_unsupported('cpu', torch.bfloat16) is None) == native
    assert (autocast_unsupported('cpu', torch.float16) is None) == (
        torch.ops.mkldnn._is_mkldnn_fp16_supported())


def test_autocast_dtype_is_checked():
    with pytest.raises(ValueError, match="optim_wrapper.dtype='int8'"):
        AutocastOptimWrapper(optimizer=torch.optim.SGD(_model().parameters(), lr=0.1),
                             dtype='int8')


def test_a_cpu_without_native_bfloat16_is_detected_by_the_real_query(tmp_path):
    """oneDNN capped at AVX2 (ONEDNN_MAX_CPU_ISA, as on an AVX2-only CPU): torch's own query,
    unpatched, says no native bfloat16, and the study plans a run whose config asks for
    bfloat16 autocast in float32 and says why, as it prints at its start."""
    config = tmp_path / 'convnext-t_demo-shapes-cls_bf16.py'
    config.write_text(f"_base_ = {str(ROOT / CONFIG)!r}\noptim_wrapper = {AUTOCAST!r}\n")
    code = ('from backbones.engine.precision import machine_summary\n'
            'from backbones.experiments import plan\n'
            f"run = plan.Run('ConvNeXt-T', 'pretraining', 'scratch', {str(config)!r})\n"
            'print(machine_summary()); print(plan.precision_of(run))\n')
    env = dict(os.environ, ONEDNN_MAX_CPU_ISA='AVX2', ATEN_CPU_CAPABILITY='avx2')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         timeout=300, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    summary, chosen = out.stdout.strip().splitlines()[-2:]
    assert summary.startswith('cpu AVX2 (native bfloat16: no, emulated)'), summary
    assert chosen.startswith('float32 (config asks bfloat16; this CPU (AVX2) has no native '
                             'bfloat16 kernels'), chosen
