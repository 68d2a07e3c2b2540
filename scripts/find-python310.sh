#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter, or fails with a hint.
# Rasa 3.6 refuses 3.11+, so the exact minor version matters.
set -u
works() { [ -n "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
candidates=("${PYTHON310:-}")
# pyenv shims fail unless PYENV_VERSION is set, so look inside pyenv's versions directly.
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in "$root"/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
candidates+=("$(command -v python3.10 2>/dev/null)" /usr/bin/python3.10 /usr/local/bin/python3.10)
candidates+=("$(command -v python3 2>/dev/null)" "$(command -v python 2>/dev/null)")
for c in "${candidates[@]}"; do
  if works "$c"; then echo "$c"; exit 0; fi
done
echo "No Python 3.10 interpreter found. Install one (pyenv install 3.10, or apt-get install python3.10) or set PYTHON310=/path/to/python3.10." >&2
exit 1
