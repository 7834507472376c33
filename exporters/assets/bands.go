package assets

import (
	"context"
	"image"

	"github.com/vitrine-tools/vitrine/exporters/assets/tiffband"
)

// BandRows is the height of the bands in which a master read band by band
// goes by, at every level of its pyramid: one row of 512-pixel tiles.
const BandRows = 512

// HeldEdge bounds the sides of the levels a master read band by band keeps
// whole (Source.Held): every level at most this large, made by halving the
// bands, serves the listed sizes, e-book images and thumbnails as the
// levels of a decoded master do.
const HeldEdge = 4096

// BandDeriver is a Deriver that also takes the levels of a master read band
// by band that the Source does not keep (levels below Source.Held: the
// full-size image and its first halvings), as they go by.
//
// For such a master the store calls StartBands on every BandDeriver first,
// then reads the master once, handing each band of each level to every
// sink, then calls Finish, then Derive with the Source (whose Held levels
// are complete) and the same Dir: Derive makes what it did not make from
// the bands.
type BandDeriver interface {
	Deriver
	// StartBands prepares to receive the bands of a Width x Height master
	// whose levels from info.Held are kept; it returns a nil sink when it
	// needs no bands.
	StartBands(ctx context.Context, info BandInfo, dst *Dir) (BandSink, error)
}

// BandInfo describes a master read band by band.
type BandInfo struct {
	// Width and Height are the master's size.
	Width, Height int
	// Held is the first level the Source keeps whole (Source.Held).
	Held int
}

// BandSink receives the bands of the levels below BandInfo.Held.
type BandSink interface {
	// Band receives rows [y0, y0+img.Bounds().Dy()) of level n (the master
	// halved n times), as an *image.YCbCr (4:2:0) or *image.Gray whose
	// bounds start at 0,0. y0 is a multiple of BandRows and every band but
	// a level's last has BandRows rows. Bands of one level come in order;
	// calls are not concurrent; img is valid only during the call.
	Band(level, y0 int, img image.Image) error
	// Finish is called after the last band of every level.
	Finish() error
}

// heldLevel is the first level of a w x h master whose sides are at most
// HeldEdge.
func heldLevel(w, h int) int {
	n := 0
	for ceilDiv(w, 1<<n) > HeldEdge || ceilDiv(h, 1<<n) > HeldEdge {
		n++
	}
	return n
}

// streamCost estimates the bytes a master read band by band holds: per
// band, the compressed strips (at most the stored bytes), the decoded rows
// (8-bit), the level-0 band and the smaller bands (YCbCr), the tiles'
// coefficients; and the kept levels.
func streamCost(d *tiffband.Decoder) int64 {
	w := int64(d.Width)
	stored := w * int64(d.Channels+1) * int64(d.Bits/8) // alpha at most
	rows := int64(max(BandRows, d.UnitRows()))
	band := rows*stored + rows*w*int64(d.Channels) + BandRows*w*3/2*2 + BandRows*w*3
	n := heldLevel(d.Width, d.Height)
	hw, hh := int64(ceilDiv(d.Width, 1<<n)), int64(ceilDiv(d.Height, 1<<n))
	return band + hw*hh*4*4/3 + 16<<20
}

// level is one level of the pyramid during the band pass: a band of
// BandRows rows, or the whole level when it is kept.
type level struct {
	w, h  int
	img   image.Image // *image.YCbCr 4:2:0 or *image.Gray
	whole bool
	base  int // the level's row at img's row 0
	fill  int // rows of img filled
}

func newLevel(w, h int, grey, whole bool) *level {
	rows := min(BandRows, h)
	if whole {
		rows = h
	}
	l := &level{w: w, h: h, whole: whole}
	if grey {
		l.img = image.NewGray(image.Rect(0, 0, w, rows))
	} else {
		l.img = image.NewYCbCr(image.Rect(0, 0, w, rows), image.YCbCrSubsampleRatio420)
	}
	return l
}

// bandPass turns the rows of a decoder into the bands of every level.
type bandPass struct {
	ctx    context.Context
	dec    *tiffband.Decoder
	held   int
	levels []*level // 0..held
	sinks  []BandSink
	// colour converts a band of decoded rows in place before anything is
	// made from it (see convertBand).
	colour func(rows []byte, w, n, channels int)
}

func newBandPass(ctx context.Context, dec *tiffband.Decoder, sinks []BandSink) *bandPass {
	p := &bandPass{ctx: ctx, dec: dec, held: heldLevel(dec.Width, dec.Height), sinks: sinks}
	grey := dec.Channels == 1
	for n := 0; n <= p.held; n++ {
		p.levels = append(p.levels, newLevel(ceilDiv(dec.Width, 1<<n), ceilDiv(dec.Height, 1<<n), grey, n == p.held))
	}
	p.colour = func(rows []byte, w, n, channels int) { convertBand(dec.ICC, rows, w, n, channels) }
	return p
}

// run reads every row of the master and returns the kept level.
func (p *bandPass) run() (image.Image, error) {
	d := p.dec
	rb := d.RowBytes()
	rows := make([]byte, BandRows*rb)
	l0 := p.levels[0]
	for d.Next() < d.Height {
		if err := p.ctx.Err(); err != nil {
			return nil, err
		}
		y := d.Next()
		n := min(BandRows, d.Height-y)
		if err := d.ReadRows(rows, n); err != nil {
			return nil, err
		}
		p.colour(rows[:n*rb], d.Width, n, d.Channels)
		toLevel(l0.img, y-l0.base, rows, rb, d.Width, n)
		l0.fill += n
		if err := p.push(0); err != nil {
			return nil, err
		}
	}
	return p.levels[p.held].img, nil
}

