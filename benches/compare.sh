#!/usr/bin/env bash
# End-to-end comparison on real captures: the bare pcap-parser loop
# (benches/baseline.rs), `tlstriage analyze --format json`, and tshark
# filtering the same handshake messages. Each runs under /usr/bin/time -v
# with a warm page cache; the best of N interleaved rounds is kept (shortest
# wall time, smallest peak RSS).
#
# usage: benches/compare.sh [-n RUNS] CAPTURE...      (RUNS default 3, or $RUNS)
#
# Builds the release binary and the baseline bench first (honours
# CARGO_TARGET_DIR). tshark is skipped with a message when it is absent or
# SKIP_TSHARK=1 (it takes ~30 s per GB).
set -euo pipefail

runs="${RUNS:-3}"
while getopts "n:h" opt; do
    case "$opt" in
        n) runs="$OPTARG" ;;
        h) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ "$#" -eq 0 ]; then
    echo "usage: $0 [-n RUNS] CAPTURE..." >&2
    exit 2
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
    echo "compare.sh: -n wants a positive number, not '$runs'" >&2
    exit 2
fi
for f in "$@"; do
    if [ ! -r "$f" ] || [ -d "$f" ]; then
        echo "compare.sh: cannot read capture '$f'" >&2
        exit 2
    fi
done
if [ ! -x /usr/bin/time ]; then
    echo "compare.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
echo "building release binary and baseline bench…" >&2
cargo build --release --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
tlstriage="$target/release/tlstriage"
baseline="$(cargo bench --no-run --bench baseline --message-format=json 2>/dev/null \
    | grep '"name":"baseline"' | grep -o '"executable":"[^"]*"' | tail -n 1 \
    | sed 's/"executable":"\(.*\)"/\1/')"
if [ ! -x "$tlstriage" ] || [ -z "$baseline" ] || [ ! -x "$baseline" ]; then
    echo "compare.sh: build did not produce tlstriage or the baseline bench" >&2
    exit 2
fi
tshark="$(command -v tshark || true)"
if [ "${SKIP_TSHARK:-0}" = 1 ]; then
    tshark=""
    echo "compare.sh: SKIP_TSHARK=1: tshark's column is skipped" >&2
elif [ -z "$tshark" ]; then
    echo "compare.sh: tshark not found: its column is skipped" >&2
fi
if pgrep -f 'fuzz run' >/dev/null 2>&1; then
    echo "compare.sh: warning: a fuzzer is running: timings are noisy, do not publish them" >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# once NAME CMD... : one run, "wall_seconds rss_kb" on stdout, "- -" when the
# command fails. Exit status 1 (tlstriage: a failed handshake) is a result,
# not an error; the baseline exits 2 on a file it cannot read.
once() {
    local name="$1"
    shift
    local status=0
    /usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "compare.sh: $name exited with status $status:" >&2
        tail -n 5 "$tmp/err" >&2
        echo "- -"
        return
    fi
    local wall rss
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]
            printf "%.3f", s }' "$tmp/time")"
    rss="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")"
    echo "$wall $rss"
}

# best OLD NEW : the better of two "wall rss" pairs (shorter wall, smaller
# RSS, each on its own); a failed run ("- -") stays failed.
best() {
    awk -v o="$1" -v n="$2" 'BEGIN {
        split(o, a, " "); split(n, b, " ")
        if (a[1] == "-" || b[1] == "-") { print "- -"; exit }
        if (a[1] == "") { print n; exit }
        w = (b[1] + 0 < a[1] + 0) ? b[1] : a[1]
        r = (b[2] + 0 < a[2] + 0) ? b[2] : a[2]
        print w " " r }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

mb() {
    awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }'
}

rows=()
for f in "$@"; do
    size="$(stat -c %s "$f" 2>/dev/null || wc -c <"$f")"
    cat "$f" >/dev/null # warm the page cache, untimed
    echo "measuring $f (best of $runs)…" >&2
    # Rounds interleave the tools, so that a busy moment of a shared machine
    # falls on all of them alike rather than on one tool's runs.
    b="" t="" s="- -"
    [ -n "$tshark" ] && s=""
    for _ in $(seq "$runs"); do
        b="$(best "$b" "$(once baseline "$baseline" "$f")")"
        t="$(best "$t" "$(once tlstriage "$tlstriage" analyze --format json "$f")")"
        if [ -n "$tshark" ]; then
            s="$(best "$s" "$(once tshark "$tshark" -r "$f" \
                -Y 'tls.handshake.type==1||tls.handshake.type==2||tls.alert_message' \
                -T fields -e frame.number -e tls.handshake.type)")"
        fi
    done
    read -r b_wall b_rss <<<"$b"
    read -r t_wall t_rss <<<"$t"
    read -r s_wall s_rss <<<"$s"
    rows+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' \
        "$(basename "$f")" "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }')" \
        "$b_wall" "$(mb "$b_rss")" "$t_wall" "$(mb "$t_rss")" "$s_wall" "$(mb "$s_rss")" \
        "$(ratio "$t_wall" "$b_wall")" "$(ratio "$s_wall" "$t_wall")" \
        "$(ratio "$s_rss" "$t_rss")")")
done

{
    printf 'capture\tMB\tbaseline s\tbaseline RSS MB\ttlstriage s\ttlstriage RSS MB\ttshark s\ttshark RSS MB\ttlstriage/baseline\ttshark/tlstriage\ttshark/tlstriage RSS\n'
    printf '%s\n' "${rows[@]}"
} | if command -v column >/dev/null; then column -t -s $'\t'; else cat; fi
echo
echo "wall seconds and peak RSS: best of $runs runs each, warm page cache; $(nproc) cores," \
    "$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo 'unknown CPU')"
