"""The company-scale harness's own logic (bench/suite.py, bench/nginx.py, bench/memory.py, bench/profile.py):
the figures it derives, its verdicts, the tables and documents it writes and the nginx it configures. The
benchmark itself is `make bench`, never run by the tests."""

import os
import subprocess

import pytest

from bench import measure, memory, nginx, profile, suite


def run(target, round_number, requests, seconds, clicks=None, exact=False, generator="wrk"):
    return {"target": target, "round": round_number, "generator": generator, "requests": requests,
            "seconds": seconds, "redirects": requests, "non_3xx": 0, "errors": 0, "p50_ms": 5.0, "p99_ms": 50.0,
            "error_detail": {}, "clicks_added": clicks, "human_clicks_added": clicks, "exact": exact,
            "rps": requests / seconds}


def page(p95, queries=25):
    return {"path": "/", "p50": p95 * 0.9, "p95": p95, "p99": p95 * 1.1, "requests": 20, "queries": queries,
            "query_ms": 3.0}


def result(tracked_rps=1500, bare_rps=3000, report_p95=150.0, rollup_seconds=3.0, clicks_ok=True, scale="full"):
    runs = [run("nginx", 1, 600_000, 10), run("bare", 1, bare_rps * 10, 10),
            run("tracked", 1, tracked_rps * 10, 10, clicks=tracked_rps * 10),
            run("tracked", 0, 9_000, 10, clicks=9_000, exact=True, generator="python")]
    return {
        "scale": scale, "database_url": "postgres://postgres@127.0.0.1:5432/advocacy_metrics_bench",
        "vacuum": {"seconds": 3.2, "dead_rows": 2_701_451, "autovacuum": "off"},
        "redis_url": "redis://127.0.0.1:6379/7",
        "context": {"machine": {"cpu": "CPU × 2", "memory": "8 GiB RAM", "os": "Linux", "software": "Python 3"},
                    "postgres_settings": "work_mem 4MB", "database_size": "6 GB",
                    "counts": {"employees": 10_000, "teams": 50, "posts": 5_000, "shares": 1_000_000,
                               "clicks": 10_000_000, "points entries": 7_900_000},
                    "generated_on": "2026-12-01", "first_day": "2025-12-01", "last_day": "2026-12-01",
                    "month": "2026-06", "day": "2026-06-08"},
        "web": {"link": "bm1", "generator": "wrk", "wrk": "4.1", "nginx": "1.22.1", "workers": 4, "threads": 16,
                "connections": 32, "duration": 10, "rounds": 1, "runs": runs, "clicks_ok": clicks_ok,
                "clicks_line": "PASS: every click recorded" if clicks_ok else "FAIL: every click recorded",
                "exact_redirects": 9_000, "exact_clicks": 9_000 if clicks_ok else 8_990, "server_click_errors": 0,
                "clicks_removed": 30_000, "web_requests": 5,
                "pages_http": {"dashboard": {"p50": 60.0, "p95": 70.0, "p99": 70.0, "requests": 5}},
                "memory": {"boot_kib": {"1": 80_000, "2": 82_000}, "after_kib": {"1": 120_000, "2": 133_120},
                           "master_kib": 26_000}},
        "pages": {"viewer": {"id": 2, "shares": 816}, "rebuild": {"seconds": 22.0, "boards": 108, "rows": 394_596},
                  "pages": {"dashboard": page(53.0), "report_computed": page(report_p95, 30),
                            "report_served": page(11.0, 5), "leaderboard_redis": page(10.0, 10),
                            "leaderboard_database": page(2300.0, 11)}},
        "rollup": {"seconds": rollup_seconds, "all": [rollup_seconds] * 3, "rerun_seconds": 1.8,
                   "rerun_all": [1.8] * 3, "compute_day": 0.4, "award": 0.7, "queries": 39, "raw_seconds": 0.1,
                   "raw_all": [0.1] * 3, "rolled": {"rows": 9_068, "clicks": 30_804},
                   "raw": {"rows": 9_068, "clicks": 30_804}, "agrees": True},
        "worker": {"boot_kib": 100_000, "peak_kib": 130_048,
                   "task": {"rows": 9_068, "fill_seconds": 2.0, "prepare_seconds": 0.4}},
    }


