package assets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/model"
)

// photo returns a JPEG of a smooth, photo-like pattern (deterministic).
func photo(t testing.TB, w, h int, seed int) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = uint8((x*7 + y*3 + seed*40) % 256)
		}
	}
	for i := range img.Cb {
		img.Cb[i] = uint8(100 + seed*10)
		img.Cr[i] = uint8(150 - seed*10)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// exhibit writes files into a fresh folder and returns an exhibition with one
// plate per path in plates (a path may repeat).
func exhibit(t testing.TB, files map[string][]byte, plates ...string) *model.Exhibition {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ex := &model.Exhibition{Dir: dir, Slug: "test"}
	for i, p := range plates {
		ex.Plates = append(ex.Plates, model.Plate{Number: fmt.Sprint(i + 1), Images: []model.Image{{Path: p}}})
	}
	return ex
}

// levelTiles is a tile-pyramid-like deriver: it encodes level 1 and level 3.
type levelTiles struct{}

func (levelTiles) Key() string { return "test/levels" }
func (levelTiles) Derive(ctx context.Context, src *Source, dst *Dir) error {
	for _, n := range []int{1, 3} {
		f, err := dst.Create(fmt.Sprintf("level%d/0.jpg", n))
		if err != nil {
			return err
		}
		if err := EncodeJPEG(f, src.Level(n), 80); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

var testDerivers = []Deriver{
	Resized{Name: "web.jpg", MaxEdge: 160, Quality: 85},
	Resized{Name: "thumb.jpg", MaxEdge: 40, Quality: 80},
	levelTiles{},
}

func newStore(t testing.TB, ex *model.Exhibition, opt Options) *Store {
	t.Helper()
	s, err := New(ex, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// bag reads every master through OpenMaster, as the bag exporter does.
func bag(t *testing.T, s *Store, ex *model.Exhibition) {
	t.Helper()
	for _, rel := range s.Paths() {
		r, err := s.OpenMaster(rel)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(ex.Dir, rel))
		if !bytes.Equal(got, want) {
			t.Fatalf("OpenMaster(%s) served different bytes", rel)
		}
	}
}

func TestEachMasterReadAndDecodedOnce(t *testing.T) {
	files := map[string][]byte{"a.jpg": photo(t, 400, 300, 1), "b/b.jpg": photo(t, 300, 500, 2), "c.jpg": photo(t, 257, 129, 3)}
	ex := exhibit(t, files, "a.jpg", "b/b.jpg", "c.jpg", "a.jpg")
	cache := t.TempDir()
	s := newStore(t, ex, Options{CacheDir: cache, KeepMasters: true, Workers: 2})
	if err := s.Run(context.Background(), testDerivers); err != nil {
		t.Fatal(err)
	}
	bag(t, s, ex)
	st := s.Stats()
	for rel := range files {
		if st.Reads[rel] != 1 || st.Decodes[rel] != 1 {
			t.Errorf("%s: read %d times, decoded %d times; want 1 and 1", rel, st.Reads[rel], st.Decodes[rel])
		}
	}
	if st.SpoolReads != 3 || st.Derived != 9 || st.Cached != 0 {
		t.Errorf("stats %+v; want 3 spool reads, 9 derivatives made", st)
	}
	m := s.Master("b/b.jpg")
	if m == nil || m.Width != 300 || m.Height != 500 || m.Format != "jpeg" || len(m.SHA256) != 64 || len(m.SHA512) != 128 || m.Size != int64(len(files["b/b.jpg"])) {
		t.Fatalf("master %+v", m)
	}
	dir, names, ok := s.Files("a.jpg", testDerivers[0])
	if !ok || len(names) != 1 || names[0] != "web.jpg" {
		t.Fatalf("Files = %q %v %v", dir, names, ok)
	}
	cfg, err := jpeg.DecodeConfig(mustOpen(t, filepath.Join(dir, "web.jpg")))
	if err != nil || cfg.Width != 160 || cfg.Height != 120 {
		t.Fatalf("web.jpg: %v %+v", err, cfg)
	}
	_, names, _ = s.Files("c.jpg", levelTiles{})
	if strings.Join(names, ",") != "level1/0.jpg,level3/0.jpg" {
		t.Fatalf("tiles: %v", names)
	}
	spool := s.spool
	s.Close()
	if _, err := os.Stat(spool); !os.IsNotExist(err) {
		t.Errorf("spool %s left after Close", spool)
	}

	// A rebuild (a caption edit) reads no master and re-encodes nothing;
	// the bag's OpenMaster is then each master's one read.
	s2 := newStore(t, ex, Options{CacheDir: cache, KeepMasters: true})
	if err := s2.Run(context.Background(), testDerivers); err != nil {
		t.Fatal(err)
	}
	st = s2.Stats()
	if len(st.Reads) != 0 || len(st.Decodes) != 0 || st.Derived != 0 || st.Cached != 9 {
		t.Fatalf("rebuild: %+v; want no read, no decode, 9 cached", st)
	}
	if *s2.Master("b/b.jpg") != *m {
		t.Fatalf("rebuild master %+v, want %+v", s2.Master("b/b.jpg"), m)
	}
	if d2, _, _ := s2.Files("a.jpg", testDerivers[0]); d2 != dir {
		t.Fatalf("rebuild dir %s, want %s", d2, dir)
	}
	bag(t, s2, ex)
	if st := s2.Stats(); st.Reads["a.jpg"] != 1 || st.SpoolReads != 0 {
		t.Fatalf("rebuild bag: %+v", st)
	}

	// A touched master (new mtime, same bytes) is re-read and re-hashed but
	// not decoded; an edited one is decoded again.
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(ex.Dir, "a.jpg"), later, later)
	os.WriteFile(filepath.Join(ex.Dir, "c.jpg"), photo(t, 257, 129, 4), 0o644)
	s3 := newStore(t, ex, Options{CacheDir: cache})
	if err := s3.Run(context.Background(), testDerivers); err != nil {
		t.Fatal(err)
	}
	st = s3.Stats()
	if st.Reads["a.jpg"] != 1 || st.Decodes["a.jpg"] != 0 || st.Reads["b/b.jpg"] != 0 || st.Decodes["c.jpg"] != 1 || st.Derived != 3 {
		t.Fatalf("after touch and edit: %+v", st)
	}
	if s3.Master("c.jpg").SHA256 == s.Master("c.jpg").SHA256 {
		t.Fatal("edited master kept its old digest")
	}
}

func mustOpen(t *testing.T, p string) io.Reader {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// pngHeader is a PNG signature and an IHDR chunk claiming w x h RGBA pixels,
// with no image data.
func pngHeader(w, h uint32) []byte {
	ihdr := []byte{'I', 'H', 'D', 'R', byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w), byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h), 8, 6, 0, 0, 0}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	b.Write([]byte{0, 0, 0, 13})
	b.Write(ihdr)
	c := crc32.ChecksumIEEE(ihdr)
	b.Write([]byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)})
	return b.Bytes()
}

