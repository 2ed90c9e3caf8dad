#!/bin/sh
# Set everything up and run the whole test suite: installs what is
# missing, builds, runs `make check`, prints one summary line.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh --test
sh scripts/build.sh "$@"

status=0
make -s -j"$(nproc)" check || status=$?

# One line a person or CI can read: counts of test programs and scripts.
pass=$(find tests -name '*.trs' -exec grep -l '^:test-result: PASS' {} + | wc -l)
fail=$(find tests -name '*.trs' -exec grep -lE '^:test-result: (FAIL|ERROR|XPASS)' {} + | wc -l)
skip=$(find tests -name '*.trs' -exec grep -l '^:test-result: SKIP' {} + | wc -l)
if [ "$status" -ne 0 ] && [ -f test-suite.log ]; then
    cat test-suite.log
fi
echo "tests: $pass passed, $fail failed, $skip skipped"
exit "$status"
