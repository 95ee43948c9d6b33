import pytest
import torch


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def randomize_(model: torch.nn.Module) -> torch.nn.Module:
    """Move every parameter and BN statistic away from its init so comparisons mean something
    (timm's layer scale starts at 1e-6, which would hide the residual branches)."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if not p.is_floating_point():
                continue
            if name.endswith('gamma'):
                p.copy_(torch.rand(p.shape, generator=g) * 0.3 + 0.05)
            elif name.endswith('running_var'):
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)
            else:
                p.add_(torch.randn(p.shape, generator=g) * 0.02)
    return model
