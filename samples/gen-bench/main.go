// Command gen-bench writes the deterministic benchmark corpus of vitrine's
// image pipeline: an exhibition of photographic-looking JPEG masters
// (6000 x 4000, quality 90, about 3 bits per pixel like real photographs, not
// flat colour) and a few uncompressed and LZW-compressed RGB TIFFs, with an
// exhibition.yaml that lists them, one plate each.
//
//	go run ./samples/gen-bench -o /tmp/bench            # 46 JPEGs + 2 + 2 TIFFs
//	go run ./samples/gen-bench -o /tmp/bench460 -n 460 -tiffs 0
//	go run ./samples/gen-bench -o /tmp/bench-tiff -corpus tiff   # archival TIFF masters
//	go run ./samples/gen-bench -o /tmp/bench-giga -corpus giga   # one 1-gigapixel TIFF
//
// The tiff corpus is four masters as archives keep them: 24 MP 8-bit LZW,
// 24 MP uncompressed, 108 MP 16-bit LZW (horizontal predictor, as image
// editors write it) and 192 MP 8-bit LZW. The giga corpus is one
// 40000 x 25000 uncompressed 8-bit TIFF (3 GB), for measuring memory.
//
// The same flags always give byte-identical files.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

func main() {
	out := flag.String("o", "", "output folder (required)")
	n := flag.Int("n", 46, "number of JPEG masters")
	tiffs := flag.Int("tiffs", 2, "number of uncompressed TIFFs, and as many LZW TIFFs")
	w := flag.Int("width", 6000, "width of each master")
	h := flag.Int("height", 4000, "height of each master")
	corpus := flag.String("corpus", "", "instead of JPEGs: tiff (four archival TIFF masters) or giga (one 1-gigapixel TIFF)")
	flag.Parse()
	if *out == "" || *n < 0 || *tiffs < 0 || *w < 16 || *h < 16 || (*corpus != "" && *corpus != "tiff" && *corpus != "giga") {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	switch *corpus {
	case "tiff":
		err = generateMasters(*out, []master{
			{name: "images/scan-24mp-lzw.tif", seed: 3001, kind: "tiff-lzw", w: 6000, h: 4000, grain: 2.5},
			{name: "images/scan-24mp.tif", seed: 3002, kind: "tiff", w: 6000, h: 4000, grain: 2.5},
			{name: "images/scan-108mp-16bit-lzw.tif", seed: 3003, kind: "tiff16-lzw", w: 12720, h: 8480, grain: 2.5},
			{name: "images/scan-192mp-lzw.tif", seed: 3004, kind: "tiff-lzw", w: 16000, h: 12000, grain: 2.5},
		})
	case "giga":
		err = generateMasters(*out, []master{{name: "images/map-1gp.tif", seed: 4001, kind: "giga", w: 40000, h: 25000, grain: 2.5}})
	default:
		err = generate(*out, *n, *tiffs, *w, *h)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-bench:", err)
		os.Exit(1)
	}
}

type master struct {
	name string
	seed int
	kind string // jpeg, tiff, tiff-lzw, tiff16-lzw, giga
	w, h int    // 0: the -width and -height flags
	// grain is the noise's standard deviation; 0 means 10, a
	// photograph's. A scanner's is lower: the archival TIFFs use 2.5 and
	// compress to about half with LZW, as real scans do.
	grain float64
}

func generate(dir string, n, tiffs, w, h int) error {
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		return err
	}
	var ms []master
	for i := 1; i <= n; i++ {
		ms = append(ms, master{name: fmt.Sprintf("images/plate-%03d.jpg", i), seed: i, kind: "jpeg"})
	}
	for i := 1; i <= tiffs; i++ {
		ms = append(ms, master{name: fmt.Sprintf("images/scan-%02d.tif", i), seed: 1000 + i, kind: "tiff"})
		ms = append(ms, master{name: fmt.Sprintf("images/scan-%02d-lzw.tif", i), seed: 2000 + i, kind: "tiff-lzw"})
	}
	for i := range ms {
		ms[i].w, ms[i].h = w, h
	}
	return generateMasters(dir, ms)
}

