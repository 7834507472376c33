package jpegcoef

import (
	"fmt"
	"image"
	"io"
)

// StreamEncoder writes one baseline JPEG from bands of rows given in order,
// so that an image of any height is encoded in memory bounded by its width:
// the header gives the whole size, each band is transformed and
// entropy-coded as it comes, 16 rows (8 for grey) at a time. The bytes are
// those FromPixels and WriteCrop write for the whole image.
type StreamEncoder struct {
	w             io.Writer
	width, height int
	grey          bool
	quality       int
	hdr           *Image // tables and components (no coefficients)
	bw            bitWriter
	pred          [3]int32
	rows          int // rows written so far
	err           error
}

// NewStreamEncoder writes the header of a width x height JPEG at quality
// to w: grey (one component) or YCbCr 4:2:0.
func NewStreamEncoder(w io.Writer, width, height int, grey bool, quality int) (*StreamEncoder, error) {
	if width <= 0 || height <= 0 || width > 65535 || height > 65535 {
		return nil, fmt.Errorf("jpegcoef: cannot encode a %dx%d image", width, height)
	}
	var probe image.Image = image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420)
	if grey {
		probe = image.NewGray(image.Rect(0, 0, 8, 8))
	}
	hdr, err := FromPixels(probe, quality)
	if err != nil {
		return nil, err
	}
	e := &StreamEncoder{w: w, width: width, height: height, grey: grey, quality: quality, hdr: hdr}
	e.bw.out = hdr.appendHeader(make([]byte, 0, 1<<16), width, height)
	return e, e.flush()
}

func (e *StreamEncoder) flush() error {
	if e.err == nil && len(e.bw.out) > 0 {
		_, e.err = e.w.Write(e.bw.out)
	}
	e.bw.out = e.bw.out[:0]
	return e.err
}

// WriteBand encodes the next img.Bounds().Dy() rows: an *image.Gray or a
// 4:2:0 *image.YCbCr (as the encoder was made) of the image's width, whose
// height is a multiple of 16 (8 for grey) unless it ends the image.
func (e *StreamEncoder) WriteBand(img image.Image) error {
	if e.err != nil {
		return e.err
	}
	b := img.Bounds()
	mh := 16
	if e.grey {
		mh = 8
	}
	if b.Dx() != e.width || e.rows+b.Dy() > e.height || (b.Dy()%mh != 0 && e.rows+b.Dy() != e.height) {
		return fmt.Errorf("jpegcoef: band of %dx%d at row %d of a %dx%d image", b.Dx(), b.Dy(), e.rows, e.width, e.height)
	}
	type subImager interface {
		SubImage(image.Rectangle) image.Image
	}
	si, ok := img.(subImager)
	if !ok {
		return fmt.Errorf("jpegcoef: cannot encode a %T band", img)
	}
	for y := b.Min.Y; y < b.Max.Y; y += mh {
		m, err := FromPixels(si.SubImage(image.Rect(b.Min.X, y, b.Max.X, min(y+mh, b.Max.Y))), e.quality)
		if err != nil {
			return err
		}
		if (m.hmax == 2) == e.grey {
			return fmt.Errorf("jpegcoef: a %T band for a grey=%v encoder", img, e.grey)
		}
		m.appendScan(&e.bw, &e.pred, 0, 0, m.mcusX, m.mcusY)
		if len(e.bw.out) >= 1<<16 {
			if err := e.flush(); err != nil {
				return err
			}
		}
	}
	e.rows += b.Dy()
	return nil
}

// Close writes the end of the image; every row must have been written.
func (e *StreamEncoder) Close() error {
	if e.err != nil {
		return e.err
	}
	if e.rows != e.height {
		return fmt.Errorf("jpegcoef: %d of %d rows written", e.rows, e.height)
	}
	e.bw.flush()
	e.bw.out = append(e.bw.out, 0xFF, 0xD9)
	return e.flush()
}

// WriteTiles encodes the next rows from their coefficients: tiles are
// FromPixels images of side-by-side pieces of one band, left to right,
// covering the image's width, each a whole number of MCUs wide but the
// last. The bytes are those WriteBand writes for the same pixels, and the
// tiles can be written on their own too (WriteCrop): one transform serves
// both.
func (e *StreamEncoder) WriteTiles(tiles []*Image) error {
	if e.err != nil {
		return e.err
	}
	if len(tiles) == 0 {
		return fmt.Errorf("jpegcoef: no tiles")
	}
	w, h := 0, tiles[0].Height
	mw, mh := tiles[0].MCUSize()
	for i, t := range tiles {
		if t.Height != h || (i < len(tiles)-1 && t.Width%mw != 0) || (t.hmax == 2) == e.grey {
			return fmt.Errorf("jpegcoef: tile %d (%dx%d) does not fit a band of %d rows", i, t.Width, t.Height, h)
		}
		w += t.Width
	}
	if w != e.width || e.rows+h > e.height || (h%mh != 0 && e.rows+h != e.height) {
		return fmt.Errorf("jpegcoef: tiles of %dx%d at row %d of a %dx%d image", w, h, e.rows, e.width, e.height)
	}
	for my := 0; my < tiles[0].mcusY; my++ {
		for _, t := range tiles {
			t.appendScan(&e.bw, &e.pred, 0, my, t.mcusX, my+1)
		}
		if len(e.bw.out) >= 1<<16 {
			if err := e.flush(); err != nil {
				return err
			}
		}
	}
	e.rows += h
	return nil
}
