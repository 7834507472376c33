package iiif

import (
	"context"
	"fmt"
	"image"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/vitrine-tools/vitrine/exporters/assets"
)

// TileSize is the width and height of every tile, in pixels of its level.
const TileSize = 512

// Quality is the JPEG quality of tiles, sizes and full-size images.
const Quality = 85

// pyramid is the level-0 layout of one image: which scale factors exist and
// which whole-image sizes are listed. It depends only on the image's size
// (after EXIF orientation), so the manifest and info.json can be written
// from the asset store's Master without touching a pixel.
type pyramid struct {
	W, H int
	// Factors are the scale factors 1, 2, 4, ... down to the first one at
	// which the whole image fits in one tile.
	Factors []int
	// Sizes are the whole-image sizes listed in info.json, smallest first:
	// the image at every scale factor but 1 whose sides are at most
	// MaxListedSize, or the full size alone for an image of one level.
	Sizes []size
}

type size struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// MaxListedSize bounds the sides of the sizes listed in info.json (besides
// the full size, which is always available as full/max): viewers use listed
// sizes for thumbnails and previews, and each one is a whole-image JPEG to
// encode, so a 24-megapixel master lists 1500x1000 and smaller, not
// 3000x2000.
const MaxListedSize = 2048

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func newPyramid(w, h int) pyramid {
	p := pyramid{W: w, H: h}
	for sf := 1; ; sf *= 2 {
		p.Factors = append(p.Factors, sf)
		if ceilDiv(w, sf) <= TileSize && ceilDiv(h, sf) <= TileSize {
			break
		}
	}
	for i := len(p.Factors) - 1; i >= 1; i-- {
		sf := p.Factors[i]
		s := size{ceilDiv(w, sf), ceilDiv(h, sf)}
		if i == len(p.Factors)-1 || max(s.Width, s.Height) <= MaxListedSize {
			p.Sizes = append(p.Sizes, s)
		}
	}
	if len(p.Sizes) == 0 {
		p.Sizes = []size{{w, h}}
	}
	return p
}

// sizePath is the file of a listed size, relative to the image service.
func sizePath(s size) string { return fmt.Sprintf("full/%d,%d/0/default.jpg", s.Width, s.Height) }

// maxPath is the full-size image, relative to the image service.
const maxPath = "full/max/0/default.jpg"

// ViewerWidths are the widths, besides those of "sizes", at which a
// level-0 service also holds the whole image ("full/90,/0/default.jpg"):
// Universal Viewer 4.4 (through manifesto.js) ignores "sizes" and the
// canvas thumbnail and asks for its thumbnail strip at 90 pixels wide (its
// twoColThumbWidth and bookmarkThumbWidth) and for its gallery and
// one-column list at 200 (galleryThumbWidth, oneColThumbWidth). The files
// are resampled from the smallest pyramid level at least that large, so
// they cost no decode; info.json does not list them (they are not at the
// canonical "w,h" size of Image API 3), so it promises nothing new.
var ViewerWidths = []int{90, 200}

// piece is one file of an image service: a rectangle of a level (or the
// whole image resampled to a viewer width), its path in the service, and
// the derivative file that holds its bytes.
type piece struct {
	path string
	// cached is the file of the Pyramid derivative with the piece's bytes,
	// named as in Image API 3 (the same as path for version 3, but for the
	// full width as "w,", which is a second name of full/max).
	cached string
	level  int
	rect   image.Rectangle
	// scaled: rect is the size of the whole image resampled from the
	// pyramid (Source.Resize), not a crop of level.
	scaled bool
}

// pieces lists every file of the Pyramid derivative, each once, sorted by
// path: every tile exactly as OpenSeadragon names it for an Image API 3
// level-0 service (edge tiles sized by rounding the level size up), every
// listed size, full/max and the ViewerWidths.
func (p pyramid) pieces() []piece {
	var out []piece
	for _, pc := range p.piecesFor(3) {
		if pc.path == pc.cached {
			out = append(out, pc)
		}
	}
	return out
}

