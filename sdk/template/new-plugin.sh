#!/usr/bin/env bash
# nexus-new-plugin ID --kind tools|storage|auth|transcription DIR
# Creates DIR with a building, loading Nexus plugin project for ID.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: nexus-new-plugin ID --kind tools|storage|auth|transcription DIR

Creates DIR/CMakeLists.txt and DIR/ID.cpp: a plugin of that kind that
builds against the installed SDK and loads in nexusd as it is.

  ID     plugin id: lower-case letters, digits, '_' or '-' (file: libnexus_ID.so)
  DIR    a folder that does not exist yet

example:
  nexus-new-plugin greeter --kind tools ./greeter
  cmake -S greeter -B greeter/build -DCMAKE_PREFIX_PATH=/usr/local && cmake --build greeter/build
USAGE
}

id="" kind="" dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --kind) kind="${2:-}"; shift 2 ;;
    --kind=*) kind="${1#--kind=}"; shift ;;
    -*) echo "nexus-new-plugin: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) if [ -z "$id" ]; then id="$1"; elif [ -z "$dir" ]; then dir="$1"; else usage >&2; exit 2; fi; shift ;;
  esac
done
[ -n "$id" ] && [ -n "$kind" ] && [ -n "$dir" ] || { usage >&2; exit 2; }
[[ "$id" =~ ^[a-z0-9][a-z0-9_-]{0,62}$ ]] || { echo "nexus-new-plugin: id '$id' must match [a-z0-9][a-z0-9_-]*" >&2; exit 2; }
case "$kind" in tools|storage|auth|transcription) ;; *) echo "nexus-new-plugin: --kind must be tools, storage, auth or transcription, not '$kind'" >&2; exit 2 ;; esac
[ ! -e "$dir" ] || { echo "nexus-new-plugin: $dir exists; choose a new folder" >&2; exit 2; }

here="$(cd "$(dirname "$0")" && pwd)"
template=""
for t in "${NEXUS_TEMPLATE_DIR:-}" "$here/../share/nexus/template" "$here"; do
  if [ -n "$t" ] && [ -f "$t/$kind.cpp.in" ]; then template="$t"; break; fi
done
[ -n "$template" ] || { echo "nexus-new-plugin: cannot find the template files (set NEXUS_TEMPLATE_DIR)" >&2; exit 1; }

# PascalCase class name from the id: my-tool_x -> MyToolX
class="$(echo "$id" | sed -E 's/(^|[-_])([a-z0-9])/\U\2/g')"
case "$class" in [0-9]*) class="Plugin$class" ;; esac

mkdir -p "$dir"
sed -e "s/@ID@/$id/g" -e "s/@KIND@/$kind/g" -e "s/@CLASS@/$class/g" "$template/CMakeLists.txt.in" > "$dir/CMakeLists.txt"
sed -e "s/@ID@/$id/g" -e "s/@KIND@/$kind/g" -e "s/@CLASS@/$class/g" "$template/$kind.cpp.in" > "$dir/$id.cpp"
echo "created $dir: a $kind plugin '$id'"
echo "build:  cmake -S $dir -B $dir/build -DCMAKE_PREFIX_PATH=<Nexus SDK prefix> && cmake --build $dir/build"
