"""corridor/commands/ (uploads, figures, review, sources, users): the analysts' commands as a
user runs them, refusals and exit codes too."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from uploads_support import (
    CLI_ACCOUNT,
    csv_bytes,
    csv_line,
    table_hash,
    tree_digest,
    with_rows,
    xlsx_bytes,
)

from corridor.cli import main
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.tables import parse_observations, read_csv_text
from etl.store.db.opening import close_engines
from etl.store.history import batch_records
from etl.store.pending import list_pending, received_file
from etl.store.table import load_table

COMMANDS = [
    "validate",
    "ingest",
    "add-article",
    "export",
    "template",
    "history",
    "undo",
    "sources",
    "correct",
    "retract",
    "set-password",
]


def corridor(layout: Layout, *args: str) -> int:
    return main([args[0], "--data-dir", str(layout.root), *args[1:]])


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# The commands read uploads here as their limited child reads them (conftest.read_in_this_process)
# but in the tests of the child itself: the one a command starts first, none left running, a
# whole ingest, and the small and the streamed file.
pytestmark = pytest.mark.usefixtures("no_default_data_dir", "cli_account", "read_in_this_process")
THROUGH_THE_CHILD = {
    "test_validate_reads_the_file_in_the_child_it_started_first[csv]",
    "test_validate_reads_the_file_in_the_child_it_started_first[xlsx]",
    "test_a_file_refused_before_reading_leaves_no_child_running[validate]",
    "test_a_file_refused_before_reading_leaves_no_child_running[ingest]",
    "test_ingest_yes_merges_and_again_changes_nothing",
    "test_ingest_yes_streams_only_a_file_large_enough_to_gain[small: one answer]",
    "test_ingest_yes_streams_only_a_file_large_enough_to_gain[2 MB: streamed]",
}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_data_dir(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0 and "--data-dir" in capsys.readouterr().out


def test_sources_add_has_help_with_data_dir(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sources", "add", "--help"])
    out = capsys.readouterr().out
    assert "--data-dir" in out and "--published" in out


def test_validate_prints_the_preview_and_changes_nothing(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "up.csv", csv_bytes(4))
    before = tree_digest(layout.root)
    assert corridor(layout, "validate", path, "--as", "browser-name.csv") == 0
    out = capsys.readouterr().out
    assert "browser-name.csv" in out and "new: 4" in out
    assert tree_digest(layout.root) == before


def test_validate_lists_problems_and_exits_2(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.csv", with_rows(csv_line(0, value="1.5万")))
    before = tree_digest(layout.root)
    assert corridor(layout, "validate", path) == 2
    err = capsys.readouterr().err
    assert "万" in err and "row: 2" in err and "column: value" in err
    assert tree_digest(layout.root) == before


def test_ingest_without_a_terminal_previews_merges_nothing_and_exits_3(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "up.csv", csv_bytes(3))
    before = tree_digest(layout.root)
    assert corridor(layout, "ingest", path) == 3
    captured = capsys.readouterr()
    assert "new: 3" in captured.out and "--yes" in captured.err
    assert tree_digest(layout.root) == before


def test_ingest_yes_merges_and_again_changes_nothing(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "up.csv", csv_bytes(3))
    assert corridor(layout, "ingest", path, "--yes") == 0
    assert "merged as batch" in capsys.readouterr().out
    before = tree_digest(layout.root)
    assert corridor(layout, "ingest", path, "--yes") == 0
    assert "nothing changed" in capsys.readouterr().out
    assert tree_digest(layout.root) == before


@pytest.mark.parametrize("rows", [3, 20_000], ids=["small: one answer", "2 MB: streamed"])
def test_ingest_yes_streams_only_a_file_large_enough_to_gain(
    layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    import etl.store.commands

    streamed: list[str] = []
    stream = etl.store.commands.ingest_upload

    def noted(*args: object, **kwargs: object) -> object:
        streamed.append("streamed")
        return stream(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(etl.store.commands, "ingest_upload", noted)
    assert corridor(layout, "ingest", write(tmp_path, "up.csv", csv_bytes(rows)), "--yes") == 0
    assert streamed == ([] if rows == 3 else ["streamed"])
    assert len(load_table(layout).observations) == rows


def test_ingest_refuses_a_contradiction_unless_replace(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corridor(layout, "ingest", write(tmp_path, "a.csv", with_rows(csv_line(0))), "--yes")
    changed = write(tmp_path, "b.csv", with_rows(csv_line(0, value="7")))
    before = tree_digest(layout.root)
    assert corridor(layout, "ingest", changed, "--yes") == 2
    assert "--replace" in capsys.readouterr().err
    assert tree_digest(layout.root) == before
    assert corridor(layout, "ingest", changed, "--yes", "--replace") == 0
    assert load_table(layout).observations["value"].tolist() == [7.0]


def test_export_round_trips_as_plain_utf8_csv(layout: Layout, tmp_path: Path) -> None:
    corridor(layout, "ingest", write(tmp_path, "a.csv", csv_bytes(20)), "--yes")
    result = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "export", "--data-dir", str(layout.root)],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert not result.stdout.startswith(b"\xef\xbb\xbf") and b"\r\n" not in result.stdout
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"))))
    assert list(rows[0]) == list(OBSERVATION_COLUMNS) and len(rows) == 20
    exported = write(tmp_path, "export.csv", result.stdout)
    parsed = parse_observations(read_csv_text(Path(exported)), "export.csv")
    assert table_hash(parsed) == table_hash(load_table(layout).observations)
    before = tree_digest(layout.root)
    assert corridor(layout, "ingest", exported, "--yes") == 0, "the export is a valid upload"
    assert tree_digest(layout.root) == before, "and every row of it is already held"


def test_history_and_undo(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corridor(layout, "ingest", write(tmp_path, "a.csv", csv_bytes(2)), "--yes")
    capsys.readouterr()
    assert corridor(layout, "history", "--json") == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["kind"] for e in entries] == ["source", "upload"]
    assert corridor(layout, "undo", entries[1]["id"], "--reason", "test") == 0
    assert load_table(layout).observations.empty
    assert corridor(layout, "history", "--table") == 0
    assert "undone by" in capsys.readouterr().out
    assert corridor(layout, "history") == 0
    newest, undone = capsys.readouterr().out.splitlines()[1:3]
    assert f"撤销批次 {entries[1]['id']}，原因：test" in newest
    assert "上传 2 行（集装箱吞吐量" in undone or "上传 2 行（" in undone
    assert undone.endswith(f"（已撤销） [{entries[1]['id']}]")
    assert corridor(layout, "undo", entries[1]["id"], "--reason", "again") == 2
    assert "already undone" in capsys.readouterr().err
    assert corridor(layout, "undo", "999") == 2
    assert "no such batch" in capsys.readouterr().err


def test_sources_add_and_list(layout: Layout, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--id", "cq-2025", "--title", "重庆口岸年报", "--publisher", "重庆海关"]
    assert corridor(layout, "sources", "add", *args, "--published", "2025-02-01") == 0
    assert corridor(layout, "sources", "add", *args, "--published", "2025-02-01") == 2
    assert "already exists" in capsys.readouterr().err
    bad = ["--id", "x y", "--title", "=cmd", "--publisher", "p", "--published", "2025-01-01"]
    before = tree_digest(layout.root)
    assert corridor(layout, "sources", "add", *bad) == 2
    assert tree_digest(layout.root) == before
    assert corridor(layout, "sources", "list") == 0
    assert "cq-2025" in capsys.readouterr().out


def test_correct_and_retract_from_the_command_line(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corridor(layout, "ingest", write(tmp_path, "a.csv", with_rows(csv_line(0))), "--yes")
    pick = ["--metric", "teu", "--scope", "重庆西部陆海新通道铁海联运班列a0"]
    pick += ["--period-end", "2000-01-28"]
    assert corridor(layout, "correct", *pick, "--new-value", "1500", "--reason", "typo") == 0
    assert load_table(layout).observations["value"].tolist() == [1500.0]
    assert corridor(layout, "retract", *pick, "--reason", "not a corridor figure") == 0
    assert load_table(layout).observations.empty
    assert corridor(layout, "retract", *pick, "--reason", "again") == 2
    assert "no stored figure" in capsys.readouterr().err


def test_the_command_ends_with_its_code_its_output_and_the_database_closed(
    layout: Layout, tmp_path: Path
) -> None:
    # The console script ends the process without the interpreter's teardown; what a normal exit
    # does that anyone could notice still happens: every line out, the exit handlers run, the
    # database closed (SQLite removes its log as its last connection closes).
    ran = tmp_path / "handler-ran"
    code = (
        "import atexit, sys; from corridor import cli; mark = sys.argv.pop(); "
        "atexit.register(lambda: open(mark, 'w').write('ran')); "
        "sys.argv = ['corridor', *sys.argv[1:]]; cli.run()"
    )

    def corridor_process(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", code, *args, "--data-dir", str(layout.root), str(ran)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    close_engines()  # this process's own connections, so that the command's is the last
    merged = corridor_process("ingest", write(tmp_path, "a.csv", csv_bytes(300)), "--yes")
    assert merged.returncode == 0, merged.stderr
    assert "merged as batch" in merged.stdout and ran.read_text() == "ran"
    assert not (layout.root / "corridor.sqlite-wal").exists()
    exported = corridor_process("export")
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 301
    ran.unlink()
    refused = corridor_process("ingest", write(tmp_path, "b.csv", b"not,a\nfile,x\n"), "--yes")
    assert refused.returncode == 2 and "/" in refused.stderr and ran.exists()


def test_set_password_from_stdin_writes_a_0600_hash(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "corridor.cli",
            "set-password",
            "--secrets",
            str(secrets),
            "--password-stdin",
        ],
        input="a long enough password\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    assert "scrypt$" in secrets.read_text(encoding="utf-8")
    assert "a long enough password" not in secrets.read_text(encoding="utf-8")


def test_template_prints_the_upload_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template"]) == 0
    assert ",".join(OBSERVATION_COLUMNS) in capsys.readouterr().out


def test_add_article_stores_the_article_and_its_rows(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "title: 测试\npublished: 2025-04-10\n---\n"
        "今年一季度，西部陆海新通道铁海联运班列累计发送集装箱15.2万标箱，同比增长12.5%。\n"
    )
    path = write(tmp_path, "art.txt", text.encode("utf-8"))
    assert corridor(layout, "add-article", path) == 3
    assert corridor(layout, "add-article", path, "--yes", "--source-id", "art-x") == 0
    table = load_table(layout)
    assert "art-x" in set(table.sources["source_id"])
    assert 152000.0 in table.observations["value"].tolist()
    [record] = [r for _, r in batch_records(layout) if r["kind"] == "article"]
    assert str(record["stored_as"]).endswith(".txt")
    assert received_file(layout, record), "the article is kept as received"


def test_users_add_list_set_password_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from etl.contract.paths import layout
    from etl.store import auth
    from etl.store.db.engine import DATABASE_FILE

    fresh = tmp_path / "fresh"  # a data directory without accounts: the first add needs no admin
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(fresh))
    monkeypatch.setenv("CORRIDOR_SECRETS_FILE", str(tmp_path / "secrets.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("wang fang password 1\n"))
    assert main(["users", "add", "王芳", "--role", "analyst", "--password-stdin"]) == 0
    as_admin = ["--user", "王芳", "--password-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("wang fang password 1\nboss password 333\n"))
    assert main(["users", "add", "boss", "--role", "manager", *as_admin]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("wang fang password 1\nanother password 4\n"))
    assert main(["users", "add", "boss", "--role", "analyst", *as_admin]) == 2
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "王芳\tanalyst" in listing and "boss\tmanager" in listing
    database = fresh / DATABASE_FILE
    assert stat.S_IMODE(database.stat().st_mode) == 0o600, "the accounts' database is private"
    assert b"wang fang password" not in database.read_bytes(), "only hashes are stored"
    where = layout()
    users = auth.read_users(where)
    assert auth.login_named("王芳", "wang fang password 1", users, delay=0)[1] == "ok"
    monkeypatch.setattr("sys.stdin", io.StringIO("wang fang password 1\na new password 55\n"))
    assert main(["users", "set-password", "王芳", *as_admin]) == 0
    users = auth.read_users(where)
    assert auth.login_named("王芳", "wang fang password 1", users, delay=0)[1] == "failed"
    assert auth.login_named("王芳", "a new password 55", users, delay=0)[0] == auth.Actor(
        "王芳", "analyst"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("a new password 55\n"))
    assert main(["users", "remove", "boss", *as_admin]) == 0
    assert "boss" not in auth.read_users(where)


def test_the_shared_password_is_the_named_account_analyst(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.store import auth, passwords

    secrets = tmp_path / "secrets.toml"
    monkeypatch.setenv("CORRIDOR_SECRETS_FILE", str(secrets))
    passwords.write_password_hash(passwords.hash_password("shared password 2025"), secrets)
    users = auth.read_users(Layout(tmp_path / "fresh"))
    assert list(users) == ["analyst"]
    actor, outcome = auth.login_named("analyst", "shared password 2025", users, delay=0)
    assert outcome == "ok" and actor == auth.Actor("analyst", "analyst")


def add_people(cli_account: Layout) -> None:
    """Add 王芳 and li.lei (analysts) and Alice (analyst) as the admin 'tester'."""
    from etl.store import accounts, actors, auth

    admin = auth.Actor(CLI_ACCOUNT, actors.ANALYST)
    for name, password in PEOPLE.items():
        accounts.add_user(cli_account, name, actors.ANALYST, password, by=admin)


PEOPLE = {"王芳": "wang fang password 1", "li.lei": "li lei password 22", "alice": "alice pw 333"}


def as_person(
    monkeypatch: pytest.MonkeyPatch, layout: Layout, name: str, *args: str, password: str = ""
) -> int:
    """Run a command as NAME, proving it with the password on stdin (the right one by default)."""
    monkeypatch.setattr("sys.stdin", io.StringIO((password or PEOPLE.get(name, "x")) + "\n"))
    return corridor(layout, *args, "--user", name, "--password-stdin")


def test_two_named_analysts_show_in_history_and_approve_each_other(
    layout: Layout,
    tmp_path: Path,
    cli_account: Layout,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_people(cli_account)
    first = write(tmp_path, "王芳的数据.csv", csv_bytes(3))
    assert as_person(monkeypatch, layout, "王芳", "ingest", first, "--yes") == 0
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    second = write(tmp_path, "second.csv", csv_bytes(2, tag="b"))
    assert as_person(monkeypatch, layout, "li.lei", "ingest", second, "--yes") == 0
    out = capsys.readouterr().out
    assert "pending" in out and len(load_table(layout).observations) == 3
    pending = pending_ids(layout)[0]
    assert as_person(monkeypatch, layout, "li.lei", "approve", pending) == 2
    assert "another analyst" in capsys.readouterr().err
    assert as_person(monkeypatch, layout, "王芳", "approve", pending) == 0
    assert len(load_table(layout).observations) == 5
    capsys.readouterr()
    assert corridor(layout, "history") == 0
    sentences = capsys.readouterr().out.splitlines()
    assert sentences[0] == "时间为 Asia/Shanghai 时区，最新在前"
    assert " li.lei 上传 2 行（" in sentences[1] and sentences[1].count("，王芳 批准") == 1
    assert " 王芳 上传 3 行（" in sentences[2] and "文件 王芳的数据.csv" in sentences[2]
    assert corridor(layout, "history", "--table") == 0
    shown = capsys.readouterr().out
    assert "提交人" in shown and "时间 (Asia/Shanghai)" in shown
    assert "王芳的数据.csv" in shown and "li.lei" in shown and "王芳" in shown and "已批准" in shown
    assert corridor(layout, "history", "--lang", "en", "--table") == 0
    assert "Approved by" in capsys.readouterr().out
    assert corridor(layout, "history", "--lang", "en") == 0
    assert "li.lei uploaded 2 rows (" in capsys.readouterr().out
    third = write(tmp_path, "third.csv", csv_bytes(2, tag="c"))
    assert as_person(monkeypatch, layout, "王芳", "ingest", third, "--yes") == 0
    later = next(p for p in pending_ids(layout) if p != pending)
    assert as_person(monkeypatch, layout, "li.lei", "reject", later, "--reason", "重复") == 0
    assert len(load_table(layout).observations) == 5


def test_an_approver_is_an_account_proven_never_a_typed_name(
    layout: Layout,
    tmp_path: Path,
    cli_account: Layout,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The issue: alice's item was approved with --user Alice, --user ghost, another analyst's
    # name without their password, or no flag (the OS user); each recorded a false approver.
    from etl.store import accounts, auth

    add_people(cli_account)
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    upload = write(tmp_path, "a.csv", csv_bytes(2))
    assert as_person(monkeypatch, layout, "alice", "ingest", upload, "--yes") == 0
    pending = pending_ids(layout)[0]
    capsys.readouterr()
    # A case or width variant of the submitter is the submitter.
    for variant in ("Alice", "ＡＬＩＣＥ"):
        code = as_person(monkeypatch, layout, variant, "approve", pending, password="alice pw 333")
        assert code == 2 and "another analyst" in capsys.readouterr().err
    # An unknown name, or another analyst without their password, proves nothing.
    assert as_person(monkeypatch, layout, "ghost", "approve", pending) == 2
    assert "no such account" in capsys.readouterr().err
    assert as_person(monkeypatch, layout, "li.lei", "approve", pending, password="guess 12345") == 2
    assert "wrong password" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert corridor(layout, "approve", pending, "--user", "li.lei") == 2
    assert "prove" in capsys.readouterr().err.lower()
    # No flag: the OS user counts only while an admin maps it to an account.
    accounts.map_os_user(cli_account, auth.os_user(), None, by=auth.Actor(CLI_ACCOUNT, "analyst"))
    assert corridor(layout, "approve", pending) == 2
    assert "not mapped" in capsys.readouterr().err
    assert list_decisions(layout) == []
    assert as_person(monkeypatch, layout, "li.lei", "approve", pending) == 0
    [item] = [p for p in list_pending(layout, include_resolved=True) if p.id == pending]
    assert item.status == "approved" and item.decision["who"] == "li.lei"


def list_decisions(layout: Layout) -> list[str]:
    return sorted(p.id for p in list_pending(layout, include_resolved=True) if p.decision)


def pending_ids(layout: Layout) -> list[str]:
    return sorted(p.id for p in list_pending(layout, include_resolved=True))


def test_names_are_unique_regardless_of_case_and_width(
    cli_account: Layout, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("alice password 1\n"))
    assert main(["users", "add", "alice", "--role", "analyst", "--password-stdin"]) == 0
    for variant in ("Alice", "ALICE", "ａｌｉｃｅ"):
        monkeypatch.setattr("sys.stdin", io.StringIO("alice password 2\n"))
        assert main(["users", "add", variant, "--role", "analyst", "--password-stdin"]) == 2
        assert "already exists" in capsys.readouterr().err


def test_managing_accounts_needs_an_admin(
    cli_account: Layout, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_people(cli_account)
    # li.lei proves who they are but is no admin: no account changes.
    monkeypatch.setattr("sys.stdin", io.StringIO("li lei password 22\nnew person pw 1\n"))
    args = ["users", "add", "mallory", "--role", "analyst", "--user", "li.lei", "--password-stdin"]
    assert main(args) == 2
    assert "admin" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("li lei password 22\n"))
    assert main(["users", "remove", "王芳", "--user", "li.lei", "--password-stdin"]) == 2
    from etl.store import auth

    assert auth.find_user(auth.read_users(cli_account), "mallory") is None
    assert auth.find_user(auth.read_users(cli_account), "王芳") is not None
    # Their own password they may change, with their own password.
    monkeypatch.setattr("sys.stdin", io.StringIO("li lei password 22\nli lei new pw 2025\n"))
    assert main(["users", "set-password", "li.lei", "--user", "li.lei", "--password-stdin"]) == 0


def test_a_personal_token_proves_its_account(
    layout: Layout,
    tmp_path: Path,
    cli_account: Layout,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from etl.store import accounts, auth

    add_people(cli_account)
    monkeypatch.setattr("sys.stdin", io.StringIO("li lei password 22\n"))
    assert main(["users", "token", "li.lei", "--user", "li.lei", "--password-stdin"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith(auth.TOKEN_PREFIX)
    stored = accounts.stored_accounts(cli_account).accounts["li.lei"].tokens
    assert token not in stored and len(stored) == 1, "only its hash is stored"
    monkeypatch.setenv(auth.TOKEN_ENV, token)
    upload = write(tmp_path, "t.csv", csv_bytes(2))
    assert corridor(layout, "ingest", upload, "--yes") == 0
    batch = batch_records(layout)[-1][1]
    assert batch["who"] == "li.lei"
    # A token names its own account only, and a made-up one proves nothing.
    upload = write(tmp_path, "u.csv", csv_bytes(2, tag="z"))
    assert corridor(layout, "ingest", upload, "--yes", "--user", "王芳") == 2
    monkeypatch.setenv(auth.TOKEN_ENV, auth.TOKEN_PREFIX + "x" * 43)
    assert corridor(layout, "ingest", upload, "--yes") == 2
    assert "invalid token" in capsys.readouterr().err


def test_the_chinese_template_has_chinese_headers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--lang", "zh"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.lstrip("\ufeff").startswith("指标,数值,限定,单位,起始日期,截止日期")


def spawned_children(
    monkeypatch: pytest.MonkeyPatch,
) -> list[tuple[list[str], subprocess.Popen[bytes]]]:
    """Record every child the sandbox starts: its command line and its process."""
    from etl.uploads import sandbox

    started: list[tuple[list[str], subprocess.Popen[bytes]]] = []
    spawn = sandbox._spawn

    def recording(command: list[str]) -> subprocess.Popen[bytes]:
        process = spawn(command)
        started.append((command, process))
        return process

    monkeypatch.setattr(sandbox, "_spawn", recording)
    return started


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_validate_reads_the_file_in_the_child_it_started_first(
    kind: str, layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.uploads.sandbox import UPLOAD_MODULES, XLSX_MODULES

    rows = [r.split(",") for r in csv_bytes(2).decode().splitlines()]
    data = csv_bytes(2) if kind == "csv" else xlsx_bytes(rows)
    started = spawned_children(monkeypatch)
    assert corridor(layout, "validate", write(tmp_path, f"up.{kind}", data)) == 0
    (command, _process) = started[0]
    preload = UPLOAD_MODULES + (XLSX_MODULES if kind == "xlsx" else ())
    assert len(started) == 1 and command[-len(preload) :] == list(preload)


@pytest.mark.parametrize("command", ["validate", "ingest"])
def test_a_file_refused_before_reading_leaves_no_child_running(
    command: str,
    layout: Layout,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = spawned_children(monkeypatch)
    extra = ["--yes"] if command == "ingest" else []
    assert corridor(layout, command, str(tmp_path / "missing.csv"), *extra) == 2
    assert "file not found" in capsys.readouterr().err
    assert len(started) == 1
    assert all(process.poll() is not None for _command, process in started)


# `corridor ingest` of new rows into a current database: the upload is read and checked in its
# limited child, so the command itself needs neither Alembic (the schema is current) nor pandera.
INGEST_IN_A_PROCESS = """
import sys
from corridor.cli import main
code = main(["ingest", sys.argv[1], "--yes", "--data-dir", sys.argv[2]])
print("imported:", sorted(m for m in ("alembic", "pandera", "pandas") if m in sys.modules))
sys.exit(code)
"""


def _ingest_in_a_process(
    script: str, layout: Layout, tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Return the finished run of script (a `corridor ingest` of 3 rows into layout) in a new
    interpreter, which must have succeeded."""
    path = write(tmp_path, "up.csv", csv_bytes(3))
    done = subprocess.run(
        [sys.executable, "-c", script, path, str(layout.root)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_ingest_into_a_current_database_imports_neither_alembic_nor_pandera(
    layout: Layout, tmp_path: Path
) -> None:
    done = _ingest_in_a_process(INGEST_IN_A_PROCESS, layout, tmp_path)
    assert "merged as batch" in done.stdout
    assert "imported: ['pandas']" in done.stdout, done.stdout
    assert len(load_table(layout).observations) == 3


# The BLAS thread setting in force when numpy is first imported by `corridor ingest`.
INGEST_WATCHING_NUMPY = """
import os
import sys

seen = []


class Watch:
    def find_spec(self, name, path, target=None):
        if name == "numpy" and not seen:
            seen.append(os.environ.get("OPENBLAS_NUM_THREADS"))


sys.meta_path.insert(0, Watch())
from corridor.cli import main
code = main(["ingest", sys.argv[1], "--yes", "--data-dir", sys.argv[2]])
print("blas threads at numpy's import:", seen)
sys.exit(code)
"""


@pytest.mark.parametrize(("given", "used"), [(None, "1"), ("3", "3")])
def test_ingest_imports_numpy_with_one_blas_thread_unless_told_otherwise(
    layout: Layout, tmp_path: Path, given: str | None, used: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = _ingest_in_a_process(INGEST_WATCHING_NUMPY, layout, tmp_path, env)
    assert f"blas threads at numpy's import: ['{used}']" in done.stdout, done.stdout
