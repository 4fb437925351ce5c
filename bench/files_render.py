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
    m, e = s["measured"], s["extrapolated"]
    records = r["data"]["facts"]["records"]
    head = ["", f"serial, measured ({s['sampled']:,})", f"serial, all {records:,}"]
    cols = [m, e]
    if ours is not None:
        head.append(f"fieldsync files --auto ({records:,})")
        cols.append(ours["total"])
    rows = [head]

    def row(label: str, fmt: Any, key: str) -> None:
        rows.append([label, *(fmt(c[key]) for c in cols)])

    rows.append(["CRM calls", *(fmt_n(c["sim_calls"] - c["wd_calls"]) for c in cols)])
    row("WorkDrive calls", fmt_n, "wd_calls")
    row("token calls", fmt_n, "token_calls")
    rows.append(["calls / record", *(f"{c['sim_calls'] / records:.2f}" for c in cols)])
    rows[-1][1] = f"{m['sim_calls'] / max(s['sampled'], 1):.2f}"
    row("Zoho CRM credits", fmt_n, "sim_credits")
    row("bytes down", _mbytes, "bytes_down")
    row("bytes up", _mbytes, "bytes_up")
    row("wall time", fmt_s, "wall_s")
    row("CPU time (process, simulator included)", fmt_s, "cpu_s")
    rss = [fmt_mb(s["total"]["rss_high_water_mb"]), "n/a"]
    heap = [fmt_mb(s["total"]["heap_peak_mb"]), "n/a"]
    writes = [fmt_n(s["a_writes"]), "", ""]
    per = [f"{s['a_writes'] / max(s['sampled'], 1):.2f}", ""]
    if ours is not None:
        rss.append(fmt_mb(ours["total"]["rss_high_water_mb"]))
        heap.append(fmt_mb(ours["total"]["heap_peak_mb"]))
        writes[2] = fmt_n(ours["a_writes"])
        per.append(f"{ours['a_writes'] / records:.4f}")
    rows += [
        ["peak RSS (ru_maxrss, simulator included)", *rss],
        ["Python heap peak (tracemalloc)", *heap],
        ["A writes (PUT: fields + ticks)", *writes[: len(cols)]],
        ["A writes per record", *per],
    ]
    notes = []
    if ours is not None:
        speed = r["ratios"]["speedup"]
        notes.append(f"  speed-up, serial (all) ÷ fieldsync: {fmt_x(speed)}")
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
    extra = {k: v for k, v in ours.items() if k in ("outcomes", "stopped_reason", "peak_in_flight")}
    return [
        *fmt_lines(rows),
        f"  in flight = average calls open at once (time-weighted), of "
        f"{r['bound']['concurrency']} slots per org",
        f"  fieldsync ÷ bound: {fmt_x(ratios['vs_bound'])}; calls made "
        f"{fmt_n(ours['total']['sim_calls'])} against {fmt_n(r['bound']['round_trips'])} required",
        *(f"  {k}: {v}" for k, v in extra.items()),
        "",
    ]
