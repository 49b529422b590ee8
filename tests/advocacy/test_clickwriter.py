"""The click writer's hand-over rule: a click is written by the writer thread or by its request, never both."""

import threading

import pytest

from advocacy import clickwriter


@pytest.fixture
def idle_writer(monkeypatch):
    """A writer whose thread never runs, with short waits."""
    writer = clickwriter._GroupCommitWriter()
    monkeypatch.setattr(writer, "_ensure_running", lambda: None)
    monkeypatch.setattr(clickwriter, "WAIT_SECONDS", 0.05)
    monkeypatch.setattr(clickwriter, "TAKEN_WAIT_SECONDS", 0.05)
    return writer


def test_a_click_the_writer_never_took_is_abandoned_to_its_request(idle_writer):
    with pytest.raises(TimeoutError):
        idle_writer.write({"link_id": 1})
    pending = idle_writer._queue.get_nowait()
    assert pending.state == clickwriter.ABANDONED
    assert not pending.take()  # the writer, arriving late, skips it


def test_a_click_the_writer_took_is_never_written_by_its_request_too(idle_writer, monkeypatch, settings):
    taken = []

    def writer_takes_it():
        pending = idle_writer._queue.get()
        taken.append(pending.take())

    thread = threading.Thread(target=writer_takes_it)
    thread.start()
    with pytest.raises(clickwriter._Unconfirmed):
        idle_writer.write({"link_id": 1})
    thread.join()
    assert taken == [True]

    # write_click lets _Unconfirmed through instead of writing the click a second time.
    monkeypatch.setattr(clickwriter, "_writer", idle_writer)
    monkeypatch.setattr(clickwriter.connection, "vendor", "postgresql")
    monkeypatch.setattr(clickwriter, "_write_alone", lambda values: pytest.fail("written twice"))
    settings.CLICK_GROUP_COMMIT = True
    threading.Thread(target=writer_takes_it).start()
    with pytest.raises(clickwriter._Unconfirmed):
        clickwriter.write_click({"link_id": 1})