// generateMasters writes ms and the exhibition listing them, in parallel.
func generateMasters(dir string, ms []master) error {
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		return err
	}
	jobs := make(chan master)
	errs := make(chan error, len(ms))
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range jobs {
				errs <- write(filepath.Join(dir, filepath.FromSlash(m.name)), m)
			}
		}()
	}
	for _, m := range ms {
		jobs <- m
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return writeYAML(filepath.Join(dir, "exhibition.yaml"), ms)
}

func write(path string, m master) error {
	w, h := m.w, m.h
	if m.kind == "giga" {
		// A 8000 x 5000 scene repeated: the file's bytes, not its
		// content, are what the memory measurement needs.
		w, h = 8000, 5000
	}
	grain := m.grain
	if grain == 0 {
		grain = 10 // a photograph's sensor noise
	}
	img := scene(w, h, m.seed, grain)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	switch m.kind {
	case "jpeg":
		err = jpeg.Encode(bw, img, &jpeg.Options{Quality: 90})
	case "giga":
		err = writeTIFFOf(bw, tiled{img, m.w, m.h}, tiffOptions{})
	default:
		err = writeTIFFOf(bw, img, tiffOptions{lzw: m.kind != "tiff", bits16: m.kind == "tiff16-lzw", predictor: m.kind == "tiff16-lzw"})
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintln(os.Stderr, "wrote", path)
	return nil
}

// scene paints a photograph-like YCbCr 4:2:0 image: a sky-to-ground
// gradient, soft large shapes, mid-frequency texture at several scales,
// sharp edges, and sensor grain, all from seed.
func scene(w, h, seed int, grain float64) *image.YCbCr {
	r := rand.New(rand.NewPCG(uint64(seed), 0x76697472696e65))
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	octaves := []*lattice{newLattice(r, w, h, 700), newLattice(r, w, h, 160), newLattice(r, w, h, 37), newLattice(r, w, h, 9), newLattice(r, w, h, 3)}
	amps := []float64{60, 30, 16, 14, 16}
	// A few hard-edged "objects" (rectangles of other brightness).
	type box struct {
		x0, y0, x1, y1 int
		d              float64
	}
	var boxes []box
	for i := 0; i < 6; i++ {
		x0, y0 := r.IntN(w), r.IntN(h)
		boxes = append(boxes, box{x0, y0, x0 + w/8 + r.IntN(w/4), y0 + h/8 + r.IntN(h/4), r.Float64()*80 - 40})
	}
	horizon := float64(h) * (0.3 + 0.4*r.Float64())
	var wg sync.WaitGroup
	rows := make(chan int, 64)
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := range rows {
				g := rand.New(rand.NewPCG(uint64(seed), uint64(y)))
				fy := float64(y)
				base := 170 - 90*fy/float64(h)
				if fy > horizon {
					base = 90 + 30*math.Sin(fy/97)
				}
				row := img.Y[y*img.YStride:]
				for x := 0; x < w; x++ {
					v := base
					for i, o := range octaves {
						v += amps[i] * o.at(x, y)
					}
					for _, b := range boxes {
						if x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1 {
							v += b.d
						}
					}
					v += g.NormFloat64() * grain
					row[x] = clamp(v)
				}
				if y%2 == 0 {
					cy := y / 2
					cb := img.Cb[cy*img.CStride:]
					cr := img.Cr[cy*img.CStride:]
					for cx := 0; cx < (w+1)/2; cx++ {
						s := octaves[0].at(2*cx, y)
						t := octaves[1].at(2*cx, y)
						cb[cx] = clamp(128 + 25*s - 10*t + g.NormFloat64()*1.5)
						cr[cx] = clamp(128 - 20*s + 14*t + g.NormFloat64()*1.5)
					}
				}
			}
		}()
	}
	for y := 0; y < h; y++ {
		rows <- y
	}
	close(rows)
	wg.Wait()
	return img
}

