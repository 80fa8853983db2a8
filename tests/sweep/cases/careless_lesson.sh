#!/bin/sh
# A lesson that gets bad usage wrong: --help works, but a bad --count kills it with a signal and an
# unknown option prints two lines. sweep.sh must report it.
case "$1" in
  --help) printf 'Usage: careless_lesson [OPTIONS]\n  --count INT  records\n'; exit 0 ;;
  --count) [ "$2" = 0 ] && kill -SEGV $$; exit 0 ;;
  *) printf 'careless_lesson: error: what?\nsecond line\n' >&2; exit 2 ;;
esac
