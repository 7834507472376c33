package assets

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

func rgbAt(img image.Image, x, y int) (int, int, int) {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8)
}

func near(a, b int) bool { return a-b <= 3 && b-a <= 3 }

func TestFlattenColourModels(t *testing.T) {
	// testdata/cmyk-adobe.jpg: 16x16 of sRGB (200,30,40) converted to CMYK
	// by libvips and saved as an Adobe (inverted) CMYK JPEG without profile.
	data, err := os.ReadFile("testdata/cmyk-adobe.jpg")
	if err != nil {
		t.Fatal(err)
	}
	img, err := decodeImage(data, "jpeg")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.(*image.NRGBA); !ok {
		t.Fatalf("CMYK JPEG flattened to %T", img)
	}
	if r, g, b := rgbAt(img, 8, 8); r < 180 || g > 40 || b > 50 {
		t.Errorf("Adobe CMYK red decoded as (%d,%d,%d): inverted or wrong channels", r, g, b)
	}

	// 16-bit PNG with half-transparent blue: on white it is light blue.
	n64 := image.NewNRGBA64(image.Rect(0, 0, 4, 4))
	for i := 0; i < 16; i++ {
		n64.SetNRGBA64(i%4, i/4, color.NRGBA64{0, 0, 0xFFFF, 0x8000})
	}
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.NRGBA{}, color.NRGBA{255, 0, 0, 255}})
	g16 := image.NewGray16(image.Rect(0, 0, 4, 4))
	for i := range g16.Pix {
		g16.Pix[i] = 0x80
	}
	for _, tc := range []struct {
		name    string
		img     image.Image
		r, g, b int
	}{
		{"16-bit alpha", n64, 127, 127, 255},
		{"transparent palette", pal, 255, 255, 255},
		{"gray16", g16, 128, 128, 128},
	} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, tc.img); err != nil {
			t.Fatal(err)
		}
		got, err := decodeImage(buf.Bytes(), "png")
		if err != nil {
			t.Fatal(err)
		}
		if r, g, b := rgbAt(got, 1, 1); !near(r, tc.r) || !near(g, tc.g) || !near(b, tc.b) {
			t.Errorf("%s: (%d,%d,%d), want (%d,%d,%d)", tc.name, r, g, b, tc.r, tc.g, tc.b)
		}
		if n, ok := got.(*image.NRGBA); !ok || !n.Opaque() {
			t.Errorf("%s: flattened to %T, not opaque NRGBA", tc.name, got)
		}
	}
}

// withOrientation inserts an EXIF APP1 segment with the orientation tag.
func withOrientation(jpg []byte, o uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{o, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

// halfBlack is a 40x20 grey image, its left half black, its right half
// white.
func halfBlack() *image.Gray {
	src := image.NewGray(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 20; x < 40; x++ {
			src.Pix[y*src.Stride+x] = 255
		}
	}
	return src
}

// wantTurned checks that halfBlack, decoded from data with orientation 6
// (turn 90 degrees clockwise to display), comes out 20x40 with its black
// half on top.
func wantTurned(t *testing.T, data []byte, format string) {
	t.Helper()
	img, err := decodeImage(data, format)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("%s: oriented size %v, want 20x40", format, b)
	}
	if top, _, _ := rgbAt(img, 10, 5); top > 30 {
		t.Errorf("%s: top is %d, want black (the left side turned to the top)", format, top)
	}
	if bottom, _, _ := rgbAt(img, 10, 35); bottom < 225 {
		t.Errorf("%s: bottom is %d, want white", format, bottom)
	}
}

func TestEXIFOrientation(t *testing.T) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, halfBlack(), &jpeg.Options{Quality: 95})
	data := withOrientation(buf.Bytes(), 6)
	if o := imagemeta.Orientation(data); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	wantTurned(t, data, "jpeg")
	if o := imagemeta.Orientation(buf.Bytes()); o != 1 {
		t.Errorf("no EXIF: orientation %d", o)
	}
	if o := imagemeta.Orientation([]byte("\xFF\xD8\xFF\xE1\x00")); o != 1 {
		t.Errorf("truncated EXIF: orientation %d", o)
	}
}

// TestHalve compares the fast plane halving with a plain 2x2 average, on
// odd sizes, for each pixel layout.
func TestHalve(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fill := func(b []byte) {
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
	}
	for _, size := range [][2]int{{1, 1}, {7, 5}, {301, 257}, {600, 400}} {
		w, h := size[0], size[1]
		yc := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		fill(yc.Y)
		fill(yc.Cb)
		fill(yc.Cr)
		n := image.NewNRGBA(image.Rect(0, 0, w, h))
		fill(n.Pix)
		for i := 3; i < len(n.Pix); i += 4 {
			n.Pix[i] = 255 // masters are opaque once flattened
		}
		checkPlanes(t, yc, halve(yc).(*image.YCbCr))
		gr := image.NewGray(image.Rect(0, 0, w, h))
		fill(gr.Pix)
		for _, img := range []image.Image{n, gr} {
			out := halve(img)
			ob := out.Bounds()
			if ob.Dx() != (w+1)/2 || ob.Dy() != (h+1)/2 {
				t.Fatalf("%T %dx%d halved to %v", img, w, h, ob)
			}
			if _, same := out.(interface{ Opaque() bool }); !same {
				t.Fatalf("%T", out)
			}
			for _, p := range []image.Point{{0, 0}, {ob.Dx() - 1, ob.Dy() - 1}, {ob.Dx() / 2, ob.Dy() / 3}} {
				var want [3]int
				for _, d := range []image.Point{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					x, y := min(2*p.X+d.X, w-1), min(2*p.Y+d.Y, h-1)
					cr, cg, cb := rgbAt(img, x, y)
					want[0] += cr
					want[1] += cg
					want[2] += cb
				}
				gr, gg, gb := rgbAt(out, p.X, p.Y)
				tol := 1
				for i, g := range []int{gr, gg, gb} {
					if d := g - want[i]/4; d > tol || d < -tol {
						t.Errorf("%T %dx%d at %v: channel %d = %d, want %d", img, w, h, p, i, g, want[i]/4)
					}
				}
			}
		}
	}
}

