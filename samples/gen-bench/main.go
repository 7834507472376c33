// Command gen-bench writes the deterministic benchmark corpus of vitrine's
// image pipeline: an exhibition of photographic-looking JPEG masters
// (6000 x 4000, quality 90, about 3 bits per pixel like real photographs, not
// flat colour) and a few uncompressed and LZW-compressed RGB TIFFs, with an
// exhibition.yaml that lists them, one plate each.
//
//	go run ./samples/gen-bench -o /tmp/bench            # 46 JPEGs + 2 + 2 TIFFs
//	go run ./samples/gen-bench -o /tmp/bench460 -n 460 -tiffs 0
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
	flag.Parse()
	if *out == "" || *n < 0 || *tiffs < 0 || *w < 16 || *h < 16 {
		flag.Usage()
		os.Exit(2)
	}
	if err := generate(*out, *n, *tiffs, *w, *h); err != nil {
		fmt.Fprintln(os.Stderr, "gen-bench:", err)
		os.Exit(1)
	}
}

type master struct {
	name string
	seed int
	kind string // jpeg, tiff, tiff-lzw
}

func generate(dir string, n, tiffs, w, h int) error {
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		return err
	}
	var ms []master
	for i := 1; i <= n; i++ {
		ms = append(ms, master{fmt.Sprintf("images/plate-%03d.jpg", i), i, "jpeg"})
	}
	for i := 1; i <= tiffs; i++ {
		ms = append(ms, master{fmt.Sprintf("images/scan-%02d.tif", i), 1000 + i, "tiff"})
		ms = append(ms, master{fmt.Sprintf("images/scan-%02d-lzw.tif", i), 2000 + i, "tiff-lzw"})
	}
	jobs := make(chan master)
	errs := make(chan error, len(ms))
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range jobs {
				errs <- write(filepath.Join(dir, filepath.FromSlash(m.name)), m, w, h)
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

func write(path string, m master, w, h int) error {
	img := scene(w, h, m.seed)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	switch m.kind {
	case "jpeg":
		err = jpeg.Encode(bw, img, &jpeg.Options{Quality: 90})
	default:
		err = writeTIFF(bw, img, m.kind == "tiff-lzw")
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
func scene(w, h, seed int) *image.YCbCr {
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
					v += g.NormFloat64() * 10 // grain
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
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	const rowsPerStrip = 64
	var strips [][]byte
	row := make([]byte, 0, W*3*rowsPerStrip)
	for y0 := 0; y0 < H; y0 += rowsPerStrip {
		row = row[:0]
		for y := y0; y < min(H, y0+rowsPerStrip); y++ {
			for x := 0; x < W; x++ {
				c := img.YCbCrAt(x, y)
				r, g, bl, _ := c.RGBA()
				row = append(row, byte(r>>8), byte(g>>8), byte(bl>>8))
			}
		}
		if useLZW {
			strips = append(strips, lzwTIFF(row))
		} else {
			strips = append(strips, append([]byte(nil), row...))
		}
	}
	compression := uint32(1)
	if useLZW {
		compression = 5
	}
	// Layout: header, strips, then the IFD and its arrays.
	le := binary.LittleEndian
	var buf bytes.Buffer
	buf.WriteString("II*\x00")
	offsets := make([]uint32, len(strips))
	counts := make([]uint32, len(strips))
	pos := uint32(8)
	for i, s := range strips {
		offsets[i], counts[i] = pos, uint32(len(s))
		pos += uint32(len(s))
	}
	binary.Write(&buf, le, pos) // IFD offset
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	for _, s := range strips {
		if _, err := w.Write(s); err != nil {
			return err
		}
	}
	const nTags = 10
	extra := pos + 2 + nTags*12 + 4
	bpsOff := extra
	offOff := bpsOff + 6
	cntOff := offOff + 4*uint32(len(strips))
	var ifd bytes.Buffer
	binary.Write(&ifd, le, uint16(nTags))
	tag := func(id, typ uint16, count, value uint32) {
		binary.Write(&ifd, le, id)
		binary.Write(&ifd, le, typ)
		binary.Write(&ifd, le, count)
		binary.Write(&ifd, le, value)
	}
	const short, long = 3, 4
	tag(256, long, 1, uint32(W))
	tag(257, long, 1, uint32(H))
	tag(258, short, 3, bpsOff)
	tag(259, short, 1, compression)
	tag(262, short, 1, 2) // RGB
	tag(273, long, uint32(len(strips)), offOff)
	tag(277, short, 1, 3)
	tag(278, long, 1, rowsPerStrip)
	tag(279, long, uint32(len(strips)), cntOff)
	tag(284, short, 1, 1) // chunky
	binary.Write(&ifd, le, uint32(0))
	binary.Write(&ifd, le, []uint16{8, 8, 8})
	binary.Write(&ifd, le, offsets)
	binary.Write(&ifd, le, counts)
	_, err := w.Write(ifd.Bytes())
	return err
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
