package assets_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/tiff"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
	"github.com/vitrine-tools/vitrine/exporters/iiif"
	"github.com/vitrine-tools/vitrine/model"
)

// lcmsTool returns the path of a Little CMS tool (Debian liblcms2-utils),
// skipping the test when it is absent and failing on CI, which installs it.
func lcmsTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found; CI must install liblcms2-utils", name)
		}
		t.Skipf("%s not found (apt-get install -y liblcms2-utils); skipping", name)
	}
	return p
}

// wideGamut is a w x h test picture in 16-bit device values: smooth ramps
// and waves over the whole cube, with saturated greens, reds and blues
// that lie outside sRGB in a wide-gamut space, and no hard colour edges
// (JPEG's halved chroma would blur those the same in the oracle's copy
// and ours, but differently decoded).
func wideGamut(w, h int) *image.NRGBA64 {
	img := image.NewNRGBA64(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w-1), float64(y)/float64(h-1)
			r := fx
			g := 1 - fy
			b := 0.5 + 0.4*math.Sin(3*fx+2*fy)
			img.SetNRGBA64(x, y, color.NRGBA64{uint16(r * 65535), uint16(g * 65535), uint16(b * 65535), 0xFFFF})
		}
	}
	return img
}

func samples(img *image.NRGBA64, gray bool, bits int) ([]byte, []uint16) {
	b := img.Bounds()
	var s8 []byte
	var s16 []uint16
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := img.NRGBA64At(x, y)
			vs := []uint16{c.R, c.G, c.B}
			if gray {
				vs = []uint16{uint16((uint32(c.R) + uint32(c.G)) / 2)}
			}
			for _, v := range vs {
				s16 = append(s16, v)
				s8 = append(s8, uint8(v>>8))
			}
		}
	}
	if bits == 16 {
		return nil, s16
	}
	return s8, nil
}

type colourMaster struct {
	name, file string
	data       []byte
	profile    []byte
	// oracle writes the master converted to sRGB by Little CMS to ref.
	oracle func(t *testing.T, dir, master, ref string)
	// lossless: full/max must be the master's compressed image as it is
	lossless bool
}