func TestBadMastersReportedPerFile(t *testing.T) {
	good := photo(t, 64, 48, 1)
	sos := bytes.Index(good, []byte{0xFF, 0xDA})
	files := map[string][]byte{
		"good.jpg":      good,
		"empty.jpg":     {},
		"truncated.jpg": good[:sos+14], // headers and one byte of the scan: nothing to show
		"text.jpg":      []byte("this is not an image\n"),
		"huge.png":      pngHeader(100000, 100000),
	}
	ex := exhibit(t, files, "good.jpg", "empty.jpg", "truncated.jpg", "text.jpg", "huge.png", "missing.jpg")
	s := newStore(t, ex, Options{})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := s.Run(context.Background(), testDerivers)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("Run accepted bad masters")
	}
	msg := err.Error()
	for _, want := range []string{"empty.jpg: the file is empty", "truncated.jpg: cannot decode the image (jpegcoef: corrupt JPEG: no usable image data", "text.jpg: not a readable image", "huge.png: 100000x100000", "missing.jpg"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if !errors.Is(err, ErrImage) {
		t.Error("errors do not wrap ErrImage")
	}
	if s.Master("good.jpg") == nil {
		t.Error("the good master was not processed")
	}
	// 10^10 pixels would be 40 GB: the header check must refuse it first.
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("allocated %d MB for a run with a 100000x100000 header", d>>20)
	}
	if s.Stats().Decodes["huge.png"] != 0 {
		t.Error("huge.png was decoded")
	}
}

