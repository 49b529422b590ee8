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


def test_a_lone_click_is_written_at_once(idle_writer, monkeypatch):
    monkeypatch.setattr(idle_writer, "_gather", lambda behind: pytest.fail("a lone click waited"))
    pending = clickwriter._Pending({"link_id": 1})
    idle_writer._queue.put(pending)
    assert idle_writer._next_group() == [pending]
    assert pending.state == clickwriter.TAKEN


def test_while_clicks_arrive_together_the_writer_gathers_until_a_group_is_full(idle_writer, monkeypatch):
    import time

    monkeypatch.setattr(clickwriter, "GATHER_SECONDS", 30)
    monkeypatch.setattr(clickwriter, "MAX_GROUP", 2)
    idle_writer._last_group_size = 2  # the previous commit, a moment ago, served two clicks
    idle_writer._last_commit_end = time.monotonic()
    first = clickwriter._Pending({"link_id": 1})
    idle_writer._queue.put(first)
    arrived = []

    def another_click_arrives():
        time.sleep(0.05)
        try:
            idle_writer.write({"link_id": 2})
        except clickwriter._Unconfirmed:  # taken into the group, never committed by this idle writer
            arrived.append(True)

    thread = threading.Thread(target=another_click_arrives)
    thread.start()
    started = time.monotonic()
    group = idle_writer._next_group()
    waited = time.monotonic() - started
    thread.join()
    # the second click filled the group and ended the wait: the writer did not sit out its 30 s
    assert [pending.values["link_id"] for pending in group] == [1, 2] and waited < 10
    assert arrived == [True]


def test_the_writer_gathers_for_a_moment_at_most(idle_writer, monkeypatch):
    import time

    monkeypatch.setattr(clickwriter, "GATHER_SECONDS", 0.05)
    idle_writer._last_group_size = 5
    idle_writer._last_commit_end = time.monotonic()
    first, second = clickwriter._Pending({"link_id": 1}), clickwriter._Pending({"link_id": 2})
    idle_writer._queue.put(first)
    idle_writer._queue.put(second)  # fewer than a full group: the writer waits out its moment, then takes both
    started = time.monotonic()
    assert idle_writer._next_group() == [first, second]
    assert 0.04 <= time.monotonic() - started < 5


def test_a_click_after_a_quiet_moment_is_written_at_once_whatever_came_before(idle_writer, monkeypatch):
    import time

    monkeypatch.setattr(clickwriter, "GATHER_SECONDS", 0.05)
    monkeypatch.setattr(idle_writer, "_gather", lambda behind: pytest.fail("a lone click waited"))
    idle_writer._last_group_size = 5  # a burst, answered a second ago
    idle_writer._last_commit_end = time.monotonic() - 1
    pending = clickwriter._Pending({"link_id": 1})
    idle_writer._queue.put(pending)
    assert idle_writer._next_group() == [pending]
