# Hand-made hostile QED images (generated at test time by make-images.py,
# each with the error it must produce), against the CLI and the server.
TESTS += tests/images/test-images.sh
EXTRA_DIST += tests/images/make-images.py tests/images/test-images.sh
