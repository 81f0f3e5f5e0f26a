"""`onewindow workdays …` through the real console script, on a scratch SQLite database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from onewindow.core.i18n import LOCALE_VARIABLES

ONEWINDOW = Path(sys.executable).parent / "onewindow"


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("onewindow-var")
    # Messages follow the terminal's locale (core/i18n.py): these tests read English ones.
    env = {
        **{k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES},
        "LANG": "en_US.UTF-8",
        "DATABASE_URL": f"sqlite:///{var_dir / 'cli.sqlite3'}",
        "ONEWINDOW_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "onewindow.settings",
    }
    subprocess.run([ONEWINDOW, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    return env


def run(env, *args):
    return subprocess.run(
        [ONEWINDOW, "workdays", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_add_prints_the_date_alone(cli_env):
    result = run(cli_env, "add", "2026-02-13", "2")
    assert (result.returncode, result.stdout, result.stderr) == (0, "2026-02-24\n", "")


def test_between_prints_a_whole_number(cli_env):
    result = run(cli_env, "between", "2026-02-13", "2026-03-02")
    assert (result.returncode, result.stdout, result.stderr) == (0, "7\n", "")


@pytest.mark.parametrize(
    ("day", "answer"),
    [("2026-02-14", "yes"), ("2026-10-05", "no")],
)
def test_is_workday_prints_yes_or_no(cli_env, day, answer):
    result = run(cli_env, "is-workday", day)
    assert (result.returncode, result.stdout) == (0, f"{answer}\n")


BAD_INPUTS = [
    ["add", "2026-2-13", "2"],
    ["add", "2026-02-30", "2"],
    ["add", "2026-02-13", "-1"],
    ["add", "2026-02-13", "two"],
    ["add", "2026-02-13", "10001"],
    ["add", "2026-02-13"],
    ["add", "2026-02-13", "2", "3"],
    ["between", "2026-03-02", "2026-02-13"],
    ["is-workday", "0000-01-01"],
    ["frobnicate", "2026-02-13"],
    [],
    ["missing", "next"],
    ["import", "/nonexistent/schedule.txt"],
]


@pytest.fixture(scope="module")
def bad_input_results(cli_env):
    # Each run pays Django's start-up; starting them together keeps the module quick.
    processes = [
        subprocess.Popen(
            [ONEWINDOW, "workdays", *args],
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in BAD_INPUTS
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        results.append((process.returncode, stdout, stderr))
    return results


@pytest.mark.parametrize("case", range(len(BAD_INPUTS)), ids=[" ".join(a) for a in BAD_INPUTS])
def test_bad_input_exits_2_with_one_line_on_stderr(bad_input_results, case):
    returncode, stdout, stderr = bad_input_results[case]
    assert returncode == 2
    assert stdout == ""
    assert stderr.endswith("\n")
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("onewindow workdays: ")


def test_import_loads_a_year_then_missing_no_longer_lists_it(cli_env, tmp_path):
    assert run(cli_env, "missing", "2026", "2027").stdout == "2027\n"
    schedule = tmp_path / "schedule-2027.txt"
    schedule.write_text(
        "# test schedule\n2027-01-01 holiday 元旦\n2027-02-06 workday 春节\n", encoding="utf-8"
    )

    result = run(cli_env, "import", str(schedule))

    assert result.returncode == 0, result.stderr
    assert result.stdout == "loaded 2027: 1 holidays, 1 make-up working days\n"
    assert run(cli_env, "missing", "2026", "2027").stdout == ""
    assert run(cli_env, "is-workday", "2027-02-06").stdout == "yes\n"
    assert run(cli_env, "is-workday", "2027-01-01").stdout == "no\n"


def test_a_bad_schedule_file_is_one_line_naming_each_bad_line(cli_env, tmp_path):
    schedule = tmp_path / "bad.txt"
    schedule.write_text(
        "2028-01-01 holiday 元旦\n2028-13-01 holiday x\n\n2028-01-03 rest\n", encoding="utf-8"
    )
    result = run(cli_env, "import", str(schedule))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "line 2:" in result.stderr and "line 4:" in result.stderr
    assert run(cli_env, "missing", "2028").stdout == "2028\n"


def test_seed_is_idempotent_from_the_command_line(cli_env):
    result = run(cli_env, "seed")
    assert (result.returncode, result.stdout) == (0, "seeded 0 years, 0 days\n")


def test_help_goes_to_stdout(cli_env):
    result = run(cli_env, "--help")
    assert result.returncode == 0
    assert "onewindow workdays add DATE N" in result.stdout


def test_a_chinese_terminal_reads_chinese_messages_and_the_same_answers(cli_env, tmp_path):
    chinese = {**cli_env, "LANG": "C.UTF-8"}
    schedule = tmp_path / "bad.txt"
    schedule.write_text("2028-01-01 holiday 元旦\n2028-01-03 rest\n", encoding="utf-8")

    bad = subprocess.run(
        [ONEWINDOW, "workdays", "import", str(schedule)],
        env=chinese,
        capture_output=True,
        text=True,
    )
    answer = subprocess.run(
        [ONEWINDOW, "workdays", "is-workday", "2026-02-14"],
        env=chinese,
        capture_output=True,
        text=True,
    )

    assert bad.returncode == 2
    assert bad.stderr == (
        f"onewindow workdays: {schedule}: 第 2 行：未知类型 'rest'（应为 holiday 或 workday）\n"
    )
    assert (answer.returncode, answer.stdout) == (0, "yes\n")
