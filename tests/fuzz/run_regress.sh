#!/bin/sh
# Run every saved fuzzer reproducer once: tests/fuzz/regress/report/* through
# build/fuzz/fuzz_report, tests/fuzz/regress/layout/* through build/fuzz/fuzz_layout.
# libFuzzer runs the files given as arguments once each and exits non-zero on a crash,
# leak, timeout or sanitizer report. Empty folders pass.
# Usage: tests/fuzz/run_regress.sh     (after `make fuzz-build`; `make fuzz-regress` does both)
set -u
cd "$(dirname "$0")/../.."
# stack traces for UBSan reports too (ASan prints them anyway)
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export UBSAN_OPTIONS
status=0
for name in report layout font png pipeline pdfcat xlsx; do
    dir=tests/fuzz/regress/$name
    bin=build/fuzz/fuzz_$name
    set -- $(find "$dir" -maxdepth 1 -type f ! -name '.*' ! -name '*.md' 2>/dev/null | sort)
    if [ $# -eq 0 ]; then
        echo "== $name: no reproducers"
        continue
    fi
    if [ ! -x "$bin" ]; then
        echo "$0: $bin is missing: run 'make fuzz-build' first" >&2
        exit 2
    fi
    echo "== $name: $# reproducer(s)"
    for f in "$@"; do
        # one process per file, so that one failure does not hide the others
        if "$bin" -timeout=10 -rss_limit_mb=2048 "$f" </dev/null >"build/fuzz/regress-$name.log" 2>&1; then
            echo "ok   $f"
        else
            echo "FAIL $f"
            grep -E 'ERROR:|runtime error:|SUMMARY:|^ +#[0-9]+ .* (/|in )' "build/fuzz/regress-$name.log" |
                grep -v -E 'fuzzer::|libc_start|_start | in main ' | head -12 | sed 's/^/     /'
            status=1
        fi
    done
done
exit $status