// piecesFor lists every file of the image service for Image API version 3
// or 2, sorted by path, each with the derivative file holding its bytes.
// Version 2 names the same pixels the 2.x way, as OpenSeadragon asks a 2.x
// level-0 service: sizes as "w," and the full width as "full"
// (full/full/0/default.jpg is the whole image). Both versions also have
// the whole image at its full width in the "w," form ("full/2000,/0/...",
// a second name of full/max: Universal Viewer's "whole image" download)
// and at the ViewerWidths.
func (p pyramid) piecesFor(version int) []piece {
	seen := map[string]bool{}
	var out []piece
	add := func(pc piece) {
		if pc.cached == "" {
			pc.cached = pc.path
		}
		if !seen[pc.path] {
			seen[pc.path] = true
			out = append(out, pc)
		}
	}
	full := maxPath
	if version == 2 {
		full = "full/full/0/default.jpg"
	}
	whole := image.Rect(0, 0, p.W, p.H)
	add(piece{path: full, cached: maxPath, rect: whole})
	add(piece{path: widthPath(p.W), cached: maxPath, rect: whole})
	for n, sf := range p.Factors {
		lw, lh := ceilDiv(p.W, sf), ceilDiv(p.H, sf)
		if p.listed(lw, lh) {
			v3 := sizePath(size{lw, lh})
			path := v3
			if version == 2 {
				path = widthPath(lw)
			}
			add(piece{path: path, cached: v3, level: n, rect: image.Rect(0, 0, lw, lh)})
		}
		if lw < TileSize && lh < TileSize {
			// OpenSeadragon asks for this level as a size, not as tiles.
			if version == 2 && lw == p.W {
				add(piece{path: full, cached: maxPath, level: n, rect: image.Rect(0, 0, lw, lh)})
			}
			continue
		}
		for ty := 0; ty*TileSize < lh; ty++ {
			for tx := 0; tx*TileSize < lw; tx++ {
				r := image.Rect(tx*TileSize, ty*TileSize, min((tx+1)*TileSize, lw), min((ty+1)*TileSize, lh))
				add(piece{path: p.tilePath(version, sf, tx, ty, r.Dx(), r.Dy()), cached: p.tilePath(3, sf, tx, ty, r.Dx(), r.Dy()), level: n, rect: r})
			}
		}
	}
	for _, w := range ViewerWidths {
		add(piece{path: widthPath(w), rect: image.Rect(0, 0, w, p.heightAt(w)), scaled: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// widthPath is the whole image at width w in the "w," form, relative to
// the service.
func widthPath(w int) string { return fmt.Sprintf("full/%d,/0/default.jpg", w) }

// heightAt is the height of the whole image scaled to width w, rounded to
// the nearest pixel (at least 1), as an image server answers "w,".
func (p pyramid) heightAt(w int) int { return max(1, (p.H*w+p.W/2)/p.W) }

func (p pyramid) listed(w, h int) bool {
	for _, s := range p.Sizes {
		if s.Width == w && s.Height == h {
			return true
		}
	}
	return false
}

// tilePath is the URL path (relative to the service) of tile tx,ty at scale
// factor sf whose pixel size is sw x sh, as OpenSeadragon builds it for an
// Image API version 3 or 2 level-0 service.
func (p pyramid) tilePath(version, sf, tx, ty, sw, sh int) string {
	x, y := tx*TileSize*sf, ty*TileSize*sf
	rw, rh := min(TileSize*sf, p.W-x), min(TileSize*sf, p.H-y)
	region := fmt.Sprintf("%d,%d,%d,%d", x, y, rw, rh)
	if x == 0 && y == 0 && rw == p.W && rh == p.H {
		region = "full"
	}
	sz := fmt.Sprintf("%d,%d", sw, sh)
	switch {
	case version == 2 && sw == p.W:
		sz = "full"
	case version == 2:
		sz = fmt.Sprintf("%d,", sw)
	case sw == p.W && sh == p.H:
		sz = "max"
	}
	return region + "/" + sz + "/0/default.jpg"
}

// Pyramid is the asset deriver of a level-0 image service: tiles, listed
// sizes and the full-size image, as files laid out like Image API URLs
// ("0,0,1024,1024/512,512/0/default.jpg"). Its files do not depend on the
// base URL, which appears only in info.json, written at export time.
type Pyramid struct {
	// Reencode encodes every file at Quality, the full-size ones of a JPEG
	// master too (see Derive).
	Reencode bool
}

var (
	_ assets.BandDeriver = Pyramid{}
	_ assets.BandDeriver = Plain{}
)

// Key implements assets.Deriver.
func (p Pyramid) Key() string {
	k := fmt.Sprintf("iiif-level0/v4/tile%d/q%d", TileSize, Quality)
	if p.Reencode {
		k += "/reencode"
	}
	return k
}

// Derive implements assets.Deriver. Every file is a crop of one halved level
// of src (never a resample of the master per tile); files are encoded by a
// small pool of goroutines, since image/jpeg encodes on one core.
//
// When the master is a JPEG shown as stored, the full-size level is never
// re-encoded: full/max is the master's compressed image from the store's
// single read, rewritten without its metadata (Source.FullJPEG: no EXIF,
// GPS, serials, XMP, thumbnails), and when the Source holds the master's DCT coefficients
// (Source.Lossless) each full-size tile is cut from them (Source.CropJPEG),
// losslessly and without an inverse DCT. Those were about two thirds of the
// work of a pure-Go build. With Reencode they are encoded at Quality like
// every other file (full-size pixels are then decoded).
func (py Pyramid) Derive(ctx context.Context, src *assets.Source, dst *assets.Dir) error {
	w, h := src.Size()
	p := newPyramid(w, h)
	lossless := !py.Reencode
	// level checks and returns level n, made on first use: a lossless
	// source never makes the full-size pixels.
	level := func(n int) (image.Image, error) {
		img := src.Level(n)
		if b := img.Bounds(); b.Dx() != ceilDiv(w, p.Factors[n]) || b.Dy() != ceilDiv(h, p.Factors[n]) {
			return nil, fmt.Errorf("level %d is %dx%d, want %dx%d", n, b.Dx(), b.Dy(), ceilDiv(w, p.Factors[n]), ceilDiv(h, p.Factors[n]))
		}
		return img, nil
	}
	jobs := p.pieces()
	if held := src.Held(); held > 0 {
		// A master read band by band: the levels below held, and
		// full/max, were written from the bands (StartBands); the
		// viewer widths are resampled from the levels kept.
		jobs = slices.DeleteFunc(jobs, func(pc piece) bool { return pc.level < held && !pc.scaled })
	}
	if full := src.FullJPEG(); lossless && full != nil {
		jobs = slices.DeleteFunc(jobs, func(pc piece) bool { return pc.path == maxPath })
		err := createFile(dst, maxPath, func(w io.Writer) error {
			for _, part := range full {
				if _, err := w.Write(part); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Largest first, so the full-size image does not finish last alone.
	sort.SliceStable(jobs, func(i, j int) bool {
		return jobs[i].rect.Dx()*jobs[i].rect.Dy() > jobs[j].rect.Dx()*jobs[j].rect.Dy()
	})
	return runPool(ctx, len(jobs), func(i int) error {
		pc := jobs[i]
		if pc.scaled {
			return writeJPEG(dst, pc.path, src.Resize(pc.rect.Dx(), pc.rect.Dy()))
		}
		if lossless && pc.level == 0 && src.CanCrop(pc.rect) {
			// cut from the master's DCT coefficients (Source.CropJPEG)
			return createFile(dst, pc.path, func(w io.Writer) error { return src.CropJPEG(w, pc.rect) })
		}
		img, err := level(pc.level)
		if err != nil {
			return err
		}
		b := img.Bounds()
		return writeJPEG(dst, pc.path, subImage(img, pc.rect.Add(b.Min)))
	})
}

// StartBands implements assets.BandDeriver: for a master read band by band,
// the tiles of every level below info.Held are written as each band (one
// row of tiles) goes by, and full/max from the level-0 bands, from the same
// DCT coefficients as the level-0 tiles.
func (py Pyramid) StartBands(ctx context.Context, info assets.BandInfo, dst *assets.Dir) (assets.BandSink, error) {
	s := &pyramidSink{ctx: ctx, p: newPyramid(info.Width, info.Height), dst: dst}
	return s, nil
}

type pyramidSink struct {
	ctx  context.Context
	p    pyramid
	dst  *assets.Dir
	full *bandFile
}

// bandFile is a JPEG written band by band into a file of a Dir.
type bandFile struct {
	f   io.WriteCloser
	enc *assets.BandJPEG
}

func newBandFile(dst *assets.Dir, rel string, w, h int, grey bool) (*bandFile, error) {
	f, err := dst.Create(rel)
	if err != nil {
		return nil, err
	}
	enc, err := assets.NewBandJPEG(f, w, h, grey, Quality)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	return &bandFile{f: f, enc: enc}, nil
}

func (b *bandFile) close(rel string) error {
	err := b.enc.Close()
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	return nil
}

func isGrey(img image.Image) bool {
	_, ok := img.(*image.Gray)
	return ok
}

func (s *pyramidSink) Band(n, y0 int, img image.Image) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	if n == 0 && s.full == nil {
		f, err := newBandFile(s.dst, maxPath, s.p.W, s.p.H, isGrey(img))
		if err != nil {
			return err
		}
		s.full = f
	}
	var full *assets.BandJPEG
	if n == 0 {
		full = s.full.enc
	}
	sf := s.p.Factors[n]
	ty := y0 / TileSize
	lw := ceilDiv(s.p.W, sf)
	h := img.Bounds().Dy()
	return assets.EncodeBand(img, TileSize, Quality, full, func(tx int, b []byte) error {
		w := min(TileSize, lw-tx*TileSize)
		return createFile(s.dst, s.p.tilePath(3, sf, tx, ty, w, h), func(w io.Writer) error {
			_, err := w.Write(b)
			return err
		})
	})
}

func (s *pyramidSink) Finish() error {
	if s.full == nil {
		return nil
	}
	return s.full.close(maxPath)
}

// Plain is the asset deriver used with --iiif-tiles=false: the full-size
// image and a thumbnail, both plain JPEG files with no image service.
type Plain struct{}

// ThumbEdge is the longest side of a thumbnail without an image service.
const ThumbEdge = 400

// Key implements assets.Deriver.
func (Plain) Key() string { return fmt.Sprintf("iiif-plain/v1/thumb%d/q%d", ThumbEdge, Quality) }

// StartBands implements assets.BandDeriver: full.jpg of a master read band
// by band is written from the level-0 bands.
func (Plain) StartBands(ctx context.Context, info assets.BandInfo, dst *assets.Dir) (assets.BandSink, error) {
	return &plainSink{w: info.Width, h: info.Height, dst: dst}, nil
}

type plainSink struct {
	w, h int
	dst  *assets.Dir
	full *bandFile
}

func (s *plainSink) Band(n, y0 int, img image.Image) error {
	if n != 0 {
		return nil
	}
	if s.full == nil {
		f, err := newBandFile(s.dst, "full.jpg", s.w, s.h, isGrey(img))
		if err != nil {
			return err
		}
		s.full = f
	}
	return s.full.enc.WriteBand(img)
}

func (s *plainSink) Finish() error {
	if s.full == nil {
		return nil
	}
	return s.full.close("full.jpg")
}

// Derive implements assets.Deriver.
func (Plain) Derive(ctx context.Context, src *assets.Source, dst *assets.Dir) error {
	return runPool(ctx, 2, func(i int) error {
		if i == 0 && src.Held() > 0 {
			return nil // written from the bands
		}
		if i == 0 {
			return writeJPEG(dst, "full.jpg", src.Full())
		}
		tw, th := src.Fit(ThumbEdge)
		return writeJPEG(dst, "thumb.jpg", src.Resize(tw, th))
	})
}

func writeJPEG(dst *assets.Dir, rel string, img image.Image) error {
	return createFile(dst, rel, func(w io.Writer) error { return assets.EncodeJPEG(w, img, Quality) })
}

// createFile creates rel in dst, fills it with write and closes it; errors
// name the file.
func createFile(dst *assets.Dir, rel string, write func(io.Writer) error) error {
	f, err := dst.Create(rel)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", rel, err)
	}
	return f.Close()
}

type subImager interface {
	SubImage(image.Rectangle) image.Image
}

// subImage crops without copying when the image type allows it.
func subImage(img image.Image, r image.Rectangle) image.Image {
	if r == img.Bounds() {
		return img
	}
	if s, ok := img.(subImager); ok {
		return s.SubImage(r)
	}
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			out.Set(x, y, img.At(r.Min.X+x, r.Min.Y+y))
		}
	}
	return out
}

// poolSize bounds the encoders working on one image; the asset store already
// runs several images at once.
func poolSize() int { return max(1, min(runtime.GOMAXPROCS(0), 4)) }

// runPool calls do(0..n-1) on a few goroutines and returns the first error;
// it stops handing out work once ctx is done or a call failed.
func runPool(ctx context.Context, n int, do func(int) error) error {
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	for range min(poolSize(), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if first == nil {
					first = ctx.Err()
				}
				if first != nil || next >= n {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				if err := do(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}
