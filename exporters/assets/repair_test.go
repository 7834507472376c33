package assets

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cutInScan returns data cut at the given share of its entropy-coded data.
func cutInScan(t *testing.T, data []byte, share float64) []byte {
	t.Helper()
	sos := bytes.Index(data, []byte{0xFF, 0xDA})
	if sos < 0 {
		t.Fatal("no SOS")
	}
	return data[:sos+int(share*float64(len(data)-sos))]
}

func TestDamagedJPEGMastersAreRepaired(t *testing.T) {
	sound := photo(t, 400, 300, 1)
	var turnedBuf bytes.Buffer
	if err := jpeg.Encode(&turnedBuf, halfBlack(), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"sound.jpg":     sound,
		"truncated.jpg": cutInScan(t, sound, 0.6),
		// A camera photograph turned by EXIF whose file was cut short.
		"turned.jpg": cutInScan(t, withOrientation(turnedBuf.Bytes(), 6), 0.8),
	}
	ex := exhibit(t, files, "sound.jpg", "truncated.jpg", "turned.jpg")
	cache := t.TempDir()
	s := newStore(t, ex, Options{CacheDir: cache})
	var got []*Source
	s.decode = func(data []byte, format string, maxPixels int64) (*Source, error) {
		src, err := decodeSource(data, format, maxPixels)
		if err == nil {
			got = append(got, src)
		}
		return src, err
	}
	s.opt.Workers = 1
	if err := s.Run(context.Background(), testDerivers); err != nil {
		t.Fatalf("a damaged master sank the build: %v", err)
	}
	if d := s.Master("sound.jpg").Damage; d != "" {
		t.Errorf("sound master reported as damaged: %s", d)
	}
	for _, name := range []string{"truncated.jpg", "turned.jpg"} {
		d := s.Master(name).Damage
		if !strings.Contains(d, "truncated file") || !strings.Contains(d, "mid-grey") {
			t.Errorf("%s: damage %q", name, d)
		}
	}
	if m := s.Master("turned.jpg"); m.Width != 20 || m.Height != 40 {
		t.Errorf("turned.jpg: %dx%d, want 20x40 (turned)", m.Width, m.Height)
	}
	// full/max of a damaged master is the repaired image, a sound JPEG,
	// never the damaged file.
	for _, src := range got {
		raw, _ := src.Master()
		if src.Damage() == "" {
			continue
		}
		if bytes.Equal(raw, files["truncated.jpg"]) {
			t.Error("the damaged file stands for the full-size image")
		}
		if _, err := jpeg.Decode(bytes.NewReader(raw)); err != nil {
			t.Errorf("the repaired full-size image does not decode: %v", err)
		}
	}
	// A rebuild served from the cache still knows the damage.
	s2 := newStore(t, ex, Options{CacheDir: cache})
	if err := s2.Run(context.Background(), testDerivers); err != nil {
		t.Fatal(err)
	}
	if st := s2.Stats(); st.Decodes["truncated.jpg"] != 0 {
		t.Fatalf("rebuild decoded again: %v", st.Decodes)
	}
	if d := s2.Master("truncated.jpg").Damage; !strings.Contains(d, "truncated file") {
		t.Errorf("rebuild from the cache lost the damage: %q", d)
	}
}

// TestDamagedProgressiveJPEG cuts a progressive JPEG (made by libjpeg's
// cjpeg, as cameras and web exports make them) inside a later scan: the
// image is kept from the scans that arrived.
func TestDamagedProgressiveJPEG(t *testing.T) {
	cjpeg, err := exec.LookPath("cjpeg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("cjpeg not found (Debian package libjpeg-turbo-progs); CI must install it")
		}
		t.Skip("cjpeg not found: apt-get install libjpeg-turbo-progs")
	}
	src, err := jpeg.Decode(bytes.NewReader(photo(t, 200, 120, 2)))
	if err != nil {
		t.Fatal(err)
	}
	var ppm bytes.Buffer
	ppm.WriteString("P6\n200 120\n255\n")
	for y := 0; y < 120; y++ {
		for x := 0; x < 200; x++ {
			r, g, b, _ := src.At(x, y).RGBA()
			ppm.Write([]byte{byte(r >> 8), byte(g >> 8), byte(b >> 8)})
		}
	}
	in := filepath.Join(t.TempDir(), "in.ppm")
	if err := os.WriteFile(in, ppm.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	prog, err := exec.Command(cjpeg, "-progressive", "-quality", "85", in).Output()
	if err != nil {
		t.Fatal(err)
	}
	scans := scanOffsets(prog)
	if len(scans) < 5 {
		t.Fatalf("%d scans found in a progressive JPEG", len(scans))
	}
	damaged := prog[:scans[len(scans)-2]+40]
	if _, err := jpeg.Decode(bytes.NewReader(damaged)); err == nil {
		t.Fatal("image/jpeg reads the cut file: the test shows nothing")
	}
	s, err := decodeSource(damaged, "jpeg", 1<<30)
	if err != nil {
		t.Fatalf("a progressive JPEG cut in its last scans: %v", err)
	}
	if !strings.Contains(s.Damage(), "damaged or missing") {
		t.Errorf("damage %q", s.Damage())
	}
	if w, h := s.Size(); w != 200 || h != 120 {
		t.Errorf("size %dx%d", w, h)
	}
	// It looks like the image: compare with the sound decode.
	full, _ := jpeg.Decode(bytes.NewReader(prog))
	if d := meanDiff(full, s.Full()); d > 12 {
		t.Errorf("mean difference %.1f from the sound image", d)
	}
	// A file cut inside its first scan has nothing usable.
	if _, err := decodeSource(prog[:scans[0]+30], "jpeg", 1<<30); err == nil {
		t.Error("a progressive JPEG cut in its first scan was accepted")
	}
}

func meanDiff(a, b image.Image) float64 {
	var sum, n float64
	r := a.Bounds().Intersect(b.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
				if d < 0 {
					d = -d
				}
				sum += d
				n++
			}
		}
	}
	return sum / n
}