func colourMasters(t *testing.T, w, h int) []colourMaster {
	pic := wideGamut(w, h)
	enc := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	rgb8 := image.NewRGBA(pic.Rect)
	gray8 := image.NewGray(pic.Rect)
	s8, _ := samples(pic, false, 8)
	g8, _ := samples(pic, true, 8)
	for i := 0; i < w*h; i++ {
		copy(rgb8.Pix[4*i:], s8[3*i:3*i+3])
		rgb8.Pix[4*i+3] = 255
		gray8.Pix[i] = g8[i]
	}
	var pb bytes.Buffer
	png.Encode(&pb, rgb8)
	_, s16 := samples(pic, false, 16)

	jpgicc := func(t *testing.T, dir, master, ref string) {
		run(t, lcmsTool(t, "jpgicc"), "-t1", "-q100", master, ref)
	}
	tificc := func(t *testing.T, dir, master, ref string) {
		run(t, lcmsTool(t, "tificc"), "-t1", "-w8", master, ref)
	}
	p3 := icctest.DisplayP3()
	camera := append([]byte("Exif\x00\x00"), embedded.CameraEXIF(1, enc(image.NewGray(image.Rect(0, 0, 8, 8))))...)
	return []colourMaster{
		{name: "AdobeRGB JPEG", file: "adobe.jpg", data: icctest.EmbedJPEG(enc(rgb8), icctest.AdobeRGB(), 0, nil), oracle: jpgicc},
		{name: "ProPhoto 16-bit TIFF", file: "prophoto.tif", data: icctest.TIFF(w, h, 3, 16, nil, s16, icctest.ProPhotoRGB(), nil), oracle: tificc},
		{name: "DisplayP3 PNG", file: "p3.png", data: icctest.EmbedPNG(pb.Bytes(), p3, "Display P3"), profile: p3,
			oracle: func(t *testing.T, dir, master, ref string) {
				// No Little CMS tool reads PNG: the same pixels as an
				// untagged TIFF, converted from the PNG's profile.
				in := filepath.Join(dir, "p3-pixels.tif")
				writeFile(t, in, icctest.TIFF(w, h, 3, 8, s8, nil, nil, nil))
				prof := filepath.Join(dir, "p3.icc")
				writeFile(t, prof, p3)
				run(t, lcmsTool(t, "tificc"), "-t1", "-w8", "-i"+prof, in, ref)
			}},
		{name: "eciRGBv2 TIFF", file: "eci.tif", data: icctest.TIFF(w, h, 3, 8, s8, nil, icctest.ECIRGBv2(), nil), oracle: tificc},
		{name: "grey gamma 2.2 JPEG", file: "grey.jpg", data: icctest.EmbedJPEG(enc(gray8), icctest.GrayGamma(2.2), 0, nil), oracle: jpgicc},
		{name: "sRGB-tagged camera JPEG", file: "srgb.jpg", lossless: true,
			data:   embedded.InsertSegments(icctest.EmbedJPEG(enc(rgb8), icctest.SRGB(), 0, nil), embedded.Segment(0xE1, camera)),
			oracle: jpgicc},
		{name: "untagged JPEG", file: "plain.jpg", data: enc(rgb8), lossless: true, oracle: jpgicc},
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func decodeFile(t *testing.T, p string) image.Image {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var img image.Image
	if strings.HasSuffix(p, ".tif") {
		img, err = tiff.Decode(f)
	} else {
		img, _, err = image.Decode(f)
	}
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return img
}

// rmse is the normalized root mean square difference of the RGB values of
// got against the rectangle r of ref scaled to got's size by averaging
// (the derivative's region and size).
func rmse(got, ref image.Image, r image.Rectangle) float64 {
	gb := got.Bounds()
	sw, sh := gb.Dx(), gb.Dy()
	var sum float64
	for j := 0; j < sh; j++ {
		y0 := r.Min.Y + j*r.Dy()/sh
		y1 := max(y0+1, r.Min.Y+(j+1)*r.Dy()/sh)
		for i := 0; i < sw; i++ {
			x0 := r.Min.X + i*r.Dx()/sw
			x1 := max(x0+1, r.Min.X+(i+1)*r.Dx()/sw)
			var a [3]float64
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					cr, cg, cb, _ := ref.At(x, y).RGBA()
					a[0] += float64(cr)
					a[1] += float64(cg)
					a[2] += float64(cb)
				}
			}
			n := float64((y1 - y0) * (x1 - x0))
			gr, gg, gbb, _ := got.At(gb.Min.X+i, gb.Min.Y+j).RGBA()
			for k, v := range []uint32{gr, gg, gbb} {
				d := (float64(v) - a[k]/n) / 65535
				sum += d * d
			}
		}
	}
	return math.Sqrt(sum / float64(3*sw*sh))
}

// regionOf reads the region of an Image API file name ("x,y,w,h/..." or
// "full/...") of a w x h image.
func regionOf(name string, w, h int) image.Rectangle {
	reg := strings.SplitN(name, "/", 2)[0]
	if reg == "full" {
		return image.Rect(0, 0, w, h)
	}
	var x, y, rw, rh int
	fmt.Sscanf(reg, "%d,%d,%d,%d", &x, &y, &rw, &rh)
	return image.Rect(x, y, x+rw, y+rh)
}

