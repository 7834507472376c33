package tiffband

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/tiff"

	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

// layout is one way of storing a test image.
type layout struct {
	order       binary.ByteOrder
	big         bool
	bits        int // 8 or 16
	photometric int // 0, 1, 2
	spp         int
	extra       int // ExtraSamples value of the first extra sample; -1 none
	compression int
	predictor   int
	rps         int // rows per strip (0: tiled)
	tileW       int
	tileH       int
	pages       int
}

func (l layout) String() string {
	bo := "II"
	if l.order == binary.BigEndian {
		bo = "MM"
	}
	s := fmt.Sprintf("%s big=%v %dbit pm%d spp%d ex%d c%d p%d", bo, l.big, l.bits, l.photometric, l.spp, l.extra, l.compression, l.predictor)
	if l.rps > 0 {
		return s + fmt.Sprintf(" rps%d", l.rps)
	}
	return s + fmt.Sprintf(" tiles%dx%d", l.tileW, l.tileH)
}

// samples makes w*h*spp random-ish samples of the given bits (smooth
// enough to compress, with noise so the predictor matters).
func samples(w, h, spp, bits int, seed uint64) []uint16 {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]uint16, w*h*spp)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < spp; c++ {
				v := (x*37+y*11+c*5000)%65536 ^ int(r.IntN(64))
				if bits == 8 {
					v >>= 8
				}
				out[(y*w+x)*spp+c] = uint16(v)
			}
		}
	}
	return out
}

