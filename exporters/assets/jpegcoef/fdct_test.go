package jpegcoef

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// TestFDCTMatchesDefinition compares the scaled fast DCT, once its scale
// and transposition are removed, with the DCT of T.81 A.3.3 computed from
// its definition.
func TestFDCTMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 50; n++ {
		var in, fast [64]float32
		for i := range in {
			in[i] = float32(r.IntN(256) - 128)
		}
		fast = in
		fdctBlock(&fast) // the transposed, scaled DCT
		for v := 0; v < 8; v++ {
			for u := 0; u < 8; u++ {
				cu, cv := 1.0, 1.0
				if u == 0 {
					cu = 1 / math.Sqrt2
				}
				if v == 0 {
					cv = 1 / math.Sqrt2
				}
				sum := 0.0
				for y := 0; y < 8; y++ {
					for x := 0; x < 8; x++ {
						sum += float64(in[y*8+x]) * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) * math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
					}
				}
				want := cu * cv * sum / 4
				got := float64(fast[u*8+v]) / (aanScale[v] * aanScale[u] * 8)
				if math.Abs(got-want) > 1e-3*max(1, math.Abs(want)) {
					t.Fatalf("block %d, F(%d,%d) = %.4f, want %.4f", n, u, v, got, want)
				}
			}
		}
	}
}

// psnr compares two images of the same size on their RGB values.
func psnr(a, b image.Image) float64 {
	var se float64
	n := 0
	bb := b.Bounds()
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x-a.Bounds().Min.X, bb.Min.Y+y-a.Bounds().Min.Y).RGBA()
			for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
				se += d * d
			}
			n += 3
		}
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// TestFromPixelsAgainstImageJPEG encodes photo-like images of awkward sizes
// (and a tile cut from a larger one) through FromPixels and WriteCrop and
// through image/jpeg at the same quality: image/jpeg reads ours, and they
// are as close to the source as image/jpeg's own (within 0.3 dB) at about
// the same size.
func TestFromPixelsAgainstImageJPEG(t *testing.T) {
	big := ycc420(photo(300, 200, 7, false))
	cases := map[string]image.Image{
		"420 37x23":        ycc420(photo(37, 23, 1, false)),
		"420 64x48":        ycc420(photo(64, 48, 2, false)),
		"420 tile of 300":  big.SubImage(image.Rect(128, 64, 300, 200)),
		"grey 45x19":       photo(45, 19, 3, true),
		"420 one pixel":    ycc420(photo(1, 1, 4, false)),
		"420 17x1 (a row)": ycc420(photo(17, 1, 5, false)),
	}
	for name, src := range cases {
		for _, q := range []int{50, 85, 100} {
			m, err := FromPixels(src, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var ours, std bytes.Buffer
			if err := m.WriteCrop(&ours, image.Rect(0, 0, m.Width, m.Height)); err != nil {
				t.Fatal(err)
			}
			if err := jpeg.Encode(&std, src, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			got, err := jpeg.Decode(bytes.NewReader(ours.Bytes()))
			if err != nil {
				t.Fatalf("%s q%d: image/jpeg cannot read ours: %v", name, q, err)
			}
			if got.Bounds().Size() != src.Bounds().Size() {
				t.Fatalf("%s q%d: size %v, want %v", name, q, got.Bounds().Size(), src.Bounds().Size())
			}
			ref, _ := jpeg.Decode(bytes.NewReader(std.Bytes()))
			po, ps := psnr(src, got), psnr(src, ref)
			t.Logf("%s q%d: ours %.2f dB %d bytes, image/jpeg %.2f dB %d bytes", name, q, po, ours.Len(), ps, std.Len())
			if po < ps-0.3 {
				t.Errorf("%s q%d: ours %.2f dB, image/jpeg %.2f dB", name, q, po, ps)
			}
			if src.Bounds().Dx() >= 16 && float64(ours.Len()) > 1.15*float64(std.Len())+200 {
				t.Errorf("%s q%d: ours %d bytes, image/jpeg %d", name, q, ours.Len(), std.Len())
			}
		}
	}
	if _, err := FromPixels(big.SubImage(image.Rect(1, 0, 20, 20)), 85); err == nil {
		t.Error("a 4:2:0 image with an odd origin was encoded (its chroma would shift)")
	}
	if _, err := FromPixels(image.NewRGBA(image.Rect(0, 0, 8, 8)), 85); err == nil {
		t.Error("an RGBA image was encoded")
	}
}

// ycc420 converts img to YCbCr 4:2:0 as a JPEG decoder would hold it, each
// chroma sample the average of its 2x2 pixels.
func ycc420(img image.Image) *image.YCbCr {
	b := img.Bounds()
	out := image.NewYCbCr(image.Rect(0, 0, b.Dx(), b.Dy()), image.YCbCrSubsampleRatio420)
	cb := make([]int, len(out.Cb))
	cr := make([]int, len(out.Cr))
	n := make([]int, len(out.Cb))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			yy, u, v := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bl>>8))
			out.Y[out.YOffset(x, y)] = yy
			o := out.COffset(x, y)
			cb[o] += int(u)
			cr[o] += int(v)
			n[o]++
		}
	}
	for i := range n {
		if n[i] > 0 {
			out.Cb[i] = uint8((cb[i] + n[i]/2) / n[i])
			out.Cr[i] = uint8((cr[i] + n[i]/2) / n[i])
		}
	}
	return out
}