// checkPlanes checks each plane of a halved YCbCr image against a plain
// 2x2 average of the source plane.
func checkPlanes(t *testing.T, src, out *image.YCbCr) {
	t.Helper()
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if out.Rect.Dx() != (w+1)/2 || out.Rect.Dy() != (h+1)/2 || out.SubsampleRatio != src.SubsampleRatio {
		t.Fatalf("%dx%d halved to %v %v", w, h, out.Rect, out.SubsampleRatio)
	}
	cw, ch := chromaSize(w, h, src.SubsampleRatio)
	ocw, och := chromaSize(out.Rect.Dx(), out.Rect.Dy(), out.SubsampleRatio)
	for _, pl := range []struct {
		s, d           []byte
		ss, ds, sw, sh int
		dw, dh         int
	}{
		{src.Y, out.Y, src.YStride, out.YStride, w, h, out.Rect.Dx(), out.Rect.Dy()},
		{src.Cb, out.Cb, src.CStride, out.CStride, cw, ch, ocw, och},
		{src.Cr, out.Cr, src.CStride, out.CStride, cw, ch, ocw, och},
	} {
		for y := 0; y < pl.dh; y++ {
			for x := 0; x < pl.dw; x++ {
				sum := 0
				for _, d := range []image.Point{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					sx, sy := min(2*x+d.X, pl.sw-1), min(2*y+d.Y, pl.sh-1)
					sum += int(pl.s[sy*pl.ss+sx])
				}
				if got := int(pl.d[y*pl.ds+x]); got != (sum+2)/4 {
					t.Fatalf("%dx%d plane at %d,%d: %d, want %d", w, h, x, y, got, (sum+2)/4)
				}
			}
		}
	}
}

func TestHalveYCbCrUniform(t *testing.T) {
	yc := image.NewYCbCr(image.Rect(0, 0, 9, 7), image.YCbCrSubsampleRatio420)
	for i := range yc.Y {
		yc.Y[i] = 120
	}
	for i := range yc.Cb {
		yc.Cb[i], yc.Cr[i] = 90, 170
	}
	out := halve(yc).(*image.YCbCr)
	if out.SubsampleRatio != image.YCbCrSubsampleRatio420 || out.Rect.Dx() != 5 || out.Rect.Dy() != 4 {
		t.Fatalf("%v %v", out.SubsampleRatio, out.Rect)
	}
	for x := 0; x < 5; x++ {
		for y := 0; y < 4; y++ {
			if c := out.YCbCrAt(x, y); c != (color.YCbCr{120, 90, 170}) {
				t.Fatalf("at %d,%d: %v", x, y, c)
			}
		}
	}
}

// grayTIFF writes an uncompressed 8-bit grey TIFF (little-endian) with the
// given orientation tag (0: none).
func grayTIFF(img *image.Gray, o uint16) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	type entry struct {
		tag, typ uint16
		val      uint32
	}
	const short, long = 3, 4
	entries := []entry{{256, short, uint32(w)}, {257, short, uint32(h)}, {258, short, 8}, {259, short, 1}, {262, short, 1}, {273, long, 0}}
	if o != 0 {
		entries = append(entries, entry{274, short, uint32(o)})
	}
	entries = append(entries, entry{277, short, 1}, entry{278, short, uint32(h)}, entry{279, long, uint32(w * h)})
	pixels := uint32(8 + 2 + 12*len(entries) + 4)
	entries[5].val = pixels
	var b bytes.Buffer
	b.WriteString("II\x2a\x00")
	binary.Write(&b, binary.LittleEndian, uint32(8))
	binary.Write(&b, binary.LittleEndian, uint16(len(entries)))
	for _, e := range entries {
		binary.Write(&b, binary.LittleEndian, []uint16{e.tag, e.typ})
		binary.Write(&b, binary.LittleEndian, uint32(1))
		if e.typ == short {
			binary.Write(&b, binary.LittleEndian, []uint16{uint16(e.val), 0})
		} else {
			binary.Write(&b, binary.LittleEndian, e.val)
		}
	}
	binary.Write(&b, binary.LittleEndian, uint32(0))
	for y := 0; y < h; y++ {
		b.Write(img.Pix[y*img.Stride : y*img.Stride+w])
	}
	return b.Bytes()
}

// TestTIFFOrientation: a TIFF's orientation tag (274) turns it like the
// EXIF tag of a JPEG; without the tag it is shown as stored.
func TestTIFFOrientation(t *testing.T) {
	plain, err := decodeImage(grayTIFF(halfBlack(), 0), "tiff")
	if err != nil {
		t.Fatal(err)
	}
	if b := plain.Bounds(); b.Dx() != 40 || b.Dy() != 20 {
		t.Fatalf("TIFF without orientation: size %v", b)
	}
	data := grayTIFF(halfBlack(), 6)
	if o := imagemeta.Orientation(data); o != 6 {
		t.Fatalf("imagemeta.Orientation = %d, want 6", o)
	}
	wantTurned(t, data, "tiff")
	if o := imagemeta.Orientation([]byte("II\x2b\x00\x08\x00\x00\x00")); o != 1 {
		t.Errorf("truncated BigTIFF header: orientation %d", o)
	}
}