// encodeTIFF writes samples as a TIFF with layout l.
func encodeTIFF(t testing.TB, l layout, w, h int, s []uint16) []byte {
	t.Helper()
	bo := l.order.(interface {
		binary.ByteOrder
		binary.AppendByteOrder
	})
	bps := l.bits / 8
	// rows of pixels (predictor applied) per piece
	piece := func(x0, y0, pw, ph, rowW int) []byte {
		var raw []byte
		for y := y0; y < y0+ph; y++ {
			row := make([]uint16, rowW*l.spp)
			for x := 0; x < pw && x0+x < w; x++ {
				if y < h {
					copy(row[x*l.spp:(x+1)*l.spp], s[(y*w+x0+x)*l.spp:])
				}
			}
			if l.predictor == 2 {
				for i := len(row) - 1; i >= l.spp; i-- {
					row[i] -= row[i-l.spp]
					if bps == 1 {
						row[i] &= 0xFF
					}
				}
			}
			for _, v := range row {
				if bps == 1 {
					raw = append(raw, byte(v))
				} else {
					raw = bo.AppendUint16(raw, v)
				}
			}
		}
		switch l.compression {
		case compLZW:
			return lzwTIFF(raw)
		case compDeflate:
			var b bytes.Buffer
			z := zlib.NewWriter(&b)
			z.Write(raw)
			z.Close()
			return b.Bytes()
		case compPackBits:
			return packBitsEncode(raw)
		}
		return raw
	}
	var pieces [][]byte
	if l.rps > 0 {
		for y := 0; y < h; y += l.rps {
			pieces = append(pieces, piece(0, y, w, min(l.rps, h-y), w))
		}
	} else {
		for y := 0; y < h; y += l.tileH {
			for x := 0; x < w; x += l.tileW {
				pieces = append(pieces, piece(x, y, l.tileW, l.tileH, l.tileW))
			}
		}
	}
	var out bytes.Buffer
	if bo == binary.LittleEndian {
		out.WriteString("II")
	} else {
		out.WriteString("MM")
	}
	hdr := 8
	if l.big {
		hdr = 16
		out.Write(bo.AppendUint16(nil, 43))
		out.Write(bo.AppendUint16(nil, 8))
		out.Write(bo.AppendUint16(nil, 0))
		out.Write(make([]byte, 8)) // IFD offset, patched
	} else {
		out.Write(bo.AppendUint16(nil, 42))
		out.Write(make([]byte, 4))
	}
	_ = hdr
	offs := make([]uint64, len(pieces))
	cnts := make([]uint64, len(pieces))
	for i, p := range pieces {
		offs[i], cnts[i] = uint64(out.Len()), uint64(len(p))
		out.Write(p)
	}
	if out.Len()%2 == 1 {
		out.WriteByte(0)
	}
	type ent struct {
		tag  uint16
		typ  imagemeta.Type
		vals []uint64
	}
	offType := imagemeta.Long
	if l.big {
		offType = imagemeta.Long8
	}
	bpsVals := make([]uint64, l.spp)
	for i := range bpsVals {
		bpsVals[i] = uint64(l.bits)
	}
	ents := []ent{
		{256, imagemeta.Long, []uint64{uint64(w)}},
		{257, imagemeta.Long, []uint64{uint64(h)}},
		{258, imagemeta.Short, bpsVals},
		{259, imagemeta.Short, []uint64{uint64(l.compression)}},
		{262, imagemeta.Short, []uint64{uint64(l.photometric)}},
	}
	if l.rps > 0 {
		ents = append(ents, ent{273, offType, offs})
	}
	ents = append(ents, ent{277, imagemeta.Short, []uint64{uint64(l.spp)}})
	if l.rps > 0 {
		ents = append(ents, ent{278, imagemeta.Long, []uint64{uint64(l.rps)}}, ent{279, offType, cnts})
	}
	ents = append(ents, ent{284, imagemeta.Short, []uint64{1}})
	if l.predictor != 1 {
		ents = append(ents, ent{317, imagemeta.Short, []uint64{uint64(l.predictor)}})
	}
	if l.rps == 0 {
		ents = append(ents, ent{322, imagemeta.Long, []uint64{uint64(l.tileW)}}, ent{323, imagemeta.Long, []uint64{uint64(l.tileH)}},
			ent{324, offType, offs}, ent{325, offType, cnts})
	}
	if l.extra >= 0 {
		ex := make([]uint64, l.spp-map[bool]int{true: 1, false: 3}[l.photometric < 2])
		for i := range ex {
			ex[i] = 0
		}
		ex[0] = uint64(l.extra)
		ents = append(ents, ent{338, imagemeta.Short, ex})
	}
	writeIFD := func(ents []ent, last bool) {
		start := out.Len()
		entSize, head, room := 12, 2, 4
		if l.big {
			entSize, head, room = 20, 8, 8
		}
		extra := start + head + entSize*len(ents) + room
		var ext []byte
		var b []byte
		if l.big {
			b = bo.AppendUint64(b, uint64(len(ents)))
		} else {
			b = bo.AppendUint16(b, uint16(len(ents)))
		}
		for _, e := range ents {
			var val []byte
			for _, v := range e.vals {
				switch e.typ.Size() {
				case 2:
					val = bo.AppendUint16(val, uint16(v))
				case 4:
					val = bo.AppendUint32(val, uint32(v))
				case 8:
					val = bo.AppendUint64(val, v)
				}
			}
			b = bo.AppendUint16(b, e.tag)
			b = bo.AppendUint16(b, uint16(e.typ))
			if l.big {
				b = bo.AppendUint64(b, uint64(len(e.vals)))
			} else {
				b = bo.AppendUint32(b, uint32(len(e.vals)))
			}
			if len(val) <= room {
				b = append(b, val...)
				b = append(b, make([]byte, room-len(val))...)
			} else {
				p := uint64(extra + len(ext))
				if l.big {
					b = bo.AppendUint64(b, p)
				} else {
					b = bo.AppendUint32(b, uint32(p))
				}
				ext = append(ext, val...)
			}
		}
		next := uint64(0)
		if !last {
			next = uint64(extra + len(ext))
		}
		if l.big {
			b = bo.AppendUint64(b, next)
		} else {
			b = bo.AppendUint32(b, uint32(next))
		}
		out.Write(b)
		out.Write(ext)
	}
	ifd := out.Len()
	for p := 0; p < max(l.pages, 1); p++ {
		writeIFD(ents, p == max(l.pages, 1)-1)
	}
	data := out.Bytes()
	if l.big {
		bo.PutUint64(data[8:], uint64(ifd))
	} else {
		bo.PutUint32(data[4:], uint32(ifd))
	}
	return data
}

