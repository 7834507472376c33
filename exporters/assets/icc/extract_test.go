package icc_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
)

func smallJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func webp(chunks ...[]byte) []byte {
	var body bytes.Buffer
	body.WriteString("WEBP")
	for _, c := range chunks {
		body.Write(c)
	}
	var out bytes.Buffer
	out.WriteString("RIFF")
	binary.Write(&out, binary.LittleEndian, uint32(body.Len()))
	out.Write(body.Bytes())
	return out.Bytes()
}

func riffChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(typ)
	binary.Write(&b, binary.LittleEndian, uint32(len(data)))
	b.Write(data)
	if len(data)%2 == 1 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

func TestExtract(t *testing.T) {
	prof := icctest.ECIRGBv2() // 6.7 kB: several chunks below
	jpg := smallJPEG(t)
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4)))
	tif := icctest.TIFF(2, 1, 3, 8, []byte{1, 2, 3, 4, 5, 6}, nil, prof, nil)
	vp8x := riffChunk("VP8X", []byte{0x20, 0, 0, 0, 1, 0, 0, 1, 0, 0})
	for _, tc := range []struct {
		name, format string
		data         []byte
		want         []byte
		err          string
	}{
		{"jpeg one segment", "jpeg", icctest.EmbedJPEG(jpg, prof, 0, nil), prof, ""},
		{"jpeg three segments out of order", "jpeg", icctest.EmbedJPEG(jpg, prof, 2500, []int{2, 3, 1}), prof, ""},
		{"jpeg chunk missing", "jpeg", icctest.EmbedJPEG(jpg, prof, 2500, []int{1, 3}), nil, "2 of the 3"},
		{"jpeg chunk repeated", "jpeg", icctest.EmbedJPEG(jpg, prof, 2500, []int{1, 1, 3}), nil, "chunk 2 is missing"},
		{"jpeg none", "jpeg", jpg, nil, ""},
		{"png", "png", icctest.EmbedPNG(pngBuf.Bytes(), prof, "eciRGB v2"), prof, ""},
		{"png none", "png", pngBuf.Bytes(), nil, ""},
		{"png cut short, no profile", "png", pngBuf.Bytes()[:pngBuf.Len()-20], nil, ""},
		{"png cut in its profile", "png", icctest.EmbedPNG(pngBuf.Bytes(), prof, "eciRGB v2")[:100], nil, "iCCP chunk at byte 33 runs past the end"},
		{"tiff", "tiff", tif, prof, ""},
		{"tiff none", "tiff", icctest.TIFF(2, 1, 3, 8, []byte{1, 2, 3, 4, 5, 6}, nil, nil, nil), nil, ""},
		{"webp", "webp", webp(vp8x, riffChunk("ICCP", prof), riffChunk("VP8L", []byte{1, 2, 3})), prof, ""},
		{"webp none", "webp", webp(riffChunk("VP8L", []byte{1, 2, 3})), nil, ""},
		{"gif", "gif", []byte("GIF89a"), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := icc.Extract(tc.data, tc.format)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("got %d bytes, want %d", len(got), len(tc.want))
			}
		})
	}
}

// TestExtractAgainstLittleCMS has jpgicc and tificc save the profile they
// find in the fixtures (-s), and wants the same bytes.
func TestExtractAgainstLittleCMS(t *testing.T) {
	dir := t.TempDir()
	prof := icctest.AdobeRGB()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var jb bytes.Buffer
	jpeg.Encode(&jb, img, nil)
	jpg := icctest.EmbedJPEG(jb.Bytes(), prof, 100, []int{3, 1, 2, 4, 5, 6})
	tif := icctest.TIFF(2, 2, 1, 16, nil, []uint16{0, 1000, 30000, 65535}, icctest.GrayGamma(2.2), nil)
	for _, tc := range []struct {
		tool, ext string
		data      []byte
	}{{"jpgicc", "jpg", jpg}, {"tificc", "tif", tif}} {
		t.Run(tc.tool, func(t *testing.T) {
			tool := lcmsTool(t, tc.tool)
			in := filepath.Join(dir, "in."+tc.ext)
			saved := filepath.Join(dir, tc.tool+".icc")
			os.WriteFile(in, tc.data, 0o644)
			if out, err := exec.Command(tool, "-s"+saved, in, filepath.Join(dir, "out."+tc.ext)).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", tc.tool, err, out)
			}
			want, err := os.ReadFile(saved)
			if err != nil {
				t.Fatal(err)
			}
			got, err := icc.Extract(tc.data, map[string]string{"jpg": "jpeg", "tif": "tiff"}[tc.ext])
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("extracted %d bytes (%v); %s saved %d", len(got), err, tc.tool, len(want))
			}
		})
	}
}

func TestCurves(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    icc.Curve
		x, y float64
	}{
		{"identity", icc.Curve{Gamma: 1}, 0.3, 0.3},
		{"gamma", icc.Curve{Gamma: 2}, 0.5, 0.25},
		{"table", icc.Curve{Table: []uint16{0, 65535}}, 0.25, 0.25},
		{"table 3", icc.Curve{Table: []uint16{0, 10000, 65535}}, 0.25, 5000.0 / 65535},
		{"para1 below", icc.Curve{Fn: 1, Params: []float64{2, 1, -0.5}}, 0.4, 0},
		{"para1 above", icc.Curve{Fn: 1, Params: []float64{2, 1, -0.5}}, 0.75, 0.0625},
		{"para2 below", icc.Curve{Fn: 2, Params: []float64{2, 1, -0.5, 0.1}}, 0.4, 0.1},
		{"para3 linear", icc.Curve{Fn: 3, Params: []float64{2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045}}, 0.04, 0.04 / 12.92},
		{"para4 offset", icc.Curve{Fn: 4, Params: []float64{1, 1, 0, 0.5, 0.5, 0.1, 0.2}}, 0.25, 0.325},
		{"clamped", icc.Curve{Fn: 4, Params: []float64{1, 1, 0, 0.5, 0.5, 0.5, 0.2}}, 0.9, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Eval(tc.x); got < tc.y-1e-9 || got > tc.y+1e-9 {
				t.Errorf("Eval(%g) = %g, want %g", tc.x, got, tc.y)
			}
		})
	}
}

func TestConvertGrayOut(t *testing.T) {
	p, _ := icc.Parse(icctest.GrayGamma(2.2))
	tr, err := icc.NewTransform(p)
	if err != nil {
		t.Fatal(err)
	}
	src := []byte{0, 64, 128, 255}
	g := make([]byte, 4)
	rgb := make([]byte, 12)
	tr.Convert8(g, 1, src, 1, 4)
	tr.Convert8(rgb, 3, src, 1, 4)
	for i := range src {
		if rgb[3*i] != g[i] || rgb[3*i+1] != g[i] || rgb[3*i+2] != g[i] {
			t.Errorf("grey %d: %d, as RGB %v", src[i], g[i], rgb[3*i:3*i+3])
		}
	}
	if g[0] != 0 || g[3] != 255 || g[2] <= 128 {
		t.Errorf("gamma 2.2 grey to sRGB: %v (mid-grey should get lighter)", g)
	}
	_ = color.Gray{}
}
