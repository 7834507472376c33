#!/usr/bin/env bash
# compare.sh: time `vitrine build` (all formats, IIIF tiles on) against the
# pipeline a user would otherwise script with the usual tools, on the same
# corpus, in paired runs, and print medians and ratios.
#
#   go run ./samples/gen-bench -o /tmp/bench          # the corpus (once)
#   go build -o /tmp/vitrine ./cmd/vitrine            # or -tags turbojpeg
#   samples/bench/compare.sh /tmp/bench /tmp/vitrine [RUNS]
#
# The peer pipeline, for each master in parallel on all cores:
#   vips dzsave --layout iiif3 --tile-size 512        (IIIF level-0 tiles)
#   vipsthumbnail to 1600 px and to 200 px            (e-book image, thumbnail)
# then sha256sum and sha512sum of every master, pandoc for the EPUB (from a
# Markdown file listing the 1600 px images), and zip -0 of masters, EPUB and
# checksum manifests (the bag).
# Needs: libvips-tools, pandoc, zip, coreutils, GNU time.
#
# Each run is cold for both sides (vitrine gets an empty --cache-dir; the
# page cache is warm for both, as the corpus was read just before). The
# order of the pair alternates run by run. Peak memory is the highest sum of
# the RSS of the whole process tree, sampled every 50 ms. A rebuild after a
# caption edit (warm cache) is timed after each vitrine run.
set -euo pipefail

corpus=${1:?usage: compare.sh CORPUS VITRINE [RUNS]}
vitrine=${2:?usage: compare.sh CORPUS VITRINE [RUNS]}
runs=${3:-5}
corpus=$(cd "$corpus" && pwd)
vitrine=$(cd "$(dirname "$vitrine")" && pwd)/$(basename "$vitrine")
for tool in vips vipsthumbnail pandoc zip sha256sum sha512sum; do
	command -v "$tool" >/dev/null || { echo "compare.sh: $tool is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/vitrine-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)

# peak_rss PID: the largest sum of RSS (KiB) over PID and its descendants,
# sampled until PID exits; printed when it does.
peak_rss() {
	local root=$1 peak=0 cur
	while kill -0 "$root" 2>/dev/null; do
		cur=$(ps -e -o pid=,ppid=,rss= | awk -v root="$root" '
			{ parent[$1] = $2; rss[$1] = $3 }
			END {
				for (p in rss) {
					q = p
					while (q != "" && q != 0 && q != 1) { if (q == root) { sum += rss[p]; break } q = parent[q] }
				}
				print sum + 0
			}')
		((cur > peak)) && peak=$cur
		sleep 0.05
	done
	echo "$peak"
}

# measure NAME CMD...: runs CMD (a function of this script, exported) under
# GNU time and appends "wall cpu(user+sys of the whole tree) peakKiB" to
# $work/NAME.raw.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$work/$name.time" bash -c "$*" >"$work/$name.log" 2>&1 &
	local pid=$!
	peak_rss "$pid" >"$work/$name.peak" &
	local sampler=$!
	wait "$pid" || { echo "compare.sh: $name failed, see:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
	wait "$sampler"
	awk -v peak="$(cat "$work/$name.peak")" '{ printf "%.2f %.2f %d\n", $1, $2 + $3, peak }' "$work/$name.time" >>"$work/$name.raw"
}

# The Markdown the peer pipeline gives pandoc: one heading and image per plate.
md=$work/book.md
{
	echo "% Benchmark corpus"
	echo
	n=0
	for f in "$corpus"/images/*; do
		n=$((n + 1))
		b=$(basename "${f%.*}")
		echo "## Plate $n"
		echo
		echo "![Plate $n](PEER/web/$b.jpg)"
		echo
	done
} >"$md"

peer() {
	local p=$work/peer
	rm -rf "$p"
	mkdir -p "$p/iiif" "$p/web" "$p/thumb" "$p/bag/data"
	export P=$p
	printf '%s\n' "$corpus"/images/* | xargs -P "$jobs" -I{} sh -c '
		f="$1"; b=$(basename "${f%.*}")
		vips dzsave "$f" "$P/iiif/$b" --layout iiif3 --tile-size 512 &&
		vipsthumbnail "$f" -s 1600 -o "$P/web/$b.jpg[Q=85]" &&
		vipsthumbnail "$f" -s 200 -o "$P/thumb/$b.jpg[Q=85]"' _ {}
	(cd "$corpus" && sha256sum images/* >"$p/bag/manifest-sha256.txt") &
	(cd "$corpus" && sha512sum images/* >"$p/bag/manifest-sha512.txt") &
	sed "s#PEER#$p#" "$md" >"$p/book.md"
	pandoc "$p/book.md" -o "$p/bag/data/book.epub" &
	wait
	(cd "$corpus" && zip -0 -q -r "$p/bench.zip" images) && (cd "$p/bag" && zip -0 -q -r "$p/bench.zip" .)
}

ours() {
	rm -rf "$work/out" "$work/cache"
	"$vitrine" build "$corpus" -o "$work/out" --cache-dir "$work/cache"
}

rebuild() {
	# A caption edit: the exhibition file changes, no image does.
	sed -i 's/^title: .*/title: Benchmark corpus (edited)/' "$corpus/exhibition.yaml"
	"$vitrine" build "$corpus" -o "$work/out" --cache-dir "$work/cache"
	sed -i 's/^title: .*/title: Benchmark corpus/' "$corpus/exhibition.yaml"
}

export corpus vitrine work jobs md
export -f peer ours rebuild
run_one() { measure "$1" "$1"; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "corpus: $(ls "$corpus"/images | wc -l) masters, $(du -sh "$corpus/images" | cut -f1)"
echo "vitrine: $("$vitrine" version)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
cat "$corpus"/images/* >/dev/null # warm the page cache for both sides
for i in $(seq 1 "$runs"); do
	if ((i % 2)); then run_one ours; run_one peer; else run_one peer; run_one ours; fi
	run_one rebuild
	echo "run $i: vitrine $(tail -1 "$work/ours.raw")  peers $(tail -1 "$work/peer.raw")  rebuild $(tail -1 "$work/rebuild.raw")  (wall s, cpu s, peak KiB)"
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$work/$1.raw" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ow=$(col ours 1) oc=$(col ours 2) om=$(col ours 3)
pw=$(col peer 1) pc=$(col peer 2) pm=$(col peer 3)
rw=$(col rebuild 1)
printf '\nmedians of %d paired runs\n' "$runs"
printf '%-28s %10s %10s %12s\n' "" "wall s" "cpu s" "peak MiB"
printf '%-28s %10.1f %10.1f %12.0f\n' "vitrine build (cold)" "$ow" "$oc" "$(echo "$om / 1024" | bc -l)"
printf '%-28s %10.1f %10.1f %12.0f\n' "peer pipeline" "$pw" "$pc" "$(echo "$pm / 1024" | bc -l)"
printf '%-28s %10.1f\n' "vitrine rebuild (caption)" "$rw"
printf 'ratios vitrine/peers: wall %s, cpu %s, peak memory %s; rebuild/cold %s\n' \
	"$(ratio "$ow" "$pw")" "$(ratio "$oc" "$pc")" "$(ratio "$om" "$pm")" "$(ratio "$rw" "$ow")"