func clamp(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// lattice is value noise: random values on a grid of cell pixels,
// interpolated with a smooth step.
type lattice struct {
	cell   int
	cols   int
	values []float64
}

func newLattice(r *rand.Rand, w, h, cell int) *lattice {
	cols, rows := w/cell+2, h/cell+2
	l := &lattice{cell: cell, cols: cols, values: make([]float64, cols*rows)}
	for i := range l.values {
		l.values[i] = r.Float64()*2 - 1
	}
	return l
}

func (l *lattice) at(x, y int) float64 {
	cx, cy := x/l.cell, y/l.cell
	fx := float64(x%l.cell) / float64(l.cell)
	fy := float64(y%l.cell) / float64(l.cell)
	fx = fx * fx * (3 - 2*fx)
	fy = fy * fy * (3 - 2*fy)
	i := cy*l.cols + cx
	a, b := l.values[i], l.values[i+1]
	c, d := l.values[i+l.cols], l.values[i+l.cols+1]
	top := a + (b-a)*fx
	bot := c + (d-c)*fx
	return top + (bot-top)*fy
}

// writeTIFF writes img as a baseline RGB TIFF (8 bits per sample, strips of
// 64 rows), uncompressed or LZW-compressed.
func writeTIFF(w io.Writer, img *image.YCbCr, useLZW bool) error {
	return writeTIFFOf(w, img, tiffOptions{lzw: useLZW})
}

// tiffOptions choose how writeTIFFOf stores the pixels.
type tiffOptions struct {
	lzw       bool
	bits16    bool // 16 bits per sample: each 8-bit value v becomes v*257 plus sensor-like noise in the low bits
	predictor bool // horizontal differencing (TIFF predictor 2)
}

// pixels is what writeTIFFOf reads: an image's size and RGB rows.
type pixels interface {
	size() (int, int)
	rgb(y int, row []byte) // appends nothing; fills 3*width bytes
}

func (s tiled) size() (int, int) { return s.w, s.h }

// tiled repeats an image to a larger size.
type tiled struct {
	img  *image.YCbCr
	w, h int
}

func (s tiled) rgb(y int, row []byte) {
	b := s.img.Bounds()
	src := make([]byte, 3*b.Dx())
	ycbcrRow(s.img, y%b.Dy(), src)
	for x := 0; x < s.w; x++ {
		copy(row[3*x:3*x+3], src[3*(x%b.Dx()):])
	}
}

type plainImage struct{ *image.YCbCr }

func (p plainImage) size() (int, int)      { return p.Bounds().Dx(), p.Bounds().Dy() }
func (p plainImage) rgb(y int, row []byte) { ycbcrRow(p.YCbCr, y, row) }

func ycbcrRow(img *image.YCbCr, y int, row []byte) {
	for x := 0; x < img.Bounds().Dx(); x++ {
		c := img.YCbCrAt(x, y)
		r, g, bl, _ := c.RGBA()
		row[3*x], row[3*x+1], row[3*x+2] = byte(r>>8), byte(g>>8), byte(bl>>8)
	}
}

// writeTIFFOf writes src as a baseline RGB TIFF (strips of 64 rows) with
// the given options. Strips are made on all CPUs and written in order.
func writeTIFFOf(w io.Writer, src any, opt tiffOptions) error {
	var px pixels
	switch s := src.(type) {
	case *image.YCbCr:
		px = plainImage{s}
	case pixels:
		px = s
	}
	W, H := px.size()
	const rowsPerStrip = 64
	bps := 1
	if opt.bits16 {
		bps = 2
	}
	nStrips := (H + rowsPerStrip - 1) / rowsPerStrip
	strip := func(i int) []byte {
		y0 := i * rowsPerStrip
		rgb := make([]byte, 3*W)
		var out []byte
		for y := y0; y < min(H, y0+rowsPerStrip); y++ {
			px.rgb(y, rgb)
			start := len(out)
			if opt.bits16 {
				r := rand.New(rand.NewPCG(uint64(y), 16))
				for _, v := range rgb {
					s := uint16(v)*257 + uint16(r.IntN(16)) - 8
					if v == 0 {
						s = uint16(r.IntN(8))
					}
					out = binary.LittleEndian.AppendUint16(out, s)
				}
				if opt.predictor {
					row := out[start:]
					for k := len(row)/2 - 1; k >= 3; k-- {
						v := binary.LittleEndian.Uint16(row[2*k:]) - binary.LittleEndian.Uint16(row[2*(k-3):])
						binary.LittleEndian.PutUint16(row[2*k:], v)
					}
				}
			} else {
				out = append(out, rgb...)
				if opt.predictor {
					row := out[start:]
					for k := len(row) - 1; k >= 3; k-- {
						row[k] -= row[k-3]
					}
				}
			}
		}
		if opt.lzw {
			return lzwTIFF(out)
		}
		return out
	}
	// Strips are made in parallel, a window at a time. Compressed strips
	// are held until all are made (their sizes go in the IFD, written
	// first); uncompressed ones are written as they are made.
	offsets := make([]uint32, nStrips)
	counts := make([]uint32, nStrips)
	le := binary.LittleEndian
	window := runtime.NumCPU() * 2
	stripsData := make([][]byte, nStrips)
	makeWindow := func(lo, hi int) {
		var wg sync.WaitGroup
		for i := lo; i < hi; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stripsData[i] = strip(i)
			}()
		}
		wg.Wait()
	}
	if opt.lzw {
		for lo := 0; lo < nStrips; lo += window {
			makeWindow(lo, min(nStrips, lo+window))
		}
		for i, sd := range stripsData {
			counts[i] = uint32(len(sd))
		}
	} else {
		for i := range counts {
			counts[i] = uint32(min(rowsPerStrip, H-i*rowsPerStrip) * W * 3 * bps)
		}
	}
	compression := uint32(1)
	if opt.lzw {
		compression = 5
	}
	const nTags = 11
	ifdOff := uint32(8)
	ifdLen := uint32(2 + nTags*12 + 4)
	bpsOff := ifdOff + ifdLen
	offOff := bpsOff + 6
	cntOff := offOff + 4*uint32(nStrips)
	pos := cntOff + 4*uint32(nStrips)
	for i, c := range counts {
		offsets[i] = pos
		pos += c
	}
	var b bytes.Buffer
	b.WriteString("II*\x00")
	binary.Write(&b, le, ifdOff)
	binary.Write(&b, le, uint16(nTags))
	tag := func(id, typ uint16, count, value uint32) {
		binary.Write(&b, le, id)
		binary.Write(&b, le, typ)
		binary.Write(&b, le, count)
		binary.Write(&b, le, value)
	}
	const short, long = 3, 4
	tag(256, long, 1, uint32(W))
	tag(257, long, 1, uint32(H))
	tag(258, short, 3, bpsOff)
	tag(259, short, 1, compression)
	tag(262, short, 1, 2) // RGB
	tag(273, long, uint32(nStrips), offOff)
	tag(277, short, 1, 3)
	tag(278, long, 1, rowsPerStrip)
	tag(279, long, uint32(nStrips), cntOff)
	tag(284, short, 1, 1) // chunky
	pred := uint32(1)
	if opt.predictor {
		pred = 2
	}
	tag(317, short, 1, pred)
	binary.Write(&b, le, uint32(0))
	binary.Write(&b, le, []uint16{uint16(8 * bps), uint16(8 * bps), uint16(8 * bps)})
	binary.Write(&b, le, offsets)
	binary.Write(&b, le, counts)
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	for lo := 0; lo < nStrips; lo += window {
		hi := min(nStrips, lo+window)
		if !opt.lzw {
			makeWindow(lo, hi)
		}
		for i := lo; i < hi; i++ {
			if _, err := w.Write(stripsData[i]); err != nil {
				return err
			}
			stripsData[i] = nil
		}
	}
	return nil
}

// lzwTIFF compresses data with TIFF's LZW: MSB-first codes of 9 to 12 bits,
// Clear (256) first, "early change" (the code width grows one code before
// the table needs it), EOI (257) last.
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
	if len(data) == 0 {
		emit(eoi, width)
	} else {
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
		// The decoder adds a table entry after this code too, which may
		// widen the EOI code.
		if next+1 == 1<<width && width < 12 {
			width++
		}
		emit(eoi, width)
	}
	if nacc > 0 {
		out = append(out, byte(acc<<(8-nacc)))
	}
	return out
}

func writeYAML(path string, ms []master) error {
	var b strings.Builder
	b.WriteString(`# Benchmark corpus written by samples/gen-bench (deterministic).
slug: bench
languages: [en]
title: Benchmark corpus
summary: Synthetic photographs for timing vitrine's image pipeline.
edition: 2026-01-01
rights: http://creativecommons.org/publicdomain/zero/1.0/
credit: Generated by gen-bench
plates:
`)
	for i, m := range ms {
		fmt.Fprintf(&b, "  - number: %q\n    caption: Plate %d (%s)\n    images:\n      - path: %s\n", fmt.Sprint(i+1), i+1, m.kind, m.name)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
