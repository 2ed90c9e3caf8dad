#!/bin/sh
# Every expected output in tests/conf must be domain XML that libvirt
# itself accepts: run libvirt's validator on each *.out.xml. A missing
# validator fails the test rather than skipping it, so that a machine
# without libvirt-clients cannot pass the suite without checking.
set -u

: "${top_srcdir:?top_srcdir is not set; run through make check}"

if ! command -v virt-xml-validate >/dev/null 2>&1; then
    echo "virt-xml-validate not found: install libvirt-clients" >&2
    exit 1
fi

status=0
count=0
for f in "$top_srcdir"/tests/conf/*.out.xml; do
    [ -e "$f" ] || continue
    count=$((count + 1))
    if ! out=$(virt-xml-validate "$f" domain 2>&1); then
        echo "FAIL: $f" >&2
        echo "$out" >&2
        status=1
    fi
done

# No files means a wrong directory, not a pass.
if [ "$count" -eq 0 ]; then
    echo "no *.out.xml files under $top_srcdir/tests/conf" >&2
    exit 1
fi
echo "$count files validated"
exit "$status"
