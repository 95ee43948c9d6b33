"""The suite's own configuration holds its time budget (tests/budget.py): every test or shared
fixture that may take longer than the limit says how long and why, beside it; `make test`
checks the budget (--budget) and prints the slowest tests; the README states the suite's time."""
import ast
from pathlib import Path

import budget

ROOT = Path(__file__).resolve().parents[1]
TESTS = sorted((ROOT / 'tests').glob('test_*.py'))


def _stated(path: Path) -> list[tuple[str, str, dict]]:
    """(function, 'slow' | 'budget', keyword arguments) of every budget statement in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            if not isinstance(dec, ast.Call):
                continue
            name = ast.unparse(dec.func)
            if name in ('pytest.mark.slow', 'budget'):
                found.append((node.name, name.split('.')[-1], {
                    k.arg: ast.literal_eval(k.value) for k in dec.keywords}))
    return found


def test_every_stated_budget_has_seconds_and_a_reason():
    stated = [(p.name, *s) for p in TESTS for s in _stated(p)]
    assert stated, 'the slow tests state their budget'
    for file, name, kind, kwargs in stated:
        assert set(kwargs) == {'seconds', 'reason'}, (file, name, kwargs)
        assert budget.LIMIT < kwargs['seconds'] <= budget.MAX_SECONDS, (
            f'{file}::{name}: @{kind} seconds={kwargs["seconds"]}: a budget is for more than '
            f'{budget.LIMIT:.0f} s and at most {budget.MAX_SECONDS:.0f} s')
        assert len(kwargs['reason'].split()) >= 5, f'{file}::{name}: say why it takes that long'


def test_the_stated_budgets_fit_the_suite():
    """The slow tests' stated seconds fit the suite's minutes on its test processes."""
    total = sum(kw['seconds'] for p in TESTS for _, _, kw in _stated(p))
    assert total <= budget.SUITE_MINUTES * 60 * budget.WORKERS, (
        f'the slow tests alone may take {total / 60:.1f} minutes of the suite\'s '
        f'{budget.SUITE_MINUTES} on {budget.WORKERS} processes')


def test_make_test_checks_the_budget_and_prints_the_slowest():
    recipe = (ROOT / 'Makefile').read_text().split('\ntest:')[1].split('\n\n')[0]
    assert '--budget' in recipe and '--durations=15' in recipe
    assert f'-n {budget.WORKERS} --dist loadfile' in recipe and 'OMP_NUM_THREADS=1' in recipe


def test_readme_states_the_suites_time_and_machine():
    readme = (ROOT / 'README.md').read_text()
    assert f'{budget.SUITE_MINUTES} minutes' in readme and budget.REFERENCE in readme


def test_the_probe_scales_the_limits():
    assert budget.probe() > 0 and budget.machine_factor() >= 1.0


def test_the_check_fails_a_run_that_overruns(tmp_path):
    """The conftest check itself: an unmarked test over the limit fails the run and is named;
    the same test marked with enough seconds passes (limits shrunk to tenths of a second)."""
    import subprocess
    import sys
    text = (ROOT / 'tests/budget.py').read_text()
    text = text.replace('LIMIT = 45.0', 'LIMIT = 0.2').replace(
        'def machine_factor() -> float:', 'def machine_factor() -> float:\n    return 1.0\n\n\n'
        'def _unused() -> float:')
    (tmp_path / 'budget.py').write_text(text)
    (tmp_path / 'conftest.py').write_text((ROOT / 'tests/conftest.py').read_text())
    (tmp_path / 'test_x.py').write_text(
        'import time\nimport pytest\n\n\ndef test_quick():\n    pass\n\n\n'
        'def test_sleeps():\n    time.sleep(1.0)\n\n\n'
        "@pytest.mark.slow(seconds=5, reason='sleeps one second on purpose here')\n"
        'def test_sleeps_marked():\n    time.sleep(1.0)\n')
    run = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                          '--budget', str(tmp_path)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    out = run.stdout + run.stderr
    assert run.returncode == 1 and '3 passed' in out, out[-2000:]
    over = [line for line in out.splitlines() if line.startswith('OVER BUDGET')]
    assert len(over) == 1 and 'test_x.py::test_sleeps took 1 s' in over[0], out[-2000:]
