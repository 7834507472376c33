package jpegcoef

import (
	"fmt"
	"image"
	"math"
)

// idctMat[n][x*8+u] holds the 1-D weight of coefficient u for output sample
// x of an n-point inverse DCT fed with the low n coefficients of an 8-point
// JPEG DCT: (1/2) * c(u) * cos((2x+1)u*pi/(2n)), c(0) = 1/sqrt2. The 1/2 is
// the same for every n because the orthonormal n-point DCT of a signal is
// sqrt(n/8) times the low part of its 8-point DCT, which cancels the
// sqrt(2/n) normalization of the inverse; so the result is the block's
// average over each k x k area, as a scaled decode should give.
var idctMat [9][64]float32

// lowZigzag[n] lists the zigzag indices whose natural position falls inside
// the top-left n x n corner, the only coefficients an n-point IDCT uses.
var lowZigzag [9][]int

func init() {
	for _, n := range []int{1, 2, 4, 8} {
		for x := 0; x < n; x++ {
			for u := 0; u < n; u++ {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				idctMat[n][x*8+u] = float32(0.5 * c * math.Cos(float64(2*x+1)*float64(u)*math.Pi/float64(2*n)))
			}
		}
		for i := 0; i < 64; i++ {
			if unzig[i]%8 < n && unzig[i]/8 < n {
				lowZigzag[n] = append(lowZigzag[n], i)
			}
		}
	}
}

// Scaled returns the image decoded at 1/k of its size, k = 1, 2, 4 or 8,
// each block going through an (8/k)-point inverse DCT of its low
// frequencies, so the full-size image is never made.
func (m *Image) Scaled(k int) (image.Image, error) {
	if k != 1 && k != 2 && k != 4 && k != 8 {
		return nil, fmt.Errorf("jpegcoef: scale 1/%d not supported", k)
	}
	if len(m.comps) == 0 || m.comps[0].coef == nil {
		return nil, fmt.Errorf("jpegcoef: image holds no coefficients")
	}
	n := 8 / k
	w, h := (m.Width+k-1)/k, (m.Height+k-1)/k
	bounds := image.Rect(0, 0, w, h)
	if len(m.comps) == 1 {
		g := image.NewGray(bounds)
		m.scalePlane(&m.comps[0], n, g.Pix, g.Stride, w, h)
		return g, nil
	}
	var ratio image.YCbCrSubsampleRatio
	switch [2]int{m.hmax, m.vmax} {
	case [2]int{1, 1}:
		ratio = image.YCbCrSubsampleRatio444
	case [2]int{2, 1}:
		ratio = image.YCbCrSubsampleRatio422
	case [2]int{2, 2}:
		ratio = image.YCbCrSubsampleRatio420
	case [2]int{1, 2}:
		ratio = image.YCbCrSubsampleRatio440
	case [2]int{4, 1}:
		ratio = image.YCbCrSubsampleRatio411
	case [2]int{4, 2}:
		ratio = image.YCbCrSubsampleRatio410
	}
	img := image.NewYCbCr(bounds, ratio)
	m.scalePlane(&m.comps[0], n, img.Y, img.YStride, w, h)
	cw, ch := img.CStride, 0
	if len(img.Cb) > 0 {
		ch = len(img.Cb) / img.CStride
	}
	m.scalePlane(&m.comps[1], n, img.Cb, img.CStride, cw, ch)
	m.scalePlane(&m.comps[2], n, img.Cr, img.CStride, cw, ch)
	return img, nil
}

// scalePlane fills a pw x ph plane with the n x n outputs of c's blocks,
// copying only the part of each block that falls inside the plane.
func (m *Image) scalePlane(c *component, n int, pix []byte, stride, pw, ph int) {
	q := &m.qt[c.tq]
	bx1 := min((pw+n-1)/n, c.bw)
	by1 := min((ph+n-1)/n, c.bh)
	low := lowZigzag[n]
	var coef, tmp [64]float32
	var out [64]byte
	for by := 0; by < by1; by++ {
		for bx := 0; bx < bx1; bx++ {
			blk := c.coef[(by*c.bw+bx)*64 : (by*c.bw+bx)*64+64]
			x0, y0 := bx*n, by*n
			cw, chh := min(n, pw-x0), min(n, ph-y0)
			switch {
			case n == 4:
				idct4(blk, q, &out)
			case n == 8:
				idct8(blk, q, &out)
			case n == 2:
				idct2(blk, q, &out)
			case allZero(blk, low[1:]):
				// A flat block (always the case at n = 1) is its DC over 8
				// plus the level shift.
				v := clamp(float32(int32(blk[0])*int32(q[0]))/8 + 128)
				for i := range out[:n*8] {
					out[i] = v
				}
			default:
				for _, zi := range low {
					coef[unzig[zi]] = float32(int32(blk[zi]) * int32(q[zi]))
				}
				idct(n, &coef, &tmp, &out)
				for _, zi := range low {
					coef[unzig[zi]] = 0
				}
			}
			for y := 0; y < chh; y++ {
				copy(pix[(y0+y)*stride+x0:(y0+y)*stride+x0+cw], out[y*8:y*8+cw])
			}
		}
	}
}

func allZero(blk []int16, zz []int) bool {
	for _, zi := range zz {
		if blk[zi] != 0 {
			return false
		}
	}
	return true
}

func clamp(v float32) byte {
	v += 0.5
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return byte(v)
}

// idct runs the separable n-point inverse DCT of coef's top-left n x n
// corner: columns first into tmp, then rows into out (stride 8), adding the
// level shift. Columns whose AC terms are zero skip the multiply loop.
func idct(n int, coef, tmp *[64]float32, out *[64]byte) {
	mat := &idctMat[n]
	for u := 0; u < n; u++ {
		zero := true
		for v := 1; v < n; v++ {
			if coef[v*8+u] != 0 {
				zero = false
				break
			}
		}
		if zero {
			d := coef[u] * mat[0]
			for y := 0; y < n; y++ {
				tmp[y*8+u] = d
			}
			continue
		}
		for y := 0; y < n; y++ {
			row := mat[y*8 : y*8+n]
			var s float32
			for v, wv := range row {
				s += coef[v*8+u] * wv
			}
			tmp[y*8+u] = s
		}
	}
	for y := 0; y < n; y++ {
		t := tmp[y*8 : y*8+n]
		for x := 0; x < n; x++ {
			row := mat[x*8 : x*8+n]
			var s float32
			for u, wu := range row {
				s += t[u] * wu
			}
			out[y*8+x] = clamp(s + 128)
		}
	}
}