type panicky struct{}

func (panicky) Key() string                                 { return "test/panic" }
func (panicky) Derive(context.Context, *Source, *Dir) error { panic("boom") }

func TestPanicsRecoveredPerFile(t *testing.T) {
	ex := exhibit(t, map[string][]byte{"a.jpg": photo(t, 32, 32, 1), "b.jpg": photo(t, 32, 32, 2)}, "a.jpg", "b.jpg")
	s := newStore(t, ex, Options{})
	s.decode = func(data []byte, format string, maxPixels int64) (*Source, error) {
		if bytes.Equal(data, photo(t, 32, 32, 2)) {
			panic("decoder exploded")
		}
		return decodeSource(data, format, maxPixels)
	}
	err := s.Run(context.Background(), testDerivers)
	if err == nil || !strings.Contains(err.Error(), "image b.jpg: the image could not be processed (decoder exploded)") || strings.Contains(err.Error(), "a.jpg") {
		t.Fatalf("decoder panic: %v", err)
	}
	s2 := newStore(t, ex, Options{})
	err = s2.Run(context.Background(), []Deriver{panicky{}})
	if err == nil || !strings.Contains(err.Error(), "image a.jpg") || !strings.Contains(err.Error(), "image b.jpg") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("deriver panic: %v", err)
	}
	assertNoTemp(t, s2.CacheDir())
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary left in the cache: %s", p)
		}
		return nil
	})
}

// blocker blocks until ctx is cancelled, after writing a file.
type blocker struct{ started chan struct{} }

func (blocker) Key() string { return "test/block" }
func (b blocker) Derive(ctx context.Context, src *Source, dst *Dir) error {
	f, err := dst.Create("partial.jpg")
	if err != nil {
		return err
	}
	f.Close()
	select {
	case b.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestCancelIsPromptAndLeavesNoPartialDerivative(t *testing.T) {
	files := map[string][]byte{}
	var plates []string
	for i := 0; i < 8; i++ {
		n := fmt.Sprintf("p%d.jpg", i)
		files[n] = photo(t, 64, 64, i)
		plates = append(plates, n)
	}
	ex := exhibit(t, files, plates...)
	s := newStore(t, ex, Options{Workers: 2, CacheDir: t.TempDir()})
	ctx, cancel := context.WithCancel(context.Background())
	b := blocker{started: make(chan struct{}, 1)}
	done := make(chan error)
	go func() { done <- s.Run(ctx, []Deriver{b}) }()
	<-b.started
	t0 := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop within 5 s of cancel")
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("Run took %v to stop", d)
	}
	assertNoTemp(t, s.CacheDir())
	filepath.WalkDir(s.CacheDir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "partial.jpg" {
			t.Errorf("partial derivative in the cache: %s", p)
		}
		return nil
	})
	if st := s.Stats(); len(st.Reads) > 2 {
		t.Errorf("read %d masters after cancel with 2 workers", len(st.Reads))
	}
}

// gauge counts derivers running at once.
type gauge struct{ now, peak *atomic.Int32 }