// want is the expected 8-bit output of samples under layout l.
func want(l layout, w, h int, s []uint16) []byte {
	ch := 3
	if l.photometric < 2 {
		ch = 1
	}
	out := make([]byte, w*h*ch)
	for i := 0; i < w*h; i++ {
		p := s[i*l.spp:]
		b8 := func(v uint16) uint32 {
			if l.bits == 16 {
				return uint32(v >> 8)
			}
			return uint32(v)
		}
		for c := 0; c < ch; c++ {
			v := b8(p[c])
			if l.photometric == 0 {
				v = 255 - v
			}
			if l.extra == 1 || l.extra == 2 {
				a := b8(p[ch])
				if l.extra == 2 {
					v = (v*a + 127) / 255
				}
				v = min(v+255-a, 255)
			}
			out[i*ch+c] = byte(v)
		}
	}
	return out
}

func layouts() []layout {
	base := layout{order: binary.LittleEndian, bits: 8, photometric: 2, spp: 3, extra: -1, compression: compLZW, predictor: 1, rps: 16}
	var ls []layout
	add := func(f func(*layout)) {
		l := base
		f(&l)
		ls = append(ls, l)
	}
	for _, c := range []int{compNone, compLZW, compDeflate, compPackBits} {
		for _, p := range []int{1, 2} {
			add(func(l *layout) { l.compression, l.predictor = c, p })
			add(func(l *layout) { l.compression, l.predictor, l.bits, l.order = c, p, 16, binary.BigEndian })
		}
	}
	add(func(l *layout) { l.photometric, l.spp = 1, 1 })
	add(func(l *layout) { l.photometric, l.spp, l.predictor = 0, 1, 2 })
	add(func(l *layout) { l.photometric, l.spp, l.extra = 1, 2, 2 })
	add(func(l *layout) { l.spp, l.extra = 4, 2 })
	add(func(l *layout) { l.spp, l.extra, l.bits = 4, 1, 16 })
	add(func(l *layout) { l.spp, l.extra = 4, 0 })
	add(func(l *layout) { l.rps = 7 })
	add(func(l *layout) { l.rps = 1000 }) // one strip
	add(func(l *layout) { l.big = true })
	add(func(l *layout) { l.big, l.order, l.bits, l.predictor = true, binary.BigEndian, 16, 2 })
	add(func(l *layout) { l.rps, l.tileW, l.tileH = 0, 32, 16 })
	add(func(l *layout) { l.rps, l.tileW, l.tileH, l.predictor, l.compression = 0, 48, 32, 2, compDeflate })
	add(func(l *layout) { l.rps, l.tileW, l.tileH, l.big, l.bits = 0, 16, 16, true, 16 })
	add(func(l *layout) { l.pages = 3 })
	return ls
}

// readAll decodes the whole image in bands of the given heights (cycled).
func readAll(t testing.TB, data []byte, bands ...int) (*Decoder, []byte) {
	t.Helper()
	d, err := Open(bytes.NewReader(data), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, d.Height*d.RowBytes())
	for i := 0; d.Next() < d.Height; i++ {
		n := min(bands[i%len(bands)], d.Height-d.Next())
		if err := d.ReadRows(out[d.Next()*d.RowBytes():], n); err != nil {
			t.Fatal(err)
		}
	}
	return d, out
}

