package tiffband

import (
	"errors"
)

var errLZW = errors.New("invalid LZW data")

// lzwDecode decodes TIFF LZW data (codes of 9 to 12 bits, most significant
// bit first, Clear 256, End of Information 257, the code width growing one
// code early) into dst, and returns the bytes written: len(dst) when the
// data holds at least that much (the rest is ignored, as libtiff does), less
// when it ends early.
//
// Every string of the table is a run of bytes already written to dst (a
// string is the previous one plus one byte, and the output is their
// concatenation), so the table holds only offsets and lengths and a code
// is decoded with one copy: several times faster than a decoder that walks
// a code's prefixes.
func lzwDecode(dst, src []byte) (int, error) {
	const clearCode, eoi = 256, 257
	var start [4096]int32
	var length [4096]int32
	var acc uint64
	nacc := uint(0)
	p := 0
	width := uint(9)
	next := 258
	prev := -1 // the previous code, -1 after a Clear
	pos := 0
	for pos < len(dst) {
		for nacc < width {
			if p >= len(src) {
				return pos, nil // no End of Information: what there is
			}
			acc = acc<<8 | uint64(src[p])
			p++
			nacc += 8
		}
		nacc -= width
		code := int(acc>>nacc) & (1<<width - 1)
		switch {
		case code == clearCode:
			width, next, prev = 9, 258, -1
			continue
		case code == eoi:
			return pos, nil
		}
		curStart := pos
		var n int
		switch {
		case code < 256:
			dst[pos] = byte(code)
			n = 1
		case code < next && prev >= 0:
			s, l := int(start[code]), int(length[code])
			n = min(l, len(dst)-pos)
			copy(dst[pos:pos+n], dst[s:s+n])
		case code == next && prev >= 0:
			// The string of prev followed by its own first byte.
			s, l := int(start[prev]), prevLen(prev, length[:])
			n = min(l+1, len(dst)-pos)
			for i := 0; i < n; i++ {
				if i < l {
					dst[pos+i] = dst[s+i]
				} else {
					dst[pos+i] = dst[s]
				}
			}
		default:
			return pos, errLZW
		}
		if prev >= 0 && next < 4096 {
			// The new string: prev's, then the first byte of this one;
			// they lie side by side in dst.
			pl := prevLen(prev, length[:])
			start[next] = int32(curStart - pl)
			length[next] = int32(pl + 1)
			next++
			if next == 1<<width-1 && width < 12 {
				width++
			}
		}
		if code < 256 {
			start[code] = int32(curStart) // where this literal was written
			length[code] = 1
		}
		prev = code
		pos += n
	}
	return pos, nil
}

func prevLen(code int, length []int32) int {
	if code < 256 {
		return 1
	}
	return int(length[code])
}