func (gauge) Key() string { return "test/gauge" }
func (g gauge) Derive(ctx context.Context, src *Source, dst *Dir) error {
	n := g.now.Add(1)
	defer g.now.Add(-1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(20 * time.Millisecond)
	return nil
}

func TestMemoryBudgetBoundsMastersInFlight(t *testing.T) {
	files := map[string][]byte{}
	var plates []string
	for i := 0; i < 6; i++ {
		n := fmt.Sprintf("p%d.jpg", i)
		files[n] = photo(t, 200, 200, i)
		plates = append(plates, n)
	}
	cost := decodedCost(image.Config{ColorModel: color.YCbCrModel, Width: 200, Height: 200}, int64(len(files["p0.jpg"])))
	for _, tc := range []struct {
		budget int64
		want   int32
	}{{cost * 3 / 2, 1}, {cost * 4, 4}} {
		g := gauge{new(atomic.Int32), new(atomic.Int32)}
		s := newStore(t, exhibit(t, files, plates...), Options{Workers: 4, MaxMemory: tc.budget})
		if err := s.Run(context.Background(), []Deriver{g}); err != nil {
			t.Fatal(err)
		}
		if p := g.peak.Load(); p > tc.want {
			t.Errorf("budget %d: %d masters in flight, want at most %d", tc.budget, p, tc.want)
		}
		if st := s.Stats(); st.PeakBudget > tc.budget {
			t.Errorf("peak budget %d over %d", st.PeakBudget, tc.budget)
		}
	}
	// A master larger than the budget is still processed, alone.
	s := newStore(t, exhibit(t, files, plates...), Options{MaxMemory: 1000})
	if err := s.Run(context.Background(), []Deriver{gauge{new(atomic.Int32), new(atomic.Int32)}}); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentBuildsShareACache(t *testing.T) {
	ex := exhibit(t, map[string][]byte{"a.jpg": photo(t, 300, 200, 1), "b.jpg": photo(t, 200, 300, 2)}, "a.jpg", "b.jpg")
	cache := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := New(ex, Options{CacheDir: cache})
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			errs[i] = s.Run(context.Background(), testDerivers)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	assertNoTemp(t, cache)
	s := newStore(t, ex, Options{CacheDir: cache})
	if err := s.Run(context.Background(), testDerivers); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); len(st.Reads) != 0 || st.Cached != 6 {
		t.Fatalf("after concurrent builds: %+v", st)
	}
}

func TestProgressEvents(t *testing.T) {
	ex := exhibit(t, map[string][]byte{"a.jpg": photo(t, 32, 32, 1), "b.jpg": photo(t, 32, 32, 2), "bad.jpg": []byte("not a jpeg")}, "a.jpg", "b.jpg", "bad.jpg")
	var got []Event
	s := newStore(t, ex, Options{Progress: func(ev Event) { got = append(got, ev) }, Workers: 1})
	if err := s.Run(context.Background(), testDerivers); err == nil || !strings.Contains(err.Error(), "bad.jpg") {
		t.Fatalf("Run: %v, want the error of bad.jpg", err)
	}
	if len(got) != 5 || got[0].Kind != Started || got[0].Total != 3 || got[4].Kind != Finished || got[4].Read != 3 || got[4].Derived != 6 {
		t.Fatalf("events: %+v", got)
	}
	for i, want := range []string{"a.jpg", "b.jpg", "bad.jpg"} {
		ev := got[i+1]
		if ev.Kind != ImageDone || ev.Path != want {
			t.Errorf("event %d: %+v, want %s done", i+1, ev, want)
		}
		if bad := want == "bad.jpg"; bad != (ev.Err != nil) || bad != (ev.Master == nil) {
			t.Errorf("event %d (%s): err %v, master %v", i+1, want, ev.Err, ev.Master)
		}
	}
	if m := got[1].Master; m.Width != 32 || m.Format != "jpeg" || got[1].How != "decoded" {
		t.Errorf("a.jpg: %+v, how %q", m, got[1].How)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "1GiB": 1 << 30, "2 GB": 2e9, "1048576": 1 << 20, "1.5G": 3 << 29, "100mb": 100e6} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1GiB", "lots", "0"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

// lossless records, per master, whether its Source held DCT coefficients.
type lossless struct {
	mu  sync.Mutex
	got map[string]bool
}

func (*lossless) Key() string { return "test/lossless" }
func (l *lossless) Derive(_ context.Context, src *Source, dst *Dir) error {
	w, h := src.Size()
	f, err := dst.Create("size")
	if err != nil {
		return err
	}
	fmt.Fprintf(f, "%dx%d", w, h)
	l.mu.Lock()
	l.got[fmt.Sprintf("%dx%d", w, h)] = src.Lossless()
	l.mu.Unlock()
	return f.Close()
}

// TestJPEGMastersKeepCoefficients: a baseline JPEG shown as stored is read
// into DCT coefficients (one decode, no full-size pixels made); a JPEG with
// an EXIF turn and a PNG are decoded to pixels. Each is decoded once.
func TestJPEGMastersKeepCoefficients(t *testing.T) {
	files := map[string][]byte{
		"plain.jpg":  photo(t, 96, 64, 1),
		"turned.jpg": withOrientation(photo(t, 80, 48, 2), 6),
		"picture.png": func() []byte {
			var b bytes.Buffer
			png.Encode(&b, image.NewGray(image.Rect(0, 0, 40, 30)))
			return b.Bytes()
		}(),
	}
	ex := exhibit(t, files, "plain.jpg", "turned.jpg", "picture.png")
	s := newStore(t, ex, Options{})
	l := &lossless{got: map[string]bool{}}
	if err := s.Run(context.Background(), []Deriver{l}); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"96x64": true, "48x80": false, "40x30": false}
	for size, lossless := range want {
		if got, ok := l.got[size]; !ok || got != lossless {
			t.Errorf("master of %s: lossless %v (seen %v), want %v", size, got, ok, lossless)
		}
	}
	for name := range files {
		if n := s.Stats().Decodes[name]; n != 1 {
			t.Errorf("%s decoded %d times", name, n)
		}
	}
	// The coefficient path's levels: full size and half size from inverse
	// DCTs, each the size the pyramid expects.
	src, err := decodeSource(files["plain.jpg"], "jpeg", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if !src.Lossless() {
		t.Fatal("plain.jpg not read into coefficients")
	}
	for n, want := range []image.Point{{96, 64}, {48, 32}, {24, 16}, {12, 8}} {
		if got := src.Level(n).Bounds().Size(); got != want {
			t.Errorf("level %d is %v, want %v", n, got, want)
		}
	}
	var buf bytes.Buffer
	if err := src.CropJPEG(&buf, image.Rect(16, 16, 96, 64)); err != nil || buf.Len() == 0 {
		t.Errorf("aligned crop: %d bytes, %v", buf.Len(), err)
	}
	buf.Reset()
	if src.CanCrop(image.Rect(8, 0, 96, 64)) || src.CropJPEG(&buf, image.Rect(8, 0, 96, 64)) == nil || buf.Len() != 0 {
		t.Error("a crop off the MCU grid was accepted")
	}
}

// TestOlderPipelineSizesNotTrusted: sizes measured by another pipeline
// version (which may have turned an image differently) are not taken from
// the index or the cache; the master is read and decoded again.
func TestOlderPipelineSizesNotTrusted(t *testing.T) {
	files := map[string][]byte{"a.jpg": photo(t, 400, 300, 1)}
	ex := exhibit(t, files, "a.jpg")
	cache := t.TempDir()
	s := newStore(t, ex, Options{CacheDir: cache})
	if err := s.Run(context.Background(), testDerivers); err != nil {
		t.Fatal(err)
	}
	s.Close()
	edited := 0
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		b, _ := os.ReadFile(p)
		old := regexp.MustCompile(`"pipeline": ?"`+PipelineVersion+`"`).ReplaceAllString(string(b), `"pipeline":"old"`)
		old = regexp.MustCompile(`"width": ?400`).ReplaceAllString(old, `"width":300`)
		old = regexp.MustCompile(`"height": ?300`).ReplaceAllString(old, `"height":400`)
		if old != string(b) {
			edited++
			os.WriteFile(p, []byte(old), 0o644)
		}
		return nil
	})
	if edited < 2 {
		t.Fatalf("found %d cache files recording the pipeline version; want the index and the master's info", edited)
	}
	s2 := newStore(t, ex, Options{CacheDir: cache})
	if err := s2.Run(context.Background(), testDerivers); err != nil {
		t.Fatal(err)
	}
	if m := s2.Master("a.jpg"); m.Width != 400 || m.Height != 300 {
		t.Errorf("size %dx%d taken from another pipeline's records", m.Width, m.Height)
	}
	if st := s2.Stats(); st.Reads["a.jpg"] != 1 || st.Decodes["a.jpg"] != 1 {
		t.Errorf("stats %+v; want the master read and decoded again", st)
	}
}