def baseline():
    tiny = result(tracked_rps=1600, bare_rps=3100, report_p95=30.0, scale="tiny")
    tiny["context"]["counts"] = {"employees": 10, "teams": 2, "posts": 50, "shares": 1_000, "clicks": 10_000,
                                 "points entries": 8_000}
    tiny["pages"]["pages"] = {key: page(value) for key, value in (
        ("dashboard", 40.0), ("report_computed", 30.0), ("report_served", 7.0), ("leaderboard_redis", 7.0),
        ("leaderboard_database", 13.0))}
    tiny["web"]["memory"]["after_kib"] = {"1": 100_000, "2": 102_400}
    tiny["worker"]["peak_kib"] = 102_400
    del tiny["rollup"]
    return tiny


def row(rows, starting):
    return next(row for row in rows if row[0].startswith(starting))


def test_ratio_is_figure_over_baseline_and_absent_without_a_baseline():
    assert suite.ratio(150, 300) == 0.5
    assert suite.ratio(150, 0) is None
    assert suite.ratio(None, 300) is None
    assert suite.format_ratio(None) == "–"
    assert suite.format_ratio(0.414) == "×0.41"
    assert suite.format_ratio(21.3) == "×21.3"
    assert suite.format_ratio(175.4) == "×175"


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 41)]
    assert measure.summarize_timings(reversed(values)) == {"p50": 20.0, "p95": 38.0, "p99": 40.0, "requests": 40}
    assert measure.nearest_rank([5.0], 0.95) == 5.0
    assert measure.nearest_rank([], 0.5) is None


def test_verdicts_say_yes_no_or_nothing_for_a_measurement_without_target():
    assert suite.verdict(suite.at_least(0.5, 0.5)) == "yes"
    assert suite.verdict(suite.at_least(0.49, 0.5)) == "**no**"
    assert suite.verdict(suite.under(10.0, 10.0)) == "**no**"
    assert suite.verdict(suite.under(None, 10.0)) == ""


def test_throughput_sums_the_timed_rounds_and_leaves_out_the_exact_check():
    runs = [run("bare", 1, 30_000, 10), run("bare", 2, 10_000, 10), run("tracked", 1, 15_000, 10),
            run("tracked", 0, 1, 0.001, exact=True)]
    assert suite.throughput(runs) == {"bare": 2_000, "tracked": 1_500}
    assert suite.round_ratios(runs) == [0.5]


def test_summary_marks_the_redirect_target_missed_below_half_the_bare_view():
    rows = suite.summary_rows(result(tracked_rps=1230, bare_rps=3000), baseline())
    redirect = row(rows, "`/s/<code>` requests/s")
    assert redirect[1:3] == ["1,230", "3,000"]
    assert redirect[4] == "×0.41" and redirect[-1] == "**no**"
    assert row(suite.summary_rows(result(tracked_rps=1800), baseline()), "`/s/<code>`")[-1] == "yes"
    assert row(rows, "… beside nginx")[4] == "×0.02"


def test_summary_fails_the_click_check_when_a_click_was_lost():
    rows = suite.summary_rows(result(clicks_ok=False), baseline())
    assert row(rows, "clicks recorded")[-1] == "**no**"


