"""Progress bars: drawn on a terminal for a transfer that takes more than a
second; never in CI, with --json, or off a terminal; the Python API draws none."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry import Registry, progress, write
from registry.cli import progress as bar
from tests.builder import RegistryBuilder


@pytest.fixture
def meter() -> Iterator[None]:
    yield
    progress.install(None)


def test_a_slow_transfer_draws_a_bar(
    dvc_repo: RegistryBuilder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    meter: None,
) -> None:
    monkeypatch.setattr(bar, "DELAY", 0.0)  # every transfer counts as slow
    progress.install(bar.Bar())
    weights = tmp_path / "weights.bin"
    weights.write_bytes(os.urandom(3 << 20))
    write.register(dvc_repo.root, "clf", weights, push=True)  # DVC's own output goes to the terminal
    err = capsys.readouterr().err
    assert "\rhashing weights.bin  [########################] 100%  3.1 MB / 3.1 MB" in err, err
    clone = tmp_path / "clone"
    dvc_repo.git("clone", "-q", str(dvc_repo.root), str(clone))
    Registry(clone).pull("clf/1")
    err = capsys.readouterr().err
    assert "\rcopying weights.bin  [" in err and "100%" in err, err


def test_a_quick_transfer_draws_nothing(
    dvc_repo: RegistryBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str], meter: None
) -> None:
    progress.install(bar.Bar())
    small = tmp_path / "small.bin"
    small.write_bytes(b"x" * 1000)
    write.register(dvc_repo.root, "clf", small)
    assert "hashing" not in capsys.readouterr().err


def test_a_hostile_file_name_is_escaped_in_the_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bar, "DELAY", 0.0)
    shown = bar.Bar()
    shown.start("hashing \x1b[2Jevil", 10)
    shown.advance(10)
    shown.finish()
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2Jevil" in err


@pytest.mark.parametrize(
    ("ci", "as_json", "drawn"), [(None, False, True), ("true", False, False), (None, True, False)]
)
def test_only_a_person_at_a_terminal_gets_a_bar(
    monkeypatch: pytest.MonkeyPatch, meter: None, ci: str | None, as_json: bool, drawn: bool
) -> None:
    main, secondary = os.openpty()
    with open(secondary, "w", encoding="utf-8") as tty:
        monkeypatch.setattr(sys, "stderr", tty)
        if ci is None:
            monkeypatch.delenv("CI", raising=False)
        else:
            monkeypatch.setenv("CI", ci)
        bar.on_terminal(as_json)
        assert progress.watched() is drawn
    os.close(main)


def test_off_a_terminal_there_is_no_bar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, meter: None) -> None:
    monkeypatch.delenv("CI", raising=False)
    with open(tmp_path / "log", "w", encoding="utf-8") as log:
        monkeypatch.setattr(sys, "stderr", log)
        bar.on_terminal()
    assert not progress.watched()


def test_a_board_escapes_what_it_names_and_keeps_each_line_within_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import fcntl
    import struct
    import termios

    reader, writer = os.openpty()
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # 80 columns
    with open(writer, "w", encoding="utf-8") as tty:
        monkeypatch.setattr(sys, "stderr", tty)
        monkeypatch.setattr(bar, "DELAY", 0.0)
        board = bar.Board()
        board.step(progress.Step("evil\x1b[2J" + "m" * 100, 0, 2, "version", 0, 1, "model"))
        board.start("downloading \x1b]0;owned\x07", 0)
        board.advance(5000)
        board.finish()
        board.step(progress.Step("", 2, 2, "version", 1, 1, "model"))
        tty.flush()
    chunks = []  # all of it: one read may return part, and the other end is closed now
    while True:
        try:
            chunk = os.read(reader, 65536)
        except OSError:  # EIO: nothing more, the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(reader)
    out = b"".join(chunks).decode()
    assert "\x1b[2J" not in out and "\x1b]0" not in out and "\\x1b[2J" in out, out
    for line in out.replace("\r\x1b[K", "\n").replace("\x1b[1A", "").replace("\r", "").split("\n"):
        assert len(line) <= 79, line
    assert out.endswith("[########################] 2/2 versions  1/1 models\r\n"), out
