package jpegcoef

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"math/bits"
)

// The standard Huffman tables of ITU-T T.81 Annex K.3 (BITS counts for code
// lengths 1..16, then HUFFVAL). They code every baseline symbol, so any
// coefficients of an 8-bit JPEG can be re-encoded with them without first
// gathering statistics.
var (
	stdDCLumCounts = []byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}
	stdDCLumVals   = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	stdDCChrCounts = []byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}
	stdDCChrVals   = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	stdACLumCounts = []byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d}
	stdACLumVals   = []byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12,
		0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
		0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16,
		0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
		0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
		0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
		0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
		0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
		0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4,
		0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
		0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
	stdACChrCounts = []byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77}
	stdACChrVals   = []byte{
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21,
		0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
		0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34,
		0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38,
		0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
		0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
		0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96,
		0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
		0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2,
		0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9,
		0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
)

// encTable maps a symbol straight to its code and length, so encoding is one
// lookup per symbol.
type encTable struct {
	code [256]uint16
	size [256]uint8
}

func newEncTable(counts, vals []byte) *encTable {
	t := &encTable{}
	code, k := 0, 0
	for l := 1; l <= 16; l++ {
		for i := 0; i < int(counts[l-1]); i++ {
			t.code[vals[k]] = uint16(code)
			t.size[vals[k]] = uint8(l)
			code++
			k++
		}
		code <<= 1
	}
	return t
}

var (
	encDCLum = newEncTable(stdDCLumCounts, stdDCLumVals)
	encACLum = newEncTable(stdACLumCounts, stdACLumVals)
	encDCChr = newEncTable(stdDCChrCounts, stdDCChrVals)
	encACChr = newEncTable(stdACChrCounts, stdACChrVals)
)

// bitWriter appends bits MSB-first to a byte slice, stuffing 0x00 after
// every 0xFF, through a 64-bit buffer so bytes go out four at a time.
type bitWriter struct {
	out []byte
	acc uint64 // pending bits, right-aligned
	n   uint
}

func (bw *bitWriter) put(code uint32, size uint) {
	bw.acc = bw.acc<<size | uint64(code)
	bw.n += size
	if bw.n >= 32 {
		bw.emit32()
	}
}

// emit32 moves the oldest 32 pending bits to out: four bytes at once, unless
// one of them is 0xFF and needs its stuffed 0x00.
func (bw *bitWriter) emit32() {
	bw.n -= 32
	w := uint32(bw.acc >> bw.n)
	// A byte of w is 0xFF exactly when the same byte of ^w is zero.
	if x := ^w; (x-0x01010101)&^x&0x80808080 == 0 {
		bw.out = binary.BigEndian.AppendUint32(bw.out, w)
		return
	}
	for i := 24; i >= 0; i -= 8 {
		b := byte(w >> i)
		bw.out = append(bw.out, b)
		if b == 0xFF {
			bw.out = append(bw.out, 0)
		}
	}
}

// flush pads the last byte with 1-bits, as T.81 F.1.2.3 asks.
func (bw *bitWriter) flush() {
	if r := bw.n % 8; r != 0 {
		bw.put(1<<(8-r)-1, 8-r)
	}
	for bw.n >= 8 {
		b := byte(bw.acc >> (bw.n - 8))
		bw.out = append(bw.out, b)
		if b == 0xFF {
			bw.out = append(bw.out, 0)
		}
		bw.n -= 8
	}
}

// magnitude returns the category (bit count) of v and its extra bits (v,
// or v-1 for a negative v, in s bits), without a branch on the sign.
func magnitude(v int32) (uint, uint32) {
	m := v >> 31 // -1 when v < 0, else 0
	s := uint(bits.Len32(uint32((v ^ m) - m)))
	return s, uint32(v+m) & (1<<s - 1)
}

func (bw *bitWriter) block(blk []int16, pred *int32, dt, at *encTable) {
	blk = blk[:64]
	d := int32(blk[0]) - *pred
	*pred = int32(blk[0])
	s, x := magnitude(d)
	bw.put(uint32(dt.code[s])<<s|x, uint(dt.size[s])+s)
	// One bit per non-zero AC coefficient (bit k for blk[k]), made without
	// a branch per coefficient; the loop below then visits only the
	// non-zero ones (most of a block's 63 are zero).
	var nz uint64
	for k := 1; k < 64; k++ {
		v := uint64(uint16(blk[k]))
		nz |= (v | -v) >> 63 << k // 1 when v != 0
	}
	k := 0 // last coefficient written
	for nz != 0 {
		next := bits.TrailingZeros64(nz)
		nz &= nz - 1
		run := next - k - 1
		for run > 15 {
			bw.put(uint32(at.code[0xF0]), uint(at.size[0xF0]))
			run -= 16
		}
		s, x := magnitude(int32(blk[next]))
		sym := byte(run<<4) | byte(s)
		bw.put(uint32(at.code[sym])<<s|x, uint(at.size[sym])+s)
		k = next
	}
	if k < 63 {
		bw.put(uint32(at.code[0]), uint(at.size[0]))
	}
}

