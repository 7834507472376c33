#!/usr/bin/env bash
# tiff.sh: vitrine against the peer pipeline on archival TIFF masters and on
# JPEG masters (compare.sh on each corpus, paired runs), then the memory of
# one 1-gigapixel TIFF master under the default --max-memory.
#
#   go build -o /tmp/vitrine ./cmd/vitrine
#   samples/bench/tiff.sh /tmp/vitrine [RUNS]
#
# The corpora are made by samples/gen-bench when missing (outside the repo):
#   $TIFF_CORPUS (default /tmp/bench-tiff): 24 MP 8-bit LZW, 24 MP
#       uncompressed, 108 MP 16-bit LZW, 192 MP 8-bit LZW
#   $JPEG_CORPUS (default /tmp/bench-jpeg): 12 JPEGs of 24 MP, quality 90
#   $GIGA_CORPUS (default /tmp/bench-giga): one 40000 x 25000 TIFF (3 GB)
# Set SKIP_GIGA=1 to leave out the gigapixel master.
# Needs what compare.sh needs, and GNU time.
set -euo pipefail

vitrine=${1:?usage: tiff.sh VITRINE [RUNS]}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tiff=${TIFF_CORPUS:-/tmp/bench-tiff}
jpeg=${JPEG_CORPUS:-/tmp/bench-jpeg}
giga=${GIGA_CORPUS:-/tmp/bench-giga}

gen() { # DIR ARGS...: write a corpus once
	local dir=$1
	shift
	[[ -f $dir/exhibition.yaml ]] || (cd "$repo" && go run ./samples/gen-bench -o "$dir" "$@")
}
gen "$tiff" -corpus tiff
gen "$jpeg" -n 12 -tiffs 0

echo "== TIFF corpus =="
"$here/compare.sh" "$tiff" "$vitrine" "$runs" | tee "${TMPDIR:-/tmp}/tiff-bench-tiff.txt"
echo
echo "== JPEG corpus =="
"$here/compare.sh" "$jpeg" "$vitrine" "$runs" | tee "${TMPDIR:-/tmp}/tiff-bench-jpeg.txt"

[[ ${SKIP_GIGA:-} == 1 ]] && exit 0
gen "$giga" -corpus giga
work=$(mktemp -d "${TMPDIR:-/tmp}/vitrine-giga-XXXXXX")
trap 'rm -rf "$work"' EXIT
echo
echo "== one 1-gigapixel TIFF master (40000 x 25000, $(du -h "$giga"/images/*.tif | cut -f1)), --max-memory 512MiB =="
# peak RSS in KiB of a command, from GNU time
peak() { /usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/log" 2>&1 || { tail "$work/log"; exit 1; }; cat "$work/t"; }
read -r vw vm < <(peak "$vitrine" build "$giga" -o "$work/out" --cache-dir "$work/cache" --max-memory 512MiB --max-pixels 1100000000)
grep -m1 'map-1gp' "$work/log" || true
rm -rf "$work/out" "$work/cache"
read -r pw pm < <(peak vips dzsave "$giga/images/map-1gp.tif" "$work/dz" --layout iiif3 --tile-size 512)
printf '%-34s %8.1f s %8.0f MiB\n' "vitrine build (all formats)" "$vw" "$(echo "$vm / 1024" | bc -l)"
printf '%-34s %8.1f s %8.0f MiB\n' "vips dzsave (tiles only)" "$pw" "$(echo "$pm / 1024" | bc -l)"
printf 'bound: --max-memory + 256 MiB = 768 MiB; vitrine peak %s\n' \
	"$(awk -v m="$vm" 'BEGIN { if (m / 1024 <= 768) print "within it"; else print "OVER IT" }')"
