# Fuzz targets, built with clang's libFuzzer (and ASan, UBSan) when clang
# is there: `make fuzz`, then run e.g. fuzz/qed-header fuzz/corpus/qed-header.
# The seed corpus is the valid images of tests/images/make-images.py.
FUZZ_CC = $(CLANG)
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-I$(top_srcdir) -I$(top_builddir) -D_GNU_SOURCE $(GLIB_CFLAGS)
FUZZ_QED_FILES = fuzz/qed-header.c \
	storage/layers/qed-header.c storage/layers/qed-image.c \
	storage/layers/qed-table.c storage/layers/qed-check.c \
	storage/layers/qed-log.c common/util/error.c
EXTRA_DIST += $(FUZZ_QED_FILES) fuzz/corpus
CLEANFILES += fuzz/qed-header

if HAVE_CLANG
fuzz/qed-header: $(FUZZ_QED_FILES:%=$(top_srcdir)/%)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ $(GLIB_LIBS)

fuzz: fuzz/qed-header
else
fuzz:
	@echo "clang is needed to build the fuzz targets" >&2; exit 1
endif

# Seeds from the image generator (valid images only).
fuzz-corpus:
	python3 $(top_srcdir)/tests/images/make-images.py \
		$(top_srcdir)/fuzz/corpus/qed-header --seeds
	rm -f $(top_srcdir)/fuzz/corpus/qed-header/manifest

.PHONY: fuzz fuzz-corpus
