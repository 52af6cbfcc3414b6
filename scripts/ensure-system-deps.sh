#!/usr/bin/env bash
# Makes sure the programs outside npm that a task needs are installed, and installs the missing
# ones from Debian's packages when it can. Silent and instant when everything is there.
#
#   scripts/ensure-system-deps.sh [test] [n8n] [bench] [fixtures] [queue]   (default: test)
#
#   test      ffmpeg, ffprobe (sandbox and audio tests), Chromium (the editor test)
#   n8n       python3, make, g++ (installing a pinned n8n compiles its sqlite3; the harness asks)
#   bench     curl (bench:upload's peer)
#   fixtures  ffmpeg, sox, espeak-ng (npm run fixtures:audio, scripts/make-sample-audio.sh)
#   queue     redis-server, PostgreSQL's initdb (n8n queue mode: the queue-mode e2e test and
#             bench:queue start a throwaway Redis and PostgreSQL of their own)
#
# As root with apt-get: `apt-get update` once, then `apt-get install -y --no-install-recommends`
# of what is missing, non-interactively. Otherwise it stops at once (exit 1) and prints the
# command to run. Used by `npm test` and `.ci/run`. CHROMIUM_PATH (default /usr/bin/chromium,
# the path the editor test launches) may point at a Chromium installed elsewhere. Debian keeps
# PostgreSQL's server programs off PATH, in /usr/lib/postgresql/<major>/bin: initdb counts as
# present there too (PG_LIB_DIR, default /usr/lib/postgresql, says where to look).
set -euo pipefail

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
pg_lib_dir="${PG_LIB_DIR:-/usr/lib/postgresql}"
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(test)

tools=()
for group in "${groups[@]}"; do
	case "$group" in
		test) tools+=(ffmpeg ffprobe chromium) ;;
		n8n) tools+=(python3 make g++) ;;
		bench) tools+=(curl) ;;
		fixtures) tools+=(ffmpeg sox espeak-ng) ;;
		queue) tools+=(redis-server initdb) ;;
		*)
			echo "ensure-system-deps: unknown group '$group' (test, n8n, bench, fixtures, queue)" >&2
			exit 2
			;;
	esac
done

# The Debian package that provides each program.
package_of() {
	case "$1" in
		ffmpeg | ffprobe) echo ffmpeg ;;
		chromium) echo chromium ;;
		curl) echo curl ;;
		python3) echo python3 ;;
		make) echo make ;;
		g++) echo g++ ;;
		sox) echo sox ;;
		espeak-ng) echo espeak-ng ;;
		redis-server) echo redis-server ;;
		initdb) echo postgresql ;;
	esac
}

present() {
	case "$1" in
		chromium) [ -x "$chromium_path" ] ;;
		initdb)
			command -v initdb >/dev/null 2>&1 && return 0
			for candidate in "$pg_lib_dir"/*/bin/initdb; do [ -x "$candidate" ] && return 0; done
			return 1
			;;
		*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

missing=()
packages=()
for tool in "${tools[@]}"; do
	present "$tool" && continue
	[[ " ${missing[*]-} " == *" $tool "* ]] || missing+=("$tool")
	pkg=$(package_of "$tool")
	[[ " ${packages[*]-} " == *" $pkg "* ]] || packages+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

label="${missing[*]}"
label="${label/chromium/chromium ($chromium_path)}"
install_cmd="apt-get install -y --no-install-recommends ${packages[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
	{
		echo "ensure-system-deps: missing: $label."
		echo "  This machine has no apt-get. Install them with your package manager (Debian packages: ${packages[*]}),"
		echo "  and point CHROMIUM_PATH at Chromium if it is not at /usr/bin/chromium. Then try again."
	} >&2
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	{
		echo "ensure-system-deps: missing: $label."
		echo "  Installing them needs root. Run:"
		echo
		echo "    sudo apt-get update && sudo $install_cmd"
		echo
		echo "  then try again."
	} >&2
	exit 1
fi

echo "ensure-system-deps: missing: $label. Installing with apt-get: ${packages[*]} (once; a few minutes)…" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$SECONDS
# Wait for another apt/dpkg run to finish rather than failing on its lock.
lock=(-o DPkg::Lock::Timeout=600)
if ! apt-get "${lock[@]}" update >"$log" 2>&1 ||
	! apt-get "${lock[@]}" install -y --no-install-recommends "${packages[@]}" >>"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "ensure-system-deps: apt-get failed (above). The command was: apt-get update && $install_cmd" >&2
	exit 1
fi

still=()
for tool in "${missing[@]}"; do present "$tool" || still+=("$tool"); done
if [ ${#still[@]} -gt 0 ]; then
	echo "ensure-system-deps: apt-get installed ${packages[*]}, but ${still[*]} still cannot be found (CHROMIUM_PATH=$chromium_path)." >&2
	exit 1
fi
echo "ensure-system-deps: installed ${packages[*]} in $((SECONDS - started)) s." >&2
