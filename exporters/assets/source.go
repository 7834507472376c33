package assets

import (
	"fmt"
	"image"
	"image/draw"
	"io"
	"sync"

	"github.com/disintegration/imaging"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/jpegcoef"
	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

// Source is one decoded master (EXIF orientation applied) and the smaller
// levels made from it so far: level n is the master halved n times. Every
// derivative is made from the smallest level that is still large enough,
// never from a second decode. A Source is safe for concurrent use.
//
// A Source made from a JPEG that package jpegcoef reads holds the master's
// DCT coefficients instead of its pixels: level 1 is then a 4x4 inverse DCT
// of each block (the image at half size, straight from the one entropy
// decode), full-size pixels are made only if a deriver asks for level 0,
// and CropJPEG cuts full-size tiles from the coefficients without
// re-encoding them.
type Source struct {
	mu sync.Mutex
	// levels[n] is the master halved n times; nil until made.
	levels []image.Image
	coef   *jpegcoef.Image
	w, h   int
	// raw and format are the master file's bytes and decoder name, from
	// the store's single read; raw is nil for a Source made by NewSource.
	raw    []byte
	format string
	// damage says what decoding repaired ("" for a sound master).
	damage string
	// held is the first level a Source read band by band keeps whole
	// (levels above it were handed to BandSinks and are gone); 0 otherwise.
	held   int
	colour Colour
	// full is the master rewritten without metadata (FullJPEG), made once.
	fullOnce sync.Once
	full     [][]byte
}

// Damage says what decoding repaired in a damaged master (data filled with
// mid-grey, scans left out), "" for a sound one.
func (s *Source) Damage() string { return s.damage }

// pixelSource is a Source holding a decoded image.
func pixelSource(img image.Image, raw []byte, format string) *Source {
	b := img.Bounds()
	return &Source{levels: []image.Image{img}, w: b.Dx(), h: b.Dy(), raw: raw, format: format}
}

// Lossless reports whether the Source holds the master's DCT coefficients:
// then the master is a JPEG shown as stored (no EXIF turn, YCbCr or grey),
// its file can stand for the full-size image, and CropJPEG works.
func (s *Source) Lossless() bool { return s.coef != nil }

// CanCrop reports whether CropJPEG can write the rectangle r of the
// full-size master: the Source holds the master's DCT coefficients and r
// lies on the master's MCU grid (r.Max may also be the image's edge); tiles
// of 512 pixels always do.
func (s *Source) CanCrop(r image.Rectangle) bool {
	if s.coef == nil {
		return false
	}
	mw, mh := s.coef.MCUSize()
	aligned := func(v, m, edge int) bool { return v%m == 0 || v == edge }
	return !r.Empty() && r.In(image.Rect(0, 0, s.w, s.h)) && r.Min.X%mw == 0 && r.Min.Y%mh == 0 &&
		aligned(r.Max.X, mw, s.w) && aligned(r.Max.Y, mh, s.h)
}

// CropJPEG writes the rectangle r of the full-size master to w as a JPEG
// whose DCT coefficients are the master's own: no re-encoding, so no loss
// and the master's quality. r must pass CanCrop.
func (s *Source) CropJPEG(w io.Writer, r image.Rectangle) error {
	if !s.CanCrop(r) {
		return fmt.Errorf("assets: %v cannot be cut from this master's coefficients", r)
	}
	return s.coef.WriteCrop(w, r)
}

// Master returns the master file's bytes, as read once by the store, and its
// format (jpeg, png, tiff, ...), for a deriver that can use the file itself
// (a JPEG master shown as stored is its own full-size image). The bytes are
// valid only during Derive and must not be modified. raw is nil when the
// Source was not made by the store.
func (s *Source) Master() (raw []byte, format string) { return s.raw, s.format }

// Colour says whether the master had an ICC profile and what was done
// with it; every level of the Source is sRGB.
func (s *Source) Colour() Colour { return s.colour }

// FullJPEG returns the bytes to publish as the full-size image of a master
// whose file can stand for it, or nil: a JPEG shown as stored (no EXIF
// turn), whose colours need no conversion (untagged or sRGB), and which
// decodes to YCbCr (a colour JPEG). The bytes are the master's compressed
// image as it is, without the metadata (embedded.StripJPEG: no EXIF, GPS,
// serial numbers, XMP, IPTC, comments, profile or thumbnails), so the
// full-size image is lossless and private. The file is the concatenation
// of the parts returned, in order (slices of the master's bytes, not
// copied: stripping costs a scan for markers); they are valid only during
// Derive and must not be modified.
func (s *Source) FullJPEG() [][]byte {
	if s.raw == nil || s.format != "jpeg" || s.colour.Converted {
		return nil
	}
	if s.coef == nil {
		if _, ok := s.Level(0).(*image.YCbCr); !ok || imagemeta.Orientation(s.raw) != 1 {
			return nil
		}
	}
	s.fullOnce.Do(func() {
		// A JPEG the decoder read but whose markers StripJPEG cannot
		// follow is re-encoded instead (nil).
		s.full, _ = embedded.StripJPEGParts(s.raw)
	})
	return s.full
}

// NewSource wraps an image already decoded (for tests and benchmarks). The
// image is flattened as a decoded master is: alpha composed on white, 16-bit
// and CMYK converted to 8-bit RGB.
func NewSource(img image.Image) *Source { return pixelSource(flatten(img), nil, "") }

// flatten returns an opaque 8-bit image: alpha is composed on white, and
// 16-bit, CMYK and paletted images become NRGBA. YCbCr and Gray images (what
// JPEG decoders return) and opaque RGBA/NRGBA images are returned as they
// are.
//
// image/jpeg returns Adobe CMYK JPEGs as *image.CMYK already un-inverted, and
// color.CMYK's RGBA conversion is the naive one (no ICC profile); that is
// what every browser without colour management shows too.
func flatten(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr, *image.Gray:
		return img
	case *image.NRGBA:
		if m.Opaque() {
			return img
		}
	case *image.RGBA:
		if m.Opaque() {
			return img
		}
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	return out
}

// Held is the first level the Source holds: 0, or for a master read band by
// band (see BandDeriver) the first level whose sides are both at most
// HeldEdge; larger levels went by as bands and Level panics for them.
func (s *Source) Held() int { return s.held }

// Full is the whole decoded master.
func (s *Source) Full() image.Image { return s.Level(0) }

// Size is the master's width and height.
func (s *Source) Size() (int, int) { return s.w, s.h }

// Level returns the master halved n times (sizes rounded up: ceil(w/2^n)),
// computing each level from the one above it with a 2x2 box filter and
// keeping it for later callers. A YCbCr master gives YCbCr levels (each plane
// halved: no colour conversion, and the JPEG encoder's fastest input). From
// DCT coefficients, levels 0 and 1 are inverse DCTs at full and half size.
func (s *Source) Level(n int) image.Image {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.level(n)
}

func (s *Source) level(n int) image.Image {
	if n < s.held {
		// A deriver asked for a level that only went by as bands: it
		// should implement BandDeriver and use Held. The store reports
		// the panic for this image alone.
		panic(fmt.Sprintf("assets: level %d of a master read band by band is not kept (levels from %d are)", n, s.held))
	}
	for len(s.levels) <= n {
		s.levels = append(s.levels, nil)
	}
	if s.levels[n] == nil {
		if s.coef != nil && n <= 1 {
			img, err := s.coef.Scaled(1 << n)
			if err != nil {
				// The coefficients were read without error, so this is a
				// bug; the store reports a panic for this image alone.
				panic(fmt.Sprintf("inverse DCT at 1/%d: %v", 1<<n, err))
			}
			s.levels[n] = img
		} else {
			s.levels[n] = halve(s.level(n - 1))
		}
	}
	return s.levels[n]
}

// AtLeast returns the smallest level whose sides are both at least w and h
// (or the master itself), the cheapest good source for a resize to w x h.
func (s *Source) AtLeast(w, h int) image.Image {
	best := 0
	W, H := s.Size()
	for n := 1; n <= 30; n++ {
		lw, lh := ceilDiv(W, 1<<n), ceilDiv(H, 1<<n)
		if lw < w || lh < h {
			break
		}
		best = n
	}
	// A master read band by band keeps only its small levels: a larger
	// target is resampled up from the largest of them.
	return s.Level(max(best, s.held))
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Resize returns the master scaled to w x h, from the best level, with a
// Lanczos filter (the level is less than twice the target, so the filter
// sees at most 2x reduction and stays cheap).
func (s *Source) Resize(w, h int) image.Image {
	if w <= 0 || h <= 0 {
		panic(fmt.Sprintf("assets: bad size %dx%d", w, h))
	}
	src := s.AtLeast(w, h)
	if b := src.Bounds(); b.Dx() == w && b.Dy() == h {
		return src
	}
	if y, ok := src.(*image.YCbCr); ok {
		return resizeYCbCr(y, w, h)
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

// halve returns img at half size (rounded up) with a 2x2 box filter; an odd
// last row or column is averaged with itself.
func halve(img image.Image) image.Image {
	b := img.Bounds()
	w, h := max(1, ceilDiv(b.Dx(), 2)), max(1, ceilDiv(b.Dy(), 2))
	switch m := img.(type) {
	case *image.YCbCr:
		if m.Rect.Min == (image.Point{}) {
			out := image.NewYCbCr(image.Rect(0, 0, w, h), m.SubsampleRatio)
			cw, ch := chromaSize(m.Rect.Dx(), m.Rect.Dy(), m.SubsampleRatio)
			ocw, och := chromaSize(w, h, m.SubsampleRatio)
			halvePlane(m.Y, m.YStride, m.Rect.Dx(), m.Rect.Dy(), 1, out.Y, out.YStride, w, h)
			halvePlane(m.Cb, m.CStride, cw, ch, 1, out.Cb, out.CStride, ocw, och)
			halvePlane(m.Cr, m.CStride, cw, ch, 1, out.Cr, out.CStride, ocw, och)
			return out
		}
	case *image.Gray:
		if m.Rect.Min == (image.Point{}) {
			out := image.NewGray(image.Rect(0, 0, w, h))
			halvePlane(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), 1, out.Pix, out.Stride, w, h)
			return out
		}
	case *image.NRGBA:
		if m.Rect.Min == (image.Point{}) {
			out := image.NewNRGBA(image.Rect(0, 0, w, h))
			halvePlane(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), 4, out.Pix, out.Stride, w, h)
			return out
		}
	case *image.RGBA:
		if m.Rect.Min == (image.Point{}) {
			out := image.NewRGBA(image.Rect(0, 0, w, h))
			halvePlane(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), 4, out.Pix, out.Stride, w, h)
			return out
		}
	}
	return imaging.Resize(img, w, h, imaging.Box)
}

// chromaSize is the size of the Cb and Cr planes of a w x h YCbCr image, as
// image.NewYCbCr computes it.
func chromaSize(w, h int, r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// halvePlane averages 2x2 blocks of a plane of sw x sh pixels of bpp bytes
// into a plane of dw x dh pixels (dw = ceil(sw/2), dh = ceil(sh/2)), rows
// split between the CPUs.
func halvePlane(src []byte, sstride, sw, sh, bpp int, dst []byte, dstride, dw, dh int) {
	row := func(y int) {
		y0 := 2 * y
		y1 := min(y0+1, sh-1)
		r0 := src[y0*sstride:]
		r1 := src[y1*sstride:]
		d := dst[y*dstride:]
		for x := 0; x < dw; x++ {
			x0 := 2 * x * bpp
			x1 := min(2*x+1, sw-1) * bpp
			for c := 0; c < bpp; c++ {
				s := uint(r0[x0+c]) + uint(r0[x1+c]) + uint(r1[x0+c]) + uint(r1[x1+c])
				d[x*bpp+c] = byte((s + 2) >> 2)
			}
		}
	}
	parallel(dh, dw*dh, row)
}