def test_summary_holds_the_report_to_300_ms_and_the_rollup_to_10_s():
    rows = suite.summary_rows(result(report_p95=350.0, rollup_seconds=12.5), baseline())
    computed = row(rows, "report `/reports/<YYYY-MM>/` computed")
    assert computed[1] == "350 ms (30 queries)" and computed[4] == "×11.7" and computed[-1] == "**no**"
    assert row(rows, "report as served")[-1] == "yes"
    rollup = row(rows, "one day's rollup")
    assert rollup[1:3] == ["12.50 s", "0.100 s"] and rollup[-1] == "**no**"
    assert row(rows, "dashboard")[-1] == ""  # no target: no verdict


def test_summary_compares_peak_memory_with_the_tiny_company():
    rows = suite.summary_rows(result(), baseline())
    assert row(rows, "peak memory of a gunicorn worker")[1:3] == ["130 MiB", "100 MiB"]
    assert row(rows, "peak memory of a gunicorn worker")[4] == "×1.30"
    assert row(rows, "peak memory of a Celery worker")[4] == "×1.27"


def test_markdown_table_aligns_numbers_right():
    table = suite.markdown_table(["what", "n"], [["a", 1], ["b", 22]])
    assert table.splitlines() == ["| what | n |", "|---|---:|", "| a | 1 |", "| b | 22 |"]


def test_the_two_slowest_paths_are_profiled_by_default():
    company = result()
    assert suite.slowest_paths(company) == ["rollup", "leaderboard_database"]
    assert suite.profile_selection("auto,report_computed", company) == ["rollup", "leaderboard_database",
                                                                        "report_computed"]
    assert suite.profile_selection("none", company) == []
    with pytest.raises(ValueError):
        suite.profile_selection("redirect", company)


def test_the_section_goes_first_and_replaces_itself_on_the_next_run():
    document = "# Benchmarks\n\nIntro.\n\n## Tracked-link redirect\n\nOld figures.\n"
    first = suite.place_section(document, suite.SECTION_TITLE, suite.SECTION_TITLE + "\n\nRun 1.\n")
    assert first.index(suite.SECTION_TITLE) < first.index("## Tracked-link redirect")
    assert first.startswith("# Benchmarks\n\nIntro.\n\n")
    second = suite.place_section(first, suite.SECTION_TITLE, suite.SECTION_TITLE + "\n\nRun 2.\n")
    assert "Run 1." not in second and "Run 2." in second and second.count(suite.SECTION_TITLE) == 1
    assert second.endswith("## Tracked-link redirect\n\nOld figures.\n")


def test_the_readme_paragraph_is_replaced_only_between_its_markers():
    readme = f"## Performance\n\n{suite.README_START}\nold\n{suite.README_END}\n\nOther paragraph.\n"
    updated = suite.replace_between(readme, suite.README_START, suite.README_END, "new")
    assert updated == f"## Performance\n\n{suite.README_START}\nnew\n{suite.README_END}\n\nOther paragraph.\n"
    assert suite.replace_between("## Performance\n", suite.README_START, suite.README_END, "new") is None


def test_the_written_section_and_paragraph_quote_the_figures():
    profiles = {"rollup": {"what": "one day's rollup", "runs": 2, "seconds": 6.8, "statements": 38,
                           "file": str(suite.PROFILES_DIR / "rollup.txt"),
                           "top": [[2.05, "CursorWrapper._execute  django/db/backends/utils.py:94"]],
                           "sql": [[666.0, "COMMIT"]]}}
    text = suite.section(result(tracked_rps=1230), baseline(), profiles, "python -m bench.suite --write", 0.8, 2.1,
                         "2026-12-01")
    assert "- [`rollup`](profiles/rollup.txt): one day's rollup, 2 run(s), 6.80 s profiled." in text
    assert "`CursorWrapper._execute` (django/db/backends/utils.py:94) 2.05 s" in text and "666 ms `COMMIT…`" in text
    assert text.startswith(suite.SECTION_TITLE + "\n")
    assert "`python -m bench.suite --write`" in text and "load average 0.80 before the run" in text
    assert "| `/s/<code>` requests/s under gunicorn | 1,230 | 3,000 |" in text
    assert "autovacuum is off on this PostgreSQL server" in text and "2,701,451 dead rows" in text
    assert all(row in text for row in ("| dashboard `/` |", "| check | tracked `/s/<code>` (python) |"))
    paragraph = suite.readme_paragraph(result(tracked_rps=1230), baseline(), "2026-12-01", 0.8)
    assert "×0.41 the bare Django 302 (target ≥ 0.5: **not met**" in paragraph
    assert "one day's rollup 3.0 s (target < 10 s: met)" in paragraph


