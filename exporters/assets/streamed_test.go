package assets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/image/tiff"
)

// wideTIFF is a 9000 x 600 RGB TIFF (Deflate, predictor): levels 0 and 1
// are wider than HeldEdge and go by as bands, level 2 is kept.
func wideTIFF(t testing.TB) ([]byte, image.Image) {
	t.Helper()
	const w, h = 9000, 600
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x*7 + y), uint8(x ^ y), uint8(y * 3), 255})
		}
	}
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, img, &tiff.Options{Compression: tiff.Deflate, Predictor: true}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), img
}

// bandRecorder records the bands it gets and keeps the kept level.
type bandRecorder struct {
	mu    sync.Mutex
	bands []string
	kept  image.Image
	held  int
}

func (*bandRecorder) Key() string { return "test/bands" }
func (r *bandRecorder) StartBands(_ context.Context, info BandInfo, _ *Dir) (BandSink, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bands = append(r.bands, fmt.Sprintf("start %dx%d held %d", info.Width, info.Height, info.Held))
	return r, nil
}
func (r *bandRecorder) Band(n, y0 int, img image.Image) error {
	r.bands = append(r.bands, fmt.Sprintf("%d:%d+%d %T", n, y0, img.Bounds().Dy(), img))
	return nil
}
func (r *bandRecorder) Finish() error { r.bands = append(r.bands, "finish"); return nil }
func (r *bandRecorder) Derive(_ context.Context, src *Source, dst *Dir) error {
	r.held = src.Held()
	r.kept = src.Level(src.Held())
	f, err := dst.Create("kept.jpg")
	if err != nil {
		return err
	}
	defer f.Close()
	return EncodeJPEG(f, r.kept, 90)
}

// TestTIFFReadBandByBand: a TIFF master wider than HeldEdge is read once,
// hashed as it is read, kept for the bag, handed to band derivers band by
// band, and its kept level is exactly what halving the whole image gives.
func TestTIFFReadBandByBand(t *testing.T) {
	data, img := wideTIFF(t)
	ex := exhibit(t, map[string][]byte{"scan.tif": data}, "scan.tif")
	s := newStore(t, ex, Options{KeepMasters: true})
	rec := &bandRecorder{}
	resized := Resized{Name: "web.jpg", MaxEdge: 1600, Quality: 85}
	if err := s.Run(context.Background(), []Deriver{rec, resized}); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Reads["scan.tif"] != 1 || st.Decodes["scan.tif"] != 1 {
		t.Errorf("reads %v, decodes %v", st.Reads, st.Decodes)
	}
	m := s.Master("scan.tif")
	sum := sha256.Sum256(data)
	if m == nil || m.SHA256 != hex.EncodeToString(sum[:]) || m.Width != 9000 || m.Height != 600 || m.Format != "tiff" {
		t.Fatalf("master %+v", m)
	}
	bag(t, s, ex)
	want := []string{"start 9000x600 held 2", "0:0+512 *image.YCbCr", "0:512+88 *image.YCbCr", "1:0+300 *image.YCbCr", "finish"}
	if fmt.Sprint(rec.bands) != fmt.Sprint(want) {
		t.Errorf("bands\n%v\nwant\n%v", rec.bands, want)
	}
	// The same levels from the whole image.
	rgb := make([]byte, 9000*600*3)
	for i := 0; i < 9000*600; i++ {
		copy(rgb[3*i:3*i+3], img.(*image.NRGBA).Pix[4*i:4*i+3])
	}
	whole := image.NewYCbCr(image.Rect(0, 0, 9000, 600), image.YCbCrSubsampleRatio420)
	toLevel(whole, 0, rgb, 9000*3, 9000, 600)
	ref := halve(halve(whole)).(*image.YCbCr)
	got, ok := rec.kept.(*image.YCbCr)
	if !ok || rec.held != 2 || got.Rect != ref.Rect {
		t.Fatalf("kept level %T (held %d)", rec.kept, rec.held)
	}
	for name, pl := range map[string][2][]byte{"Y": {got.Y, ref.Y}, "Cb": {got.Cb, ref.Cb}, "Cr": {got.Cr, ref.Cr}} {
		if !bytes.Equal(pl[0], pl[1]) {
			t.Errorf("%s plane of the kept level differs from halving the whole image (byte %d)", name, firstDiff(pl[0], pl[1]))
		}
	}
	// The e-book image was made from the kept level.
	dir, files, ok := s.Files("scan.tif", resized)
	if !ok || len(files) != 1 {
		t.Fatalf("resized: %v %v", files, ok)
	}
	f, err := os.Open(filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil || cfg.Width != 1600 || cfg.Height != 107 {
		t.Errorf("web.jpg %dx%d %v", cfg.Width, cfg.Height, err)
	}

	// A second build uses the cache: nothing read.
	s2 := newStore(t, ex, Options{CacheDir: s.CacheDir()})
	if err := s2.Run(context.Background(), []Deriver{rec, resized}); err != nil {
		t.Fatal(err)
	}
	if st := s2.Stats(); st.Reads["scan.tif"] != 0 || st.Cached != 2 {
		t.Errorf("rebuild: %+v", st)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestPassReader: every byte is hashed once in order whatever the reads,
// reads behind the pass are served again and counted.
func TestPassReader(t *testing.T) {
	data := make([]byte, 3<<20+123)
	for i := range data {
		data[i] = byte(i * 31 >> 3)
	}
	var spool bytes.Buffer
	p := newPassReader(bytes.NewReader(data), int64(len(data)), &spool)
	for _, r := range [][2]int{{10, 100}, {2 << 20, 5000}, {50, 20}, {(2 << 20) + 4000, 3000}} {
		b := make([]byte, r[1])
		if n, err := p.ReadAt(b, int64(r[0])); err != nil || n != r[1] || !bytes.Equal(b, data[r[0]:r[0]+r[1]]) {
			t.Fatalf("ReadAt(%d, %d): %d %v", r[1], r[0], n, err)
		}
	}
	h256, _, _, err := p.Finish()
	sum := sha256.Sum256(data)
	if err != nil || h256 != hex.EncodeToString(sum[:]) {
		t.Errorf("digest %s %v", h256, err)
	}
	if !bytes.Equal(spool.Bytes(), data) {
		t.Errorf("spool differs")
	}
	if p.reread != 20+1000 {
		t.Errorf("reread %d, want 1020", p.reread)
	}
}