func appendSegment(b []byte, marker byte, payload ...[]byte) []byte {
	n := 2
	for _, p := range payload {
		n += len(p)
	}
	b = append(b, 0xFF, marker, byte(n>>8), byte(n))
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// WriteCrop writes the pixel rectangle r as a baseline JPEG holding exactly
// the original coefficients of the blocks covering r (lossless). r.Min must
// be a multiple of the MCU size; r.Max a multiple of it or the image's edge.
func (m *Image) WriteCrop(w io.Writer, r image.Rectangle) error {
	if len(m.comps) == 0 || m.comps[0].coef == nil {
		return fmt.Errorf("jpegcoef: image holds no coefficients")
	}
	mw, mh := m.MCUSize()
	if r.Empty() || !r.In(image.Rect(0, 0, m.Width, m.Height)) {
		return fmt.Errorf("jpegcoef: crop %v outside the %dx%d image", r, m.Width, m.Height)
	}
	if r.Min.X%mw != 0 || r.Min.Y%mh != 0 ||
		(r.Max.X%mw != 0 && r.Max.X != m.Width) || (r.Max.Y%mh != 0 && r.Max.Y != m.Height) {
		return fmt.Errorf("jpegcoef: crop %v not aligned to the %dx%d MCU", r, mw, mh)
	}
	mx0, my0 := r.Min.X/mw, r.Min.Y/mh
	mx1, my1 := (r.Max.X+mw-1)/mw, (r.Max.Y+mh-1)/mh

	blocks := 0
	for _, c := range m.comps {
		blocks += (mx1 - mx0) * (my1 - my0) * c.h * c.v
	}
	b := make([]byte, 0, 700+blocks*24)
	b = m.appendHeader(b, r.Dx(), r.Dy())
	bw := bitWriter{out: b}
	var pred [3]int32
	m.appendScan(&bw, &pred, mx0, my0, mx1, my1)
	bw.flush()
	b = append(bw.out, 0xFF, 0xD9)
	_, err := w.Write(b)
	return err
}

// appendHeader appends SOI, JFIF, the quantization tables, SOF0 for a w x h
// image, the standard Huffman tables and SOS to b.
func (m *Image) appendHeader(b []byte, w, h int) []byte {
	b = append(b, 0xFF, 0xD8)
	b = append(b, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00)

	var written [4]bool
	for _, c := range m.comps {
		if written[c.tq] {
			continue
		}
		written[c.tq] = true
		q := &m.qt[c.tq]
		wide := false
		for _, v := range q {
			if v > 255 {
				wide = true
			}
		}
		// 16-bit entries are only written when a table needs them, which
		// quality >= 1 encoders never produce for 8-bit images.
		if wide {
			p := []byte{0x10 | byte(c.tq)}
			for _, v := range q {
				p = append(p, byte(v>>8), byte(v))
			}
			b = appendSegment(b, 0xDB, p)
		} else {
			p := []byte{byte(c.tq)}
			for _, v := range q {
				p = append(p, byte(v))
			}
			b = appendSegment(b, 0xDB, p)
		}
	}

	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(m.comps))}
	for _, c := range m.comps {
		sof = append(sof, c.id, byte(c.h<<4|c.v), byte(c.tq))
	}
	b = appendSegment(b, 0xC0, sof)

	dht := [][]byte{{0x00}, stdDCLumCounts, stdDCLumVals, {0x10}, stdACLumCounts, stdACLumVals}
	if len(m.comps) > 1 {
		dht = append(dht, []byte{0x01}, stdDCChrCounts, stdDCChrVals, []byte{0x11}, stdACChrCounts, stdACChrVals)
	}
	b = appendSegment(b, 0xC4, dht...)

	sos := []byte{byte(len(m.comps))}
	for i, c := range m.comps {
		sel := byte(0x00)
		if i > 0 {
			sel = 0x11
		}
		sos = append(sos, c.id, sel)
	}
	sos = append(sos, 0, 63, 0)
	b = appendSegment(b, 0xDA, sos)

	return b
}

// appendScan entropy-codes the MCUs [mx0, mx1) x [my0, my1) to bw, the DC
// predictions carried in pred.
func (m *Image) appendScan(bw *bitWriter, pred *[3]int32, mx0, my0, mx1, my1 int) {
	for my := my0; my < my1; my++ {
		for mx := mx0; mx < mx1; mx++ {
			for ci := range m.comps {
				c := &m.comps[ci]
				dt, at := encDCLum, encACLum
				if ci > 0 {
					dt, at = encDCChr, encACChr
				}
				for v := 0; v < c.v; v++ {
					row := (my*c.v + v) * c.bw
					for h := 0; h < c.h; h++ {
						off := (row + mx*c.h + h) * 64
						bw.block(c.coef[off:off+64], &pred[ci], dt, at)
					}
				}
			}
		}
	}
}
