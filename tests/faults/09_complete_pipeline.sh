# shellcheck shell=bash
# Faults injected into lesson 09 (see tests/faults/README.md): each function fault_NAME is the test
# faults.09.NAME; $lesson is the lesson's executable, run in a private temporary folder.

# --- files and paths: a device node, a symlink or a directory as a target, clashing paths, a full disk, no TMPDIR

# --- signals: SIGINT and SIGTERM at each phase

# --- threads, workers and input: a thread that cannot start, a stray quote, too many sensors, numbers at the edge