// TestColourAgainstLittleCMS builds the derivatives of five wide-gamut or
// tagged masters (and two sRGB ones) and compares every one, read as sRGB
// (they carry no profile), with the master converted to sRGB by Little
// CMS: IIIF tiles at every level, sizes (the index pages' thumbnails),
// full/max, the plain full image and thumbnail, and the e-book image.
// Every file must be within a normalized RMSE of 0.02 and carry no
// metadata.
func TestColourAgainstLittleCMS(t *testing.T) {
	const w, h = 1100, 700
	dir := t.TempDir()
	masters := colourMasters(t, w, h)
	var yml strings.Builder
	yml.WriteString("slug: colour\nlanguages: [en]\ntitle: Colour\nrights: http://rightsstatements.org/vocab/InC/1.0/\nplates:\n")
	for i, m := range masters {
		writeFile(t, filepath.Join(dir, "images", m.file), m.data)
		fmt.Fprintf(&yml, "  - number: \"%d\"\n    caption: %s\n    images: [{path: images/%s}]\n", i+1, m.name, m.file)
	}
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte(yml.String()))
	ex, err := model.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	store, err := assets.New(ex, assets.Options{CacheDir: filepath.Join(dir, "cache")})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	book := assets.Resized{Name: "epub.jpg", MaxEdge: 800, Quality: 85}
	derivers := []assets.Deriver{iiif.Pyramid{}, iiif.Plain{}, book}
	if err := store.Run(context.Background(), derivers); err != nil {
		t.Fatal(err)
	}
	for _, m := range masters {
		t.Run(m.name, func(t *testing.T) {
			master := filepath.Join(dir, "images", m.file)
			ref := filepath.Join(dir, "ref-"+m.file)
			m.oracle(t, dir, master, ref)
			want := decodeFile(t, ref)
			worst := map[string]float64{}
			for _, d := range derivers {
				root, files, ok := store.Files("images/"+m.file, d)
				if !ok || len(files) == 0 {
					t.Fatalf("no files for %s", d.Key())
				}
				for _, f := range files {
					var kind string
					switch {
					case d == book:
						kind = "e-book image"
					case f == "full/max/0/default.jpg":
						kind = "full/max"
					case strings.HasPrefix(f, "full/"):
						kind = "sizes"
					case strings.Contains(f, "/"):
						kind = fmt.Sprintf("tiles at scale %d", regionOf(f, w, h).Dx()/max(1, atoi(strings.Split(strings.Split(f, "/")[1], ",")[0])))
					default:
						kind = "plain " + f
					}
					p := filepath.Join(root, filepath.FromSlash(f))
					data, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					if rep := embedded.Survey(bytes.NewReader(data), int64(len(data)), "jpeg"); rep.Profile != nil || rep.XMP || rep.IPTC || len(rep.Private()) > 0 {
						t.Errorf("%s carries metadata: %+v", f, rep)
					}
					reg := image.Rect(0, 0, w, h)
					if !strings.HasPrefix(kind, "plain") && d != book {
						reg = regionOf(f, w, h)
					}
					e := rmse(decodeFile(t, p), want, reg)
					worst[kind] = max(worst[kind], e)
				}
			}
			for kind, e := range worst {
				t.Logf("%-28s worst normalized RMSE %.4f", kind, e)
				if e > 0.02 {
					t.Errorf("%s: normalized RMSE %.4f against Little CMS, want at most 0.02", kind, e)
				}
			}
			mm := store.Master("images/" + m.file)
			t.Logf("colour: %+v", mm.Colour)
			root, _, _ := store.Files("images/"+m.file, iiif.Pyramid{})
			full, _ := os.ReadFile(filepath.Join(root, "full/max/0/default.jpg"))
			if m.lossless {
				stripped, err := embedded.StripJPEG(m.data)
				if err != nil || !bytes.Equal(full, stripped) {
					t.Errorf("full/max of an sRGB JPEG is not the master's compressed image without metadata (%v)", err)
				}
				if mm.Colour.Converted {
					t.Errorf("an sRGB master was converted: %+v", mm.Colour)
				}
			} else if !mm.Colour.Converted {
				t.Errorf("a tagged master was not converted: %+v", mm.Colour)
			}
		})
	}
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