// push hands level n's band to the sinks and halves it into level n+1 when
// the band is complete.
func (p *bandPass) push(n int) error {
	l := p.levels[n]
	if l.whole || (l.fill < BandRows && l.base+l.fill < l.h) {
		return nil
	}
	band := subImage(l.img, image.Rect(0, 0, l.w, l.fill))
	for _, s := range p.sinks {
		if err := s.Band(n, l.base, band); err != nil {
			return err
		}
	}
	next := p.levels[n+1]
	halveRows(band, next.img, l.base/2-next.base)
	next.fill += ceilDiv(l.fill, 2)
	l.base += l.fill
	l.fill = 0
	return p.push(n + 1)
}

func subImage(img image.Image, r image.Rectangle) image.Image {
	if r == img.Bounds() {
		return img
	}
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r)
}

// toLevel writes n decoded rows (grey or RGB, rb bytes each) into img
// (Gray or YCbCr 4:2:0) from its row y (even), the rows split between the
// CPUs; chroma is computed from each 2x2 block's mean.
func toLevel(img image.Image, y int, rows []byte, rb, w, n int) {
	switch m := img.(type) {
	case *image.Gray:
		for r := 0; r < n; r++ {
			copy(m.Pix[(y+r)*m.Stride:][:w], rows[r*rb:][:w])
		}
	case *image.YCbCr:
		pairs := ceilDiv(n, 2)
		parallel(pairs, w*n, func(k int) {
			r0 := 2 * k
			r1 := min(r0+1, n-1)
			a, b := rows[r0*rb:][:3*w], rows[r1*rb:][:3*w]
			ya := m.Y[(y+r0)*m.YStride:][:w]
			yb := m.Y[(y+r1)*m.YStride:][:w]
			cb := m.Cb[(y/2+k)*m.CStride:][:ceilDiv(w, 2)]
			cr := m.Cr[(y/2+k)*m.CStride:][:ceilDiv(w, 2)]
			for x := 0; x < w; x++ {
				ya[x] = luma(a[3*x:])
				yb[x] = luma(b[3*x:])
			}
			for cx := 0; cx < len(cb); cx++ {
				x0, x1 := 2*cx, min(2*cx+1, w-1)
				rs := int32(a[3*x0]) + int32(a[3*x1]) + int32(b[3*x0]) + int32(b[3*x1])
				gs := int32(a[3*x0+1]) + int32(a[3*x1+1]) + int32(b[3*x0+1]) + int32(b[3*x1+1])
				bs := int32(a[3*x0+2]) + int32(a[3*x1+2]) + int32(b[3*x0+2]) + int32(b[3*x1+2])
				cb[cx], cr[cx] = chroma((rs+2)>>2, (gs+2)>>2, (bs+2)>>2)
			}
		})
	}
}

// luma and chroma are image/color's RGBToYCbCr (JFIF, full range).
func luma(p []byte) uint8 {
	r, g, b := int32(p[0]), int32(p[1]), int32(p[2])
	return uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}

func chroma(r, g, b int32) (uint8, uint8) {
	cb := -11056*r - 21712*g + 32768*b + 257<<15
	if uint32(cb)&0xff000000 == 0 {
		cb >>= 16
	} else {
		cb = ^(cb >> 31)
	}
	cr := 32768*r - 27440*g - 5328*b + 257<<15
	if uint32(cr)&0xff000000 == 0 {
		cr >>= 16
	} else {
		cr = ^(cr >> 31)
	}
	return uint8(cb), uint8(cr)
}

// halveRows halves a band (bounds from 0,0; its first row even in its
// level) into dst from dst's row y, as halve does for a whole image.
func halveRows(band, dst image.Image, y int) {
	b := band.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := ceilDiv(w, 2), ceilDiv(h, 2)
	switch s := band.(type) {
	case *image.Gray:
		d := dst.(*image.Gray)
		halvePlane(s.Pix, s.Stride, w, h, 1, d.Pix[y*d.Stride:], d.Stride, dw, dh)
	case *image.YCbCr:
		d := dst.(*image.YCbCr)
		halvePlane(s.Y, s.YStride, w, h, 1, d.Y[y*d.YStride:], d.YStride, dw, dh)
		cw, ch := ceilDiv(w, 2), ceilDiv(h, 2)
		ocw, och := ceilDiv(dw, 2), ceilDiv(dh, 2)
		halvePlane(s.Cb, s.CStride, cw, ch, 1, d.Cb[y/2*d.CStride:], d.CStride, ocw, och)
		halvePlane(s.Cr, s.CStride, cw, ch, 1, d.Cr[y/2*d.CStride:], d.CStride, ocw, och)
	}
}

// convertBand is where a band of decoded rows (8-bit grey or RGB) is
// converted from the master's embedded ICC profile (nil: none) to sRGB
// before anything is made from it. The colour-management work plugs in
// here; until then the rows are used as stored, as for every other master.
func convertBand(icc []byte, rows []byte, w, n, channels int) {}
