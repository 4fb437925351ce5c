"""The plain-text report of ``files_bench.py`` (from ``files_report.build_report``)."""

from __future__ import annotations

from typing import Any

from sync_meter import MB, fmt_lines, fmt_mb, fmt_n, fmt_s, fmt_x, render_targets

END_STATE = (
    ("files missing", "files_missing"),
    ("  of which the refused file", "missing_failing"),
    ("  lost by the flow itself", "files_missing_by_flow"),
    ("records ticked with a file missing", "ticked_too_early"),
    ("files duplicated in a folder", "files_duplicated"),
    ("files uploaded twice", "uploaded_twice"),
    ("files that are no attachment's", "foreign_files"),
    ("records complete, not ticked", "complete_not_ticked"),
    ("A URL / folder id wrong", "a_fields_wrong"),
)


def _mbytes(value: float) -> str:
    return f"{value / MB:,.1f} MB"


def render(r: dict[str, Any]) -> str:
    out = [*_header(r), *_side_by_side(r), *_end_state(r), *_bound(r)]
    if r["fieldsync"] is not None:
        out += _ours(r)
    out += render_targets(r["targets"]) if r["targets"] else ["Targets: fieldsync did not run"]
    return "\n".join(out) + "\n"


def _header(r: dict[str, Any]) -> list[str]:
    a, d = r["args"], r["data"]
    f = d["facts"]
    same = "identical" if d["identical"] else "DIFFERENT — comparison void"
    s = r["serial"]
    sampled = (
        f"all {s['sampled']:,} records"
        if s["sampled"] >= s["pending_listed"]
        else f"{s['sampled']:,} of {s['pending_listed']:,} records (every k-th by id, plus the "
        f"big file's and the refused file's records), extrapolated ×{s['factor']:.2f}"
    )
    return [
        "fieldsync files benchmark (in-process simulator, sim.transport(); no sockets)",
        f"  data: {f['records']:,} pending Org A records, {f['files']:,} file attachments "
        f"({_mbytes(f['file_bytes'])}; {a['smallest_kb']} KB–1 MB and one of "
        f"{_mbytes(f['biggest'])}) and {f['links']:,} links; {f['folders']:,} sub-folders "
        f"in the team folder; seed {a['seed']}",
        f"  one file refused for good: attachment {f['failing_attachment']} "
        f"({_mbytes(f['failing_size'])}) of A {f['failing_record']}, every download answered "
        f"HTTP {d['denied_status']}",
        f"  same data in every child: {same} (fingerprints {', '.join(d['fingerprints'])})",
        f"  latency {a['latency_ms']:g} ms per call (CRM and WorkDrive); bandwidth "
        f"{a['bandwidth_mbps']:g} MB/s per connection, each way",
        f"  serial flow: one call at a time, on {sampled}",
        *_representative(s),
        "",
    ]


def _representative(s: dict[str, Any]) -> list[str]:
    if s["sampled"] >= s["pending_listed"]:
        return []
    rep = s["representative"]
    return [
        f"  the sampled ordinary records are {rep['records']:.1%} of the ordinary records and "
        f"hold {rep['files']:.1%} of their files and {rep['bytes']:.1%} of their bytes"
    ]


def _side_by_side(r: dict[str, Any]) -> list[str]:
    s, ours = r["serial"], r["fieldsync"]
    records = r["data"]["facts"]["records"]
    sampled = s["sampled"] < s["pending_listed"]
    # (title, totals, records they cover, measured run or None)
    cols: list[tuple[str, dict[str, Any], int, dict[str, Any] | None]] = []
    if sampled:
        cols.append((f"serial, measured ({s['sampled']:,})", s["measured"], s["sampled"], s))
        cols.append((f"serial, EXTRAPOLATED ({records:,})", s["extrapolated"], records, None))
    else:
        cols.append((f"serial ({records:,} records)", s["measured"], records, s))
    if ours is not None:
        cols.append((f"fieldsync files --auto ({records:,})", ours["total"], records, ours))
    rows = [["", *(c[0] for c in cols)]]

    def row(label: str, cell: Any) -> None:
        rows.append([label, *(cell(*c[1:]) for c in cols)])

    def run_only(fmt: Any) -> Any:
        return lambda t, n, run: fmt(t, n, run) if run is not None else "n/a"

    row("CRM calls", lambda t, n, run: fmt_n(t["sim_calls"] - t["wd_calls"]))
    row("WorkDrive calls", lambda t, n, run: fmt_n(t["wd_calls"]))
    row("token calls", lambda t, n, run: fmt_n(t["token_calls"]))
    row("calls / record", lambda t, n, run: f"{t['sim_calls'] / n:.2f}")
    row("Zoho CRM credits", lambda t, n, run: fmt_n(t["sim_credits"]))
    row("bytes down", lambda t, n, run: _mbytes(t["bytes_down"]))
    row("bytes up", lambda t, n, run: _mbytes(t["bytes_up"]))
    row("wall time", lambda t, n, run: fmt_s(t["wall_s"]))
    row("CPU time (process, simulator included)", lambda t, n, run: fmt_s(t.get("cpu_s", 0)))
    row(
        "peak RSS (ru_maxrss, simulator included)",
        run_only(lambda t, n, run: fmt_mb(run["total"]["rss_high_water_mb"])),
    )
    row(
        "Python heap peak (tracemalloc)",
        run_only(lambda t, n, run: fmt_mb(run["total"]["heap_peak_mb"])),
    )
    row("A writes (PUT: fields + ticks)", run_only(lambda t, n, run: fmt_n(run["a_writes"])))
    row("A writes per record", run_only(lambda t, n, run: f"{run['a_writes'] / n:.4f}"))
    notes = []
    if ours is not None:
        speed, strict = r["ratios"]["speedup"], r["ratios"]["speedup_strict"]
        notes += [
            f"  speed-up, serial (all) ÷ fieldsync: {fmt_x(speed)}",
            f"  strict: the serial flow's calls × latency + bytes ÷ bandwidth alone "
            f"({fmt_s(r['serial_floor_s'])}, no simulator CPU in it) ÷ fieldsync: {fmt_x(strict)}",
        ]
    return ["Side by side", *fmt_lines(rows), *notes, ""]