def test_nginx_configuration_answers_302_on_loopback_and_writes_only_in_its_directory(tmp_path):
    text = nginx.config(18080, "https://www.example.com/news/1?utm_source=x&utm_medium=advocacy", tmp_path,
                        {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
    assert "daemon off;" in text and "listen 127.0.0.1:18080;" in text
    assert 'return 302 "https://www.example.com/news/1?utm_source=x&utm_medium=advocacy";' in text
    assert 'add_header X-Robots-Tag "noindex" always;' in text
    written = [line.split('"')[1] for line in text.splitlines()
               if line.strip().startswith(("pid ", "error_log ")) or "_temp_path " in line]
    assert len(written) == 7 and all(path.startswith(str(tmp_path)) for path in written)
    assert "/etc/nginx" not in text and "listen 80" not in text


@pytest.mark.parametrize("destination", ["https://x.example/$uri", 'https://x.example/"', "https://x.example/;"])
def test_nginx_configuration_refuses_a_destination_it_cannot_quote(tmp_path, destination):
    with pytest.raises(ValueError):
        nginx.config(18080, destination, tmp_path)


def test_nginx_configuration_refuses_a_bad_port_or_header(tmp_path):
    with pytest.raises(ValueError):
        nginx.config(0, "https://x.example/", tmp_path)
    with pytest.raises(ValueError):
        nginx.config(18080, "https://x.example/", tmp_path, {"Bad Header": "1"})


@pytest.mark.skipif(nginx.find_nginx() is None, reason="nginx is not installed")
def test_nginx_accepts_the_generated_configuration(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.config(18080, "https://www.example.com/news/1?a=b", tmp_path, {"Expires": "0"}))
    checked = subprocess.run([nginx.find_nginx(), "-p", str(tmp_path), "-c", str(conf), "-e",
                              str(tmp_path / "error.log"), "-t", "-q"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_peak_memory_is_read_from_the_status_file():
    status = "Name:\tgunicorn\nVmPeak:\t  300000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n"
    assert memory.parse_status(status) == 123456
    assert memory.parse_status(status, "VmRSS") == 100000
    assert memory.parse_status("Name:\tkthreadd\n") is None
    assert memory.status_kib(os.getpid()) > 0


def test_top_frames_are_read_from_pyinstrument_flat_view():
    flat = ("0.016 CursorWrapper._execute  django/db/backends/utils.py:94\n"
            "0.003 [self]  metrics/services.py\n\nnot a frame\n0.002 Query.clone  django/db/models/sql/query.py:378\n")
    frames = profile.top_frames(flat, 2)
    assert frames == [(0.016, "CursorWrapper._execute  django/db/backends/utils.py:94"),
                      (0.003, "[self]  metrics/services.py")]
    assert suite.frame_name(frames[0][1]) == "`CursorWrapper._execute` (django/db/backends/utils.py:94)"


def test_a_failing_child_stops_the_harness():
    with pytest.raises(SystemExit, match="bench.profile failed with exit status 2"):
        suite.run_child("bench.profile", ["--no-such-option"])


@pytest.mark.parametrize("option", ["--rounds", "--duration", "--requests"])
def test_counts_below_one_are_refused(option, capsys):
    with pytest.raises(SystemExit):
        suite.parse_arguments([option, "0"])
    assert "must be at least 1" in capsys.readouterr().err
