package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
)

// TestBuildPublishesSRGB builds an exhibition whose master is an Adobe RGB
// camera JPEG (with GPS and serials) and reads what was published, as a
// reader or viewer would: the IIIF full/max, every tile, the sizes (the
// index pages' thumbnails) and the EPUB's image carry no ICC profile and
// no private data, and their pixels read as sRGB match the master
// converted to sRGB by Little CMS (jpgicc) within a normalized RMSE of
// 0.02; the bag keeps the master byte for byte.
func TestBuildPublishesSRGB(t *testing.T) {
	jpgicc, err := exec.LookPath("jpgicc")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("jpgicc not found; CI must install liblcms2-utils")
		}
		t.Skip("jpgicc not found (apt-get install -y liblcms2-utils); skipping")
	}
	const w, h = 900, 600
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/(w-1), float64(y)/(h-1)
			img.Set(x, y, color.RGBA{uint8(255 * fx), uint8(255 * (1 - fy)), uint8(127 + 100*math.Sin(3*fx+2*fy)), 255})
		}
	}
	var jb bytes.Buffer
	jpeg.Encode(&jb, img, &jpeg.Options{Quality: 95})
	master := icctest.EmbedJPEG(jb.Bytes(), icctest.AdobeRGB(), 0, nil)
	master = embedded.InsertSegments(master, embedded.Segment(0xE1, append([]byte("Exif\x00\x00"), embedded.CameraEXIF(1, nil)...)))
	dir := writeTestExhibition(t, minimal)
	if err := os.WriteFile(filepath.Join(dir, "p1.jpg"), master, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir()); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	ref := filepath.Join(t.TempDir(), "ref.jpg")
	if b, err := exec.Command(jpgicc, "-t1", "-q100", filepath.Join(dir, "p1.jpg"), ref).CombinedOutput(); err != nil {
		t.Fatalf("jpgicc: %v\n%s", err, b)
	}
	rf, _ := os.Open(ref)
	want, err := jpeg.Decode(rf)
	rf.Close()
	if err != nil {
		t.Fatal(err)
	}

	worst := 0.0
	defer func() { t.Logf("worst normalized RMSE of a published image: %.4f", worst) }()
	check := func(name string, data []byte, region image.Rectangle) {
		t.Helper()
		rep := embedded.Survey(bytes.NewReader(data), int64(len(data)), "jpeg")
		if rep.Profile != nil || rep.XMP || len(rep.Private()) > 0 {
			t.Errorf("%s carries %+v", name, rep)
		}
		got, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e := scaledRMSE(got, want, region)
		worst = max(worst, e)
		if e > 0.02 {
			t.Errorf("%s: normalized RMSE %.4f against Little CMS, want at most 0.02", name, e)
		}
	}
	n := 0
	root := filepath.Join(out, "iiif", "mini", "images")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".jpg") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		parts := strings.Split(filepath.ToSlash(rel), "/") // <image>/<region>/<size>/0/default.jpg
		region := image.Rect(0, 0, w, h)
		if parts[1] != "full" {
			var x, y, rw, rh int
			if _, err := fmt.Sscanf(parts[1], "%d,%d,%d,%d", &x, &y, &rw, &rh); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			region = image.Rect(x, y, x+rw, y+rh)
		}
		data, _ := os.ReadFile(p)
		check("IIIF "+rel, data, region)
		n++
		return nil
	})
	if n < 4 {
		t.Errorf("only %d IIIF images checked", n)
	}
	zr, err := zip.OpenReader(filepath.Join(out, "epub", "mini.epub"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	found := false
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".jpg") && strings.Contains(f.Name, "plate-") { // the plate's image, not the drawn cover
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			check("EPUB "+f.Name, data, image.Rect(0, 0, w, h))
			found = true
		}
	}
	if !found {
		t.Error("no image in the EPUB")
	}
	bag, err := zip.OpenReader(filepath.Join(out, "bags", "mini.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer bag.Close()
	kept := false
	for _, f := range bag.File {
		if strings.HasPrefix(f.Name, "mini/data/images/") {
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			kept = bytes.Equal(data, master)
		}
	}
	if !kept {
		t.Error("the bag does not hold the master byte for byte")
	}
}

// scaledRMSE is the normalized RMSE of got against the region r of ref
// averaged down to got's size.
func scaledRMSE(got, ref image.Image, r image.Rectangle) float64 {
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
					a[0], a[1], a[2] = a[0]+float64(cr), a[1]+float64(cg), a[2]+float64(cb)
				}
			}
			k := float64((y1 - y0) * (x1 - x0))
			gr, gg, gbb, _ := got.At(gb.Min.X+i, gb.Min.Y+j).RGBA()
			for c, v := range []uint32{gr, gg, gbb} {
				d := (float64(v) - a[c]/k) / 65535
				sum += d * d
			}
		}
	}
	return math.Sqrt(sum / float64(3*sw*sh))
}
