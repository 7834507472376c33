package jpegcoef

import (
	"fmt"
	"image"
	"math"
)

// This file makes an Image from pixels: a forward DCT and quantization of
// each 8x8 block, so that WriteCrop can write it as a baseline JPEG with the
// standard Huffman tables. It exists for speed: the planes of a YCbCr 4:2:0
// image (what the halved levels of a JPEG master are) go in as they are,
// where image/jpeg fetches and averages chroma per pixel, and the entropy
// coder is the one WriteCrop already uses.

// stdLumQuant and stdChrQuant are the example quantization tables of ITU-T
// T.81 Annex K.1, in natural (row-major) order, for quality 50.
var (
	stdLumQuant = [64]int{
		16, 11, 10, 16, 24, 40, 51, 61,
		12, 12, 14, 19, 26, 58, 60, 55,
		14, 13, 16, 24, 40, 57, 69, 56,
		14, 17, 22, 29, 51, 87, 80, 62,
		18, 22, 37, 56, 68, 109, 103, 77,
		24, 35, 55, 64, 81, 104, 113, 92,
		49, 64, 78, 87, 103, 121, 120, 101,
		72, 92, 95, 98, 112, 100, 103, 99,
	}
	stdChrQuant = [64]int{
		17, 18, 24, 47, 99, 99, 99, 99,
		18, 21, 26, 66, 99, 99, 99, 99,
		24, 26, 56, 99, 99, 99, 99, 99,
		47, 66, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
	}
)

// scaledQuant scales a quality-50 table to quality q (1-100) the way the
// Independent JPEG Group's software does (and Go's image/jpeg, so files
// match in size and look): factor 5000/q below 50, 200-2q from 50 up,
// entries clamped to 1..255.
func scaledQuant(base *[64]int, q int) [64]int {
	q = max(1, min(100, q))
	f := 200 - 2*q
	if q < 50 {
		f = 5000 / q
	}
	var out [64]int
	for i, v := range base {
		out[i] = max(1, min(255, (v*f+50)/100))
	}
	return out
}

// aanScale[k] is the factor by which the scaled 1-D DCT below leaves output
// k larger than the true one: 1 for k = 0, sqrt(2)*cos(k*pi/16) otherwise
// (Arai, Agui and Nakajima's factorization, which needs only 5 products per
// 8 samples and folds its scale into the quantization divisors).
var aanScale [8]float64

func init() {
	aanScale[0] = 1
	for k := 1; k < 8; k++ {
		aanScale[k] = math.Sqrt2 * math.Cos(float64(k)*math.Pi/16)
	}
}

// quantizer turns a block transformed by fdctBlock (coefficient (u, v),
// horizontal frequency u, at index u*8+v: the transpose of the natural
// order) into quantized coefficients.
type quantizer struct {
	// recip[i] = 1 / (q * aanScale[u] * aanScale[v] * 8)
	recip [64]float32
	// zz[i] = the zigzag index of coefficient i
	zz [64]int
}

func newQuantizer(q *[64]int) *quantizer {
	qz := &quantizer{}
	for z, nat := range unzig {
		v, u := nat/8, nat%8 // natural order: row v, column u
		i := u*8 + v
		qz.zz[i] = z
		qz.recip[i] = float32(1 / (float64(q[nat]) * aanScale[u] * aanScale[v] * 8))
	}
	return qz
}

// block transforms the 8x8 samples in (level-shifted, natural order) and
// writes their quantized coefficients, in zigzag order, to out.
func (qz *quantizer) block(in *[64]float32, out []int16) {
	fdctBlock(in)
	out = out[:64]
	for i, v := range in {
		x := v * qz.recip[i]
		// Round half away from zero without a branch on the sign: add
		// 0.5 carrying x's sign bit.
		x += math.Float32frombits(0x3f000000 | math.Float32bits(x)&0x80000000)
		// The standard Huffman tables code magnitudes up to 1023 (AC) and
		// WriteCrop's readers expect DC within -1024..1023; only quality
		// near 100 on extreme blocks comes close.
		out[qz.zz[i]] = int16(max(-1023, min(1023, int32(x))))
	}
}

