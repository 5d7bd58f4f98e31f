import pytest
from django.core.management import CommandError, call_command

PEER = {"name": "site-b", "url": "http://127.0.0.1:9", "secret": "s" * 40, "field_map": {}}


def test_sync_retry_failed_names_the_unknown_peer_and_the_configured_ones(db, settings):
    settings.SYNC_PEERS = [PEER, {**PEER, "name": "site-c"}]
    with pytest.raises(
        CommandError, match=r"Unknown peer 'nosuch'\. Configured peers: site-b, site-c\."
    ):
        call_command("sync_retry_failed", "--peer", "nosuch")


def test_sync_retry_failed_with_no_peers_configured_says_so(db, settings):
    settings.SYNC_PEERS = []
    with pytest.raises(CommandError, match=r"Configured peers: none \(SYNC_PEERS is empty\)"):
        call_command("sync_retry_failed", "--peer", "nosuch")


def test_sync_retry_failed_for_a_configured_peer(db, settings, capsys):
    settings.SYNC_PEERS = [PEER]
    call_command("sync_retry_failed", "--peer", "site-b")
    assert "0 deliveries retried" in capsys.readouterr().out


def test_sync_retry_failed_unknown_peer_exits_1_from_the_command_line(db, settings, capsys):
    settings.SYNC_PEERS = [PEER]
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "sync_retry_failed", "--peer", "nosuch"]).execute()
    assert exit_info.value.code == 1
    assert "Unknown peer 'nosuch'" in capsys.readouterr().err
