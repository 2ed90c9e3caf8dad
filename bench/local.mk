# Benchmark helpers: built on demand (make bench/qed-open), never by make
# or make check. The scripts beside them run the benchmarks.
EXTRA_PROGRAMS += bench/qed-open
bench_qed_open_SOURCES = bench/qed-open.c
bench_qed_open_LDADD = libvdqed.a libvdutil.a $(GLIB_LIBS)
CLEANFILES += bench/qed-open
EXTRA_DIST += bench/lib.sh bench/qed-randwrite.sh bench/qed-recovery.sh \
	bench/qed-check.sh