// fdctBlock applies the scaled 8-point DCT of Arai, Agui and Nakajima to
// each row of the block, transposes it, and applies it to each row again:
// the result is the scaled 2-D DCT, transposed (the quantizer's indexes
// undo that for free). One loop for both passes keeps each line's values in
// registers.
func fdctBlock(d *[64]float32) {
	for pass := 0; pass < 2; pass++ {
		for r := 0; r < 64; r += 8 {
			l := d[r : r+8 : r+8]
			a0, a7 := l[0]+l[7], l[0]-l[7]
			a1, a6 := l[1]+l[6], l[1]-l[6]
			a2, a5 := l[2]+l[5], l[2]-l[5]
			a3, a4 := l[3]+l[4], l[3]-l[4]
			// even outputs
			e0, e3 := a0+a3, a0-a3
			e1, e2 := a1+a2, a1-a2
			l[0] = e0 + e1
			l[4] = e0 - e1
			z := (e2 + e3) * 0.70710678
			l[2] = e3 + z
			l[6] = e3 - z
			// odd outputs
			o0, o1, o2 := a4+a5, a5+a6, a6+a7
			rr := (o0 - o2) * 0.38268343
			p := 0.54119610*o0 + rr
			q := 1.30656296*o2 + rr
			m := o1 * 0.70710678
			h0, h1 := a7+m, a7-m
			l[5] = h1 + p
			l[3] = h1 - p
			l[1] = h0 + q
			l[7] = h0 - q
		}
		if pass == 0 {
			for r := 0; r < 8; r++ {
				for c := r + 1; c < 8; c++ {
					d[r*8+c], d[c*8+r] = d[c*8+r], d[r*8+c]
				}
			}
		}
	}
}

// planeBlocks fills the blocks of component c from a plane of w x h samples
// (pix, stride), repeating the last column and row over the padding.
func planeBlocks(c *component, pix []byte, stride, w, h int, qz *quantizer) {
	var blk [64]float32
	for by := 0; by < c.bh; by++ {
		for bx := 0; bx < c.bw; bx++ {
			for y := 0; y < 8; y++ {
				sy := min(by*8+y, h-1)
				row := pix[sy*stride:]
				x0 := bx * 8
				if x0+8 <= w {
					r := row[x0 : x0+8]
					for x := 0; x < 8; x++ {
						blk[y*8+x] = float32(r[x]) - 128
					}
				} else {
					for x := 0; x < 8; x++ {
						blk[y*8+x] = float32(row[min(x0+x, w-1)]) - 128
					}
				}
			}
			off := (by*c.bw + bx) * 64
			qz.block(&blk, c.coef[off:off+64])
		}
	}
}

// FromPixels makes an Image of img's DCT coefficients at the given quality
// (1-100, scaled as libjpeg and image/jpeg scale it): a grey image as one
// component, a YCbCr 4:2:0 image as three whose chroma planes are taken as
// they are. Other images, and 4:2:0 images whose origin is odd (their
// chroma would be shifted), are refused; encode them another way.
// WriteCrop of the whole image then writes the JPEG.
func FromPixels(img image.Image, quality int) (*Image, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || w > 65535 || h > 65535 {
		return nil, fmt.Errorf("jpegcoef: cannot encode a %dx%d image", w, h)
	}
	lq, cq := scaledQuant(&stdLumQuant, quality), scaledQuant(&stdChrQuant, quality)
	m := &Image{Width: w, Height: h}
	for i, v := range unzig {
		m.qt[0][i] = uint16(lq[v])
		m.qt[1][i] = uint16(cq[v])
	}
	switch src := img.(type) {
	case *image.Gray:
		m.hmax, m.vmax = 1, 1
		m.mcusX, m.mcusY = (w+7)/8, (h+7)/8
		c := component{id: 1, h: 1, v: 1, tq: 0, bw: m.mcusX, bh: m.mcusY}
		c.coef = make([]int16, c.bw*c.bh*64)
		off := src.PixOffset(b.Min.X, b.Min.Y)
		planeBlocks(&c, src.Pix[off:], src.Stride, w, h, newQuantizer(&lq))
		m.comps = []component{c}
	case *image.YCbCr:
		if src.SubsampleRatio != image.YCbCrSubsampleRatio420 || b.Min.X%2 != 0 || b.Min.Y%2 != 0 {
			return nil, fmt.Errorf("jpegcoef: only 4:2:0 images with an even origin are encoded, not %v at %v", src.SubsampleRatio, b.Min)
		}
		m.hmax, m.vmax = 2, 2
		m.mcusX, m.mcusY = (w+15)/16, (h+15)/16
		lqz, cqz := newQuantizer(&lq), newQuantizer(&cq)
		y := component{id: 1, h: 2, v: 2, tq: 0, bw: 2 * m.mcusX, bh: 2 * m.mcusY}
		y.coef = make([]int16, y.bw*y.bh*64)
		planeBlocks(&y, src.Y[src.YOffset(b.Min.X, b.Min.Y):], src.YStride, w, h, lqz)
		cw, ch := (w+1)/2, (h+1)/2
		co := src.COffset(b.Min.X, b.Min.Y)
		m.comps = []component{y}
		for i, plane := range [][]byte{src.Cb, src.Cr} {
			c := component{id: byte(2 + i), h: 1, v: 1, tq: 1, bw: m.mcusX, bh: m.mcusY}
			c.coef = make([]int16, c.bw*c.bh*64)
			planeBlocks(&c, plane[co:], src.CStride, cw, ch, cqz)
			m.comps = append(m.comps, c)
		}
	default:
		return nil, fmt.Errorf("jpegcoef: cannot encode a %T", img)
	}
	return m, nil
}
