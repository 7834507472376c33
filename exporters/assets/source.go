package assets

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"sync"

	"github.com/disintegration/imaging"
)

// Source is one decoded master (EXIF orientation applied) and the smaller
// levels made from it so far: level n is the master halved n times. Every
// derivative is made from the smallest level that is still large enough,
// never from a second decode. A Source is safe for concurrent use.
type Source struct {
	mu     sync.Mutex
	levels []image.Image
}

// NewSource wraps an image already decoded (for tests and benchmarks).
func NewSource(img image.Image) *Source { return &Source{levels: []image.Image{img}} }

func decode(data []byte) (*Source, error) {
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, err
	}
	return NewSource(flatten(img)), nil
}

// flatten returns an opaque 8-bit image: alpha is composed on white, and
// 16-bit, CMYK and paletted images become NRGBA.
func flatten(img image.Image) image.Image {
	switch img.(type) {
	case *image.YCbCr, *image.Gray:
		return img
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	return out
}

// Full is the whole decoded master.
func (s *Source) Full() image.Image { return s.Level(0) }

// Size is the master's width and height.
func (s *Source) Size() (int, int) {
	b := s.Full().Bounds()
	return b.Dx(), b.Dy()
}

// Level returns the master halved n times (rounding sizes up), computing each
// level from the one above it and keeping it for later callers.
func (s *Source) Level(n int) image.Image {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.levels) <= n {
		prev := s.levels[len(s.levels)-1]
		b := prev.Bounds()
		w, h := (b.Dx()+1)/2, (b.Dy()+1)/2
		if w < 1 {
			w = 1
		}
		if h < 1 {
			h = 1
		}
		s.levels = append(s.levels, imaging.Resize(prev, w, h, imaging.Box))
	}
	return s.levels[n]
}

// AtLeast returns the smallest level whose sides are both at least w and h
// (or the master itself), the cheapest good source for a resize to w x h.
func (s *Source) AtLeast(w, h int) image.Image {
	best := 0
	W, H := s.Size()
	for n := 1; ; n++ {
		lw, lh := ceilDiv(W, 1<<n), ceilDiv(H, 1<<n)
		if lw < w || lh < h || n > 30 {
			break
		}
		best = n
	}
	return s.Level(best)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Resize returns the master scaled to w x h, from the best level.
func (s *Source) Resize(w, h int) image.Image {
	if w <= 0 || h <= 0 {
		panic(fmt.Sprintf("assets: bad size %dx%d", w, h))
	}
	src := s.AtLeast(w, h)
	if b := src.Bounds(); b.Dx() == w && b.Dy() == h {
		return src
	}
	return imaging.Resize(src, w, h, imaging.Lanczos)
}

// Fit returns the size of the master scaled to fit in a square of edge
// pixels, never enlarged.
func (s *Source) Fit(edge int) (int, int) {
	W, H := s.Size()
	if W <= edge && H <= edge {
		return W, H
	}
	if W >= H {
		return edge, max(1, (H*edge+W/2)/W)
	}
	return max(1, (W*edge+H/2)/H), edge
}
