package jpegcoef

import "math"

// Unrolled 4- and 8-point inverse DCTs for Scaled(2) and Scaled(1), the two
// scales where the IDCT dominates. Both split each 1-D transform into its
// even and odd halves (f(x) = E(x)+O(x), f(n-1-x) = E(x)-O(x)), which halves
// the multiplies of the plain matrix product the generic path uses.

var (
	c4h = float32(0.5 / math.Sqrt2)            // weight of X0 (and of X4 at n=8)
	h1  = float32(0.5 * math.Cos(math.Pi/8))   // cos(pi/8)/2
	h3  = float32(0.5 * math.Cos(3*math.Pi/8)) // cos(3pi/8)/2
	od8 [4][4]float32                          // odd part of the 8-point IDCT
	zz8 [64]int                                // zigzag index of natural position
)

func init() {
	for x := 0; x < 4; x++ {
		for j := 0; j < 4; j++ {
			od8[x][j] = float32(0.5 * math.Cos(float64((2*x+1)*(2*j+1))*math.Pi/16))
		}
	}
	for zi, nat := range unzig {
		zz8[nat] = zi
	}
}

// idct4 writes the 4x4 output of blk's low 4x4 coefficients into out
// (stride 8), level-shifted and clamped. The zigzag positions of the 4x4
// corner are spelled out as constants so the compiler drops bounds checks
// (TestFastIDCT compares the result with the matrix IDCT).
func idct4(blk []int16, q *[64]uint16, out *[64]byte) {
	b := (*[64]int16)(blk)
	deq := func(i int) float32 { return float32(int32(b[i]) * int32(q[i])) }
	c := [16]float32{
		deq(0), deq(1), deq(5), deq(6),
		deq(2), deq(4), deq(7), deq(13),
		deq(3), deq(8), deq(12), deq(17),
		deq(9), deq(11), deq(18), deq(24),
	}
	var t [16]float32
	for u := 0; u < 4; u++ {
		x0, x1, x2, x3 := c[u], c[4+u], c[8+u], c[12+u]
		e0, e1 := c4h*(x0+x2), c4h*(x0-x2)
		o0, o1 := h1*x1+h3*x3, h3*x1-h1*x3
		t[u], t[12+u] = e0+o0, e0-o0
		t[4+u], t[8+u] = e1+o1, e1-o1
	}
	for y := 0; y < 4; y++ {
		x0, x1, x2, x3 := t[y*4], t[y*4+1], t[y*4+2], t[y*4+3]
		e0, e1 := c4h*(x0+x2)+128, c4h*(x0-x2)+128
		o0, o1 := h1*x1+h3*x3, h3*x1-h1*x3
		o := (*[4]byte)(out[y*8 : y*8+4])
		o[0], o[3] = clamp(e0+o0), clamp(e0-o0)
		o[1], o[2] = clamp(e1+o1), clamp(e1-o1)
	}
}

// idct8x is the 1-D 8-point inverse DCT of x into f.
func idct8x(x *[8]float32, f *[8]float32) {
	eea, eeb := c4h*(x[0]+x[4]), c4h*(x[0]-x[4])
	eoa, eob := h1*x[2]+h3*x[6], h3*x[2]-h1*x[6]
	e0, e3, e1, e2 := eea+eoa, eea-eoa, eeb+eob, eeb-eob
	o0 := od8[0][0]*x[1] + od8[0][1]*x[3] + od8[0][2]*x[5] + od8[0][3]*x[7]
	o1 := od8[1][0]*x[1] + od8[1][1]*x[3] + od8[1][2]*x[5] + od8[1][3]*x[7]
	o2 := od8[2][0]*x[1] + od8[2][1]*x[3] + od8[2][2]*x[5] + od8[2][3]*x[7]
	o3 := od8[3][0]*x[1] + od8[3][1]*x[3] + od8[3][2]*x[5] + od8[3][3]*x[7]
	f[0], f[7] = e0+o0, e0-o0
	f[1], f[6] = e1+o1, e1-o1
	f[2], f[5] = e2+o2, e2-o2
	f[3], f[4] = e3+o3, e3-o3
}

// idct8 writes the full 8x8 output of blk into out, level-shifted and clamped.
func idct8(blk []int16, q *[64]uint16, out *[64]byte) {
	blk = blk[:64]
	var c, t [64]float32
	for nat, zi := range zz8 {
		if v := blk[zi]; v != 0 {
			c[nat] = float32(int32(v) * int32(q[zi]))
		}
	}
	var col, res [8]float32
	for u := 0; u < 8; u++ {
		if c[8+u] == 0 && c[16+u] == 0 && c[24+u] == 0 && c[32+u] == 0 &&
			c[40+u] == 0 && c[48+u] == 0 && c[56+u] == 0 {
			d := c4h * c[u]
			for y := 0; y < 8; y++ {
				t[y*8+u] = d
			}
			continue
		}
		for v := 0; v < 8; v++ {
			col[v] = c[v*8+u]
		}
		idct8x(&col, &res)
		for y := 0; y < 8; y++ {
			t[y*8+u] = res[y]
		}
	}
	for y := 0; y < 8; y++ {
		row := (*[8]float32)(t[y*8 : y*8+8])
		idct8x(row, &res)
		o := out[y*8 : y*8+8]
		for x, v := range res {
			o[x] = clamp(v + 128)
		}
	}
}

// idct2 writes the 2x2 output of blk's low 2x2 coefficients into out
// (stride 8): at n = 2 every weight is +-1/(2*sqrt2).
func idct2(blk []int16, q *[64]uint16, out *[64]byte) {
	blk = blk[:64]
	// Zigzag 0, 1, 2, 4 are natural (0,0), (0,1), (1,0), (1,1).
	x00 := float32(int32(blk[0]) * int32(q[0]))
	x01 := float32(int32(blk[1]) * int32(q[1]))
	x10 := float32(int32(blk[2]) * int32(q[2]))
	x11 := float32(int32(blk[4]) * int32(q[4]))
	a0, a1 := c4h*(x00+x10), c4h*(x00-x10) // column u=0, rows y=0,1
	b0, b1 := c4h*(x01+x11), c4h*(x01-x11) // column u=1
	out[0], out[1] = clamp(c4h*(a0+b0)+128), clamp(c4h*(a0-b0)+128)
	out[8], out[9] = clamp(c4h*(a1+b1)+128), clamp(c4h*(a1-b1)+128)
}