def _end_state(r: dict[str, Any]) -> list[str]:
    s, ours = r["serial"], r["fieldsync"]
    head = ["end state (per record's folder, by size + MD5)", f"serial ({s['sampled']:,} records)"]
    cols = [s["verify"]["counts"]]
    if ours is not None:
        head.append(f"fieldsync ({ours['verify']['counts'].get('records', 0):,} records)")
        cols.append(ours["verify"]["counts"])
    rows = [head]
    for label, key in END_STATE:
        rows.append([label, *(fmt_n(c.get(key, 0)) for c in cols)])
    t = s["tally"]
    out = ["End state", *fmt_lines(rows)]
    out.append(
        f"  serial tally: {t['uploaded']} uploaded, {t['renamed_on_clash']} renamed blindly on "
        f"a clash, {t['download_failed']} downloads and {t['upload_failed']} uploads failed, "
        f"{t['links_skipped']} links skipped, {t['no_folder']} records without a folder, "
        f"{t['search_calls']} search calls, {t['ticked']} ticked"
    )
    out += [f"    left behind — {why}: {n}" for why, n in sorted(t["failures"].items())]
    for label, c in (("serial", s), ("fieldsync", ours)):
        if c is not None:
            out += [f"  ! {label}: {text}" for text in c["verify"]["examples"]]
    return [*out, ""]


def _bound(r: dict[str, Any]) -> list[str]:
    b = r["bound"]
    rows = [["round trips DESIGN §9.2 / §9.5 require", "calls", "org"]]
    rows += [[ln["what"], fmt_n(ln["round_trips"]), ln["org"]] for ln in b["lines"]]
    rows.append(["total", fmt_n(b["round_trips"]), ""])
    lat, conc, cap = b["latency_s"], b["concurrency"], b["cap_mb_per_s"]
    return [
        f"Bound (ZOHO_MAX_CONCURRENCY={conc}, {cap:g} MB/s per connection, {lat * 1000:g} ms)",
        f"  bytes: {_mbytes(b['bytes_moved'])} down + up ÷ ({cap:g} MB/s × {conc}) = "
        f"{fmt_s(b['by_bytes_s'])}",
        f"  longest file: {_mbytes(b['longest_file'])} down then up at {cap:g} MB/s, + 2 "
        f"latencies = {fmt_s(b['by_longest_s'])}",
        f"  round trips: {fmt_n(b['round_trips'])} × {lat * 1000:g} ms ÷ {conc} = "
        f"{fmt_s(b['by_round_trips_s'])}",
        f"  bound = {fmt_s(b['bound_s'])}   (information: the busier org's slot-seconds — "
        f"latency + transfer — ÷ {conc} = {fmt_s(b['slot_floor_s'])})",
        *fmt_lines(rows),
        "",
    ]


def _ours(r: dict[str, Any]) -> list[str]:
    ours, ratios = r["fieldsync"], r["ratios"]
    rows = [
        [
            "fieldsync phase",
            "wall",
            "CRM calls",
            "WD calls",
            "credits",
            "MB down",
            "MB up",
            "CRM in flight",
            "WD in flight",
            "CPU",
        ]
    ]
    for p in ours["phases"]:
        rows.append(
            [
                p["name"],
                fmt_s(p["wall_s"]),
                fmt_n(p["sim_calls"] - p["wd_calls"]),
                fmt_n(p["wd_calls"]),
                fmt_n(p["sim_credits"]),
                f"{p['bytes_down'] / MB:,.1f}",
                f"{p['bytes_up'] / MB:,.1f}",
                f"{p['in_flight_crm']:.2f}",
                f"{p['in_flight_wd']:.2f}",
                fmt_s(p["cpu_s"]),
            ]
        )
    extra = {"peak CRM calls in flight (the simulator's gate)": ours["peak_in_flight"]}
    return [
        *fmt_lines(rows),
        f"  in flight = average calls open at once (time-weighted), of "
        f"{r['bound']['concurrency']} slots per org",
        f"  fieldsync ÷ bound: {fmt_x(ratios['vs_bound'])}; calls made "
        f"{fmt_n(ours['total']['sim_calls'])} against {fmt_n(r['bound']['round_trips'])} required",
        *(f"  {k}: {v}" for k, v in extra.items()),
        *(f"  {line}" for line in ours["summary"]),
        "",
    ]