// TestLayouts decodes every layout in bands of several heights and
// compares with the samples written; where golang.org/x/image/tiff reads
// the file too (classic TIFF), with what it decodes, flattened on white.
func TestLayouts(t *testing.T) {
	const w, h = 101, 77
	for _, l := range layouts() {
		t.Run(l.String(), func(t *testing.T) {
			s := samples(w, h, l.spp, l.bits, uint64(l.spp*100+l.bits))
			data := encodeTIFF(t, l, w, h, s)
			exp := want(l, w, h, s)
			for _, bands := range [][]int{{h}, {16}, {5, 30, 1}, {64}} {
				d, got := readAll(t, data, bands...)
				if d.Width != w || d.Height != h {
					t.Fatalf("size %dx%d", d.Width, d.Height)
				}
				if !bytes.Equal(got, exp) {
					i := firstDiff(got, exp)
					t.Fatalf("bands %v: byte %d (row %d) is %d, want %d", bands, i, i/d.RowBytes(), got[i], exp[i])
				}
				if l.pages > 1 && d.Pages != l.pages {
					t.Errorf("pages %d, want %d", d.Pages, l.pages)
				}
			}
			if l.big || l.photometric == 0 || l.spp == 2 || l.extra == 0 {
				return // layouts x/image/tiff does not read (BigTIFF, grey with alpha, unspecified extra samples), or reads otherwise (WhiteIsZero)
			}
			img, err := tiff.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("x/image/tiff: %v", err)
			}
			ref := flattenRef(img)
			_, got := readAll(t, data, 32)
			for i := range got {
				if diff := int(got[i]) - int(ref[i]); diff < -1 || diff > 1 {
					t.Fatalf("byte %d: %d, x/image/tiff gives %d", i, got[i], ref[i])
				}
			}
		})
	}
}

// flattenRef draws img over white as 8-bit grey or RGB bytes.
func flattenRef(img image.Image) []byte {
	b := img.Bounds()
	out := image.NewNRGBA(b)
	draw.Draw(out, b, image.White, image.Point{}, draw.Src)
	draw.Draw(out, b, img, b.Min, draw.Over)
	grey := false
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		grey = true
	}
	var res []byte
	for i := 0; i < len(out.Pix); i += 4 {
		if grey {
			res = append(res, out.Pix[i])
		} else {
			res = append(res, out.Pix[i:i+3]...)
		}
	}
	// grey+alpha is decoded by x/image/tiff as NRGBA/RGBA: keep one channel
	return res
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestUnsupported(t *testing.T) {
	base := layout{order: binary.LittleEndian, bits: 8, photometric: 2, spp: 3, extra: -1, compression: compNone, predictor: 1, rps: 8}
	for _, tc := range []struct {
		name string
		edit func(*layout)
	}{
		{"palette", func(l *layout) { l.photometric, l.spp = 3, 1 }},
		{"CMYK", func(l *layout) { l.photometric, l.spp = 5, 4 }},
		{"JPEG", func(l *layout) { l.compression = 7 }},
		{"float predictor", func(l *layout) { l.predictor = 3 }},
		{"4 bits", func(l *layout) { l.bits = 4 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := base
			tc.edit(&l)
			bits := l.bits
			if bits < 8 {
				l.bits = 8
			}
			data := encodeTIFF(t, l, 8, 8, samples(8, 8, l.spp, l.bits, 1))
			if bits < 8 {
				// patch BitsPerSample values: first entry value array; simplest is to rewrite via layout
				data = bytes.Replace(data, []byte{8, 0, 8, 0, 8, 0}, []byte{4, 0, 4, 0, 4, 0}, 1)
			}
			if _, err := Open(bytes.NewReader(data), bytes.NewReader(data), int64(len(data))); !errors.Is(err, ErrUnsupported) {
				t.Errorf("error %v, want ErrUnsupported", err)
			}
		})
	}
}

func TestDamaged(t *testing.T) {
	l := layout{order: binary.LittleEndian, bits: 8, photometric: 2, spp: 3, extra: -1, compression: compLZW, predictor: 2, rps: 8}
	s := samples(40, 30, 3, 8, 3)
	data := encodeTIFF(t, l, 40, 30, s)
	// Cut the file in the middle of its strips: Open fails (offsets
	// outside the file) or ReadRows reports the strip.
	cut := data[:len(data)/2]
	copy(cut[len(cut)-200:], data[len(data)-200:]) // keep... the IFD is lost anyway
	if _, err := Open(bytes.NewReader(cut), bytes.NewReader(cut), int64(len(cut))); err == nil {
		t.Errorf("truncated file opened")
	}
	// Garble one strip's bytes: the LZW stream ends early.
	bad := append([]byte(nil), data...)
	d, _ := Open(bytes.NewReader(bad), bytes.NewReader(bad), int64(len(bad)))
	for i := range int(d.counts[1]) {
		bad[int(d.offsets[1])+i] = 0xFF
	}
	d, _ = Open(bytes.NewReader(bad), bytes.NewReader(bad), int64(len(bad)))
	err := d.ReadRows(make([]byte, 30*d.RowBytes()), 30)
	if err == nil {
		t.Fatalf("garbled strip decoded")
	}
	t.Log(err)
}

// FuzzDecode: no file makes the decoder panic or allocate without bound.
func FuzzDecode(f *testing.F) {
	for i, l := range layouts() {
		if i%3 == 0 {
			f.Add(encodeTIFF(f, l, 9, 7, samples(9, 7, l.spp, l.bits, 5)))
		}
	}
	seeds, _ := filepath.Glob("testdata/*.tif")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Open(bytes.NewReader(data), bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if int64(d.Width)*int64(d.Height) > 1<<16 || d.unitH*d.Width > 1<<16 {
			return
		}
		buf := make([]byte, 8*d.RowBytes())
		for d.Next() < d.Height {
			if d.ReadRows(buf, min(8, d.Height-d.Next())) != nil {
				return
			}
		}
	})
}

// lzwTIFF compresses data with TIFF's LZW (MSB-first codes of 9 to 12
// bits, Clear first, early change, EOI last).
func lzwTIFF(data []byte) []byte {
	var out []byte
	var acc uint32
	var nacc uint
	emit := func(code, width uint) {
		acc = acc<<width | uint32(code)
		nacc += width
		for nacc >= 8 {
			out = append(out, byte(acc>>(nacc-8)))
			nacc -= 8
		}
	}
	const clearCode, eoi = 256, 257
	dict := map[uint32]uint{}
	next, width := uint(258), uint(9)
	emit(clearCode, width)
	if len(data) > 0 {
		prefix := uint(data[0])
		for _, c := range data[1:] {
			key := uint32(prefix)<<8 | uint32(c)
			if code, ok := dict[key]; ok {
				prefix = code
				continue
			}
			emit(prefix, width)
			dict[key] = next
			next++
			if next == 1<<width && width < 12 {
				width++
			}
			if next == 4093 {
				emit(clearCode, width)
				clear(dict)
				next, width = 258, 9
			}
			prefix = uint(c)
		}
		emit(prefix, width)
		if next+1 == 1<<width && width < 12 {
			width++
		}
	}
	emit(eoi, width)
	if nacc > 0 {
		out = append(out, byte(acc<<(8-nacc)))
	}
	return out
}

// packBitsEncode writes literal runs and repeats of up to 128 bytes.
func packBitsEncode(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && j-i < 128 && b[j] == b[i] {
			j++
		}
		if j-i >= 3 {
			out = append(out, byte(int8(1-(j-i))), b[i])
			i = j
			continue
		}
		j = i
		for j < len(b) && j-i < 128 && !(j+2 < len(b) && b[j] == b[j+1] && b[j] == b[j+2]) {
			j++
		}
		if j == i {
			j++
		}
		out = append(out, byte(j-i-1))
		out = append(out, b[i:j]...)
		i = j
	}
	return out
}
