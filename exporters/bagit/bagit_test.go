package bagit

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
	"github.com/vitrine-tools/vitrine/model"
)

func mustVerify(t *testing.T, p string, opt VerifyOptions) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), p, opt)
	if err != nil {
		t.Fatalf("verify %s: %v", p, err)
	}
	return rep
}

func wantValid(t *testing.T, rep *Report) {
	t.Helper()
	if !rep.Valid {
		for _, p := range rep.Problems {
			t.Errorf("problem: %s", p.Message)
		}
		t.Fatalf("bag %s is not valid", rep.Path)
	}
}

// independentCheck runs testdata/checkbag.py (Python standard library only)
// on a ZIP or TAR bag.
func independentCheck(t *testing.T, p string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is needed for the independent bag check")
		}
		t.Skip("python3 not found: independent bag check skipped")
	}
	out, err := exec.Command(py, "testdata/checkbag.py", p).CombinedOutput()
	if err != nil {
		t.Fatalf("independent check of %s failed: %v\n%s", p, err, out)
	}
	if !strings.HasPrefix(string(out), "OK ") {
		t.Fatalf("independent check: %s", out)
	}
}

func TestZipBag(t *testing.T) {
	p := buildBag(t, Options{})
	rep := mustVerify(t, p, VerifyOptions{})
	wantValid(t, rep)
	if rep.Name != "test-show" || rep.Version != "1.0" || rep.Files != 6 {
		t.Errorf("report: name %q version %q files %d", rep.Name, rep.Version, rep.Files)
	}
	if strings.Join(rep.Algorithms, ",") != "sha256,sha512" || strings.Join(rep.TagAlgorithms, ",") != "sha256,sha512" {
		t.Errorf("algorithms %v, tag %v", rep.Algorithms, rep.TagAlgorithms)
	}
	independentCheck(t, p)

	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	want := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range zr.File {
		names = append(names, f.Name)
		if len(f.Extra) != 0 {
			t.Errorf("%s has extra fields (%x); timestamps must be the DOS field only", f.Name, f.Extra)
		}
		if !f.Modified.Equal(want) {
			t.Errorf("%s modified %v, want %v", f.Name, f.Modified, want)
		}
		if f.Flags&0x8 != 0 {
			t.Errorf("%s has a data descriptor", f.Name)
		}
		ext := strings.ToLower(filepath.Ext(f.Name))
		switch {
		case strings.HasSuffix(f.Name, "/"):
		case ext == ".jpg" || ext == ".jpeg":
			if f.Method != zip.Store {
				t.Errorf("%s: JPEG should be stored, method %d", f.Name, f.Method)
			}
		case ext == ".json" || f.Name == "test-show/bag-info.txt":
			if f.Method != zip.Deflate {
				t.Errorf("%s: text should be deflated, method %d", f.Name, f.Method)
			}
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("entries not sorted: %v", names)
	}
	for _, n := range []string{"test-show/bagit.txt", "test-show/bag-info.txt", "test-show/data/images/plate-001.jpg",
		"test-show/data/images/plate-021a-1.jpeg", "test-show/data/images/plate-021a-2.jpg", "test-show/data/exhibition.json",
		"test-show/data/exhibition.as-written.yaml", "test-show/data/names.tsv", "test-show/manifest-sha256.txt", "test-show/manifest-sha512.txt",
		"test-show/tagmanifest-sha256.txt", "test-show/tagmanifest-sha512.txt"} {
		if !contains(names, n) {
			t.Errorf("no entry %s", n)
		}
	}
	info := readZipEntry(t, zr, "test-show/bag-info.txt")
	fields, bad := ParseTags(info)
	if len(bad) > 0 {
		t.Errorf("bag-info.txt: %v", bad)
	}
	for label, want := range map[string]string{
		"Source-Organization":      "Museum of Tests",
		"Bagging-Date":             "2024-05-01",
		"External-Identifier":      "urn:uuid:",
		"Bag-Software-Agent":       "vitrine test",
		"BagIt-Profile-Identifier": BTRProfileURI,
		"Payload-Oxum":             ".6",
		"External-Description":     "Test show Source-Organization: injected: Photographs",
	} {
		got, ok := Get(fields, label)
		if !ok || !strings.Contains(got, want) {
			t.Errorf("bag-info %s = %q, want it to contain %q", label, got, want)
		}
	}
	n := 0
	for _, f := range fields {
		if f.Label == "Source-Organization" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("exhibition text added a bag-info field: %d Source-Organization lines\n%s", n, info)
	}
	tsv := string(readZipEntry(t, zr, "test-show/data/names.tsv"))
	if !strings.Contains(tsv, "data/images/plate-021a-1.jpeg\t21a\t1\tb%25 odd.JPEG\n") {
		t.Errorf("names.tsv does not map the safe name to the original:\n%s", tsv)
	}
}

func readZipEntry(t *testing.T, zr *zip.ReadCloser, name string) []byte {
	t.Helper()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			var b bytes.Buffer
			if _, err := b.ReadFrom(rc); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
	}
	t.Fatalf("no entry %s", name)
	return nil
}

func TestMastersByteForByte(t *testing.T) {
	dir := fixtureDir(t)
	p := exportBag(t, dir, Options{})
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for orig, name := range map[string]string{"a photo.jpg": "plate-001.jpg", "b%25 odd.JPEG": "plate-021a-1.jpeg", "verso.jpg": "plate-021a-2.jpg"} {
		want, err := os.ReadFile(filepath.Join(dir, orig))
		if err != nil {
			t.Fatal(err)
		}
		if got := readZipEntry(t, zr, "test-show/data/images/"+name); !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s", name, orig)
		}
	}
}

func TestReproducible(t *testing.T) {
	dir := fixtureDir(t)
	a, err := os.ReadFile(exportBag(t, dir, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exportBag(t, dir, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same exhibition gave different ZIP bytes")
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	p := exportBag(t, dir, Options{})
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if got := zr.File[0].Modified; !got.Equal(time.Unix(1700000000, 0).UTC()) {
		t.Errorf("SOURCE_DATE_EPOCH not used: %v", got)
	}
}

func TestTarAndDirBags(t *testing.T) {
	p := buildBag(t, Options{Format: Tar})
	wantValid(t, mustVerify(t, p, VerifyOptions{}))
	independentCheck(t, p)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Uname != "" || !h.ModTime.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: owner %d %q time %v", h.Name, h.Uid, h.Uname, h.ModTime)
		}
	}
	if !sort.StringsAreSorted(names) || len(names) < 12 {
		t.Errorf("tar entries: %v", names)
	}

	d := buildBag(t, Options{Format: Dir})
	wantValid(t, mustVerify(t, d, VerifyOptions{}))
	// flip a byte in the folder bag
	img := filepath.Join(d, "data", "images", "plate-001.jpg")
	data, _ := os.ReadFile(img)
	data[100] ^= 1
	os.WriteFile(img, data, 0o644)
	rep := mustVerify(t, d, VerifyOptions{})
	if rep.Valid || len(rep.Problems) != 2 {
		t.Fatalf("flipped byte in a folder bag: %+v", rep.Problems)
	}
}

func TestAPTrustProfile(t *testing.T) {
	p := buildBag(t, Options{Profile: ProfileAPTrust})
	if filepath.Ext(p) != ".tar" {
		t.Fatalf("APTrust bag is %s, want a .tar", p)
	}
	rep := mustVerify(t, p, VerifyOptions{})
	wantValid(t, rep)
	if strings.Join(rep.Algorithms, ",") != "md5,sha256" {
		t.Errorf("APTrust bag manifests: %v, want md5 and sha256", rep.Algorithms)
	}
	f, _ := os.Open(p)
	defer f.Close()
	tr := tar.NewReader(f)
	found := false
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Name == "test-show/aptrust-info.txt" {
			var b bytes.Buffer
			b.ReadFrom(tr)
			fields, _ := ParseTags(b.Bytes())
			for _, l := range []string{"Title", "Access", "Storage-Option"} {
				if _, ok := Get(fields, l); !ok {
					t.Errorf("aptrust-info.txt has no %s", l)
				}
			}
			found = true
		}
	}
	if !found {
		t.Error("no aptrust-info.txt")
	}
	if _, err := New(Options{Profile: ProfileAPTrust, Format: Zip}); err == nil || !strings.Contains(err.Error(), "TAR") {
		t.Errorf("aptrust with zip: %v", err)
	}
}

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		o   Options
		err string
	}{
		{Options{Algorithms: []string{"sha256", "blake3"}}, "not supported"},
		{Options{Format: "rar"}, "not zip, tar or dir"},
		{Options{Include: []string{"pdf"}}, "only epub and iiif"},
		{Options{Profile: "loc"}, "not btr or aptrust"},
	} {
		if _, err := New(tc.o); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%+v: error %v, want %q", tc.o, err, tc.err)
		}
	}
	// The profile's defaults and requirements.
	for _, tc := range []struct {
		o    Options
		algs string
		f    Serialization
	}{
		{Options{}, "sha256,sha512", Zip},
		{Options{Profile: ProfileAPTrust}, "md5,sha256", Tar},
		{Options{Profile: ProfileAPTrust, Algorithms: []string{"sha512"}}, "md5,sha512", Tar},
		{Options{Algorithms: []string{" SHA256", "sha256"}, Format: Dir}, "sha256", Dir},
	} {
		o := newBag(t, tc.o).Options()
		if strings.Join(o.Algorithms, ",") != tc.algs || o.Format != tc.f {
			t.Errorf("%+v resolved to %+v, want %s and %s", tc.o, o, tc.algs, tc.f)
		}
	}
	// md5 only on request
	p := buildBag(t, Options{Algorithms: []string{"md5", "sha1", "sha256"}})
	rep := mustVerify(t, p, VerifyOptions{})
	wantValid(t, rep)
	if strings.Join(rep.Algorithms, ",") != "md5,sha1,sha256" {
		t.Errorf("algorithms %v", rep.Algorithms)
	}
}

func TestIncludeNotBuilt(t *testing.T) {
	_, _, err := exportertest.Build(t, fixtureDir(t), exportertest.Config{}, newBag(t, Options{Include: []string{"epub"}}))
	var oe *exporters.OptionError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "not part of this build") {
		t.Fatalf("include epub without building it: %v", err)
	}
}

func TestIncludeStagedOutputs(t *testing.T) {
	// Stand-ins for what the EPUB and IIIF exporters stage earlier in the run.
	p := exportBag(t, fixtureDir(t), Options{Include: []string{"epub", "iiif"}},
		stage("epub", map[string]string{"epub/test-show.epub": "PK\x03\x04 not really an epub"}),
		stage("iiif", map[string]string{
			"iiif/test-show/manifest.json":                         `{"id":"x"}`,
			"iiif/test-show/images/p1/0,0,64,48/64,/0/default.jpg": "jpeg",
			"iiif/test-show/.DS_Store":                             "junk",
		}))
	rep := mustVerify(t, p, VerifyOptions{})
	wantValid(t, rep)
	if rep.Files != 9 {
		t.Errorf("payload files %d, want 9 (6 + epub + 2 iiif; .DS_Store left out)", rep.Files)
	}
}

// TestMasterChangedDuringBuild changes a master after the asset store
// found it unchanged in its cache (so that the store did not read it and
// the bag reads it from the exhibition folder) and before the bag copies
// it: the bag must refuse it, naming it.
func TestMasterChangedDuringBuild(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		grow bool
	}{
		// Same size, different bytes: only the checksum cross-check can tell.
		{"same size", Options{}, false},
		// Also when the manifests use neither sha256 nor sha512.
		{"md5 manifest", Options{Algorithms: []string{"md5"}}, false},
		// A different size is caught too.
		{"grown", Options{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := fixtureDir(t)
			change := exportertest.Func{Format: "change", Fn: func(context.Context, *exporters.Build) error {
				p := filepath.Join(dir, "verso.jpg")
				data, _ := os.ReadFile(p)
				data[len(data)/2] ^= 0xff
				if tc.grow {
					data = append(data, 1, 2, 3)
				}
				return os.WriteFile(p, data, 0o644)
			}}
			c := exportertest.Config{Assets: assets.Options{CacheDir: t.TempDir()}}
			if _, _, err := exportertest.Build(t, dir, c, newBag(t, tc.o)); err != nil {
				t.Fatal(err)
			}
			_, _, err := exportertest.Build(t, dir, c, change, newBag(t, tc.o))
			if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), "verso.jpg") || !strings.Contains(err.Error(), "plate 21a") {
				t.Fatalf("changed master: %v", err)
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "b.zip")
	bag := &Bag{Name: "b", Time: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Payload: []File{
		{Path: "data/ok.txt", Data: []byte("fine")},
		{Path: "data/broken.bin", Size: 10, Open: func() (io.ReadCloser, error) { return nil, errors.New("disk on fire") }},
	}}
	if _, err := bag.WriteFile(context.Background(), dest, Zip); err == nil {
		t.Fatal("no error")
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Fatalf("a failed write left %v behind", left)
	}
	bag.Payload = bag.Payload[:1]
	for _, ser := range []Serialization{Zip, Tar, Dir} {
		d := filepath.Join(dir, "b."+string(ser))
		if _, err := bag.WriteFile(context.Background(), d, ser); err != nil {
			t.Fatal(err)
		}
		wantValid(t, mustVerify(t, d, VerifyOptions{}))
	}
}

// TestStreamedEntries writes large-ish files through Open: a stored JPEG
// (CRC patched into its local header), a deflated TIFF and text (data
// descriptor), and checks the ZIP with the verifier, Python's zipfile
// (which checks every CRC) and a TAR of the same bag.
func TestStreamedEntries(t *testing.T) {
	mk := func(n int, seed byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7) ^ seed
			if i%3 == 0 {
				b[i] = seed
			}
		}
		return b
	}
	contents := map[string][]byte{
		"data/a.jpg":     mk(3<<20+17, 1),
		"data/b.tif":     mk(2<<20+5, 2),
		"data/notes.txt": bytes.Repeat([]byte("a line of text\n"), 50000),
		"data/empty.jpg": {},
	}
	bag := &Bag{Name: "streamed", Time: time.Date(2022, 2, 2, 0, 0, 0, 0, time.UTC)}
	for p, c := range contents {
		c := c
		bag.Payload = append(bag.Payload, File{Path: p, Size: int64(len(c)), Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(c)), nil }})
	}
	dir := t.TempDir()
	for _, ser := range []Serialization{Zip, Tar} {
		dest := filepath.Join(dir, "streamed."+string(ser))
		if _, err := bag.WriteFile(context.Background(), dest, ser); err != nil {
			t.Fatal(err)
		}
		wantValid(t, mustVerify(t, dest, VerifyOptions{}))
		independentCheck(t, dest)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "streamed.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		switch f.Name {
		case "streamed/data/a.jpg":
			if f.Method != zip.Store || f.Flags&0x8 != 0 {
				t.Errorf("%s: method %d flags %x; want stored without data descriptor", f.Name, f.Method, f.Flags)
			}
		case "streamed/data/b.tif", "streamed/data/notes.txt":
			if f.Method != zip.Deflate || f.CompressedSize64 >= f.UncompressedSize64 {
				t.Errorf("%s: method %d, %d -> %d bytes; want deflated", f.Name, f.Method, f.UncompressedSize64, f.CompressedSize64)
			}
		}
		if !bytes.Equal(readZipEntry(t, zr, f.Name), contents[strings.TrimPrefix(f.Name, "streamed/")]) && strings.HasPrefix(f.Name, "streamed/data/") && !strings.HasSuffix(f.Name, "/") {
			t.Errorf("%s: bytes differ", f.Name)
		}
	}
	if unzip, err := exec.LookPath("unzip"); err == nil {
		if out, err := exec.Command(unzip, "-tq", filepath.Join(dir, "streamed.zip")).CombinedOutput(); err != nil {
			t.Errorf("unzip -t: %v\n%s", err, out)
		}
	}
}

// TestSampleBag builds the bag of samples/victory-70 and verifies it with
// the verifier and the independent check.
func TestSampleBag(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the sample's 46 images are decoded")
	}
	dir := filepath.Join("..", "..", "samples", "victory-70")
	if _, err := os.Stat(filepath.Join(dir, "exhibition.yaml")); err != nil {
		t.Skip("no sample:", err)
	}
	p := exportBag(t, dir, Options{})
	rep := mustVerify(t, p, VerifyOptions{})
	wantValid(t, rep)
	if rep.Files < 47 {
		t.Errorf("sample bag has %d payload files", rep.Files)
	}
	independentCheck(t, p)
}

func TestWriterRefusesUnsafeNames(t *testing.T) {
	for _, tc := range []struct {
		bag  Bag
		want string
	}{
		{Bag{Name: "b", Payload: []File{{Path: "data/../../etc/x", Data: []byte("x")}}}, "unsafe path"},
		{Bag{Name: "b", Payload: []File{{Path: "/data/x", Data: []byte("x")}}}, "absolute"},
		{Bag{Name: "b", Payload: []File{{Path: "manifest-md5.txt", Data: []byte("x")}}}, "not under data/"},
		{Bag{Name: "../b", Payload: []File{{Path: "data/x", Data: []byte("x")}}}, "one plain folder name"},
		{Bag{Name: "b", Tags: map[string][]byte{"../x.txt": nil}}, "not a usable tag file name"},
		{Bag{Name: "b", Tags: map[string][]byte{"bagit.txt": nil}}, "not a usable tag file name"},
	} {
		_, err := tc.bag.WriteFile(context.Background(), filepath.Join(t.TempDir(), "b.zip"), Zip)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.bag, err, tc.want)
		}
	}
}

// TestExhibitionJSONPlain: the bag's data/exhibition.json keeps "<", ">"
// and "&" as written, as the IIIF exporter's exhibition.json does, so the
// two copies of the exhibition made by one build are the same bytes.
func TestExhibitionJSONPlain(t *testing.T) {
	dir := fixtureDir(t)
	yaml := strings.Replace(fixtureYAML, "subtitle: Photographs", "subtitle: \"Photographs <1950> & after\"", 1)
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p := exportBag(t, dir, Options{})
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := string(readZipEntry(t, zr, "test-show/data/exhibition.json"))
	if !strings.Contains(got, `"Photographs <1950> & after"`) {
		t.Errorf("data/exhibition.json escapes the subtitle:\n%s", got)
	}
}

// TestMisnamedMaster: a PNG named .jpg is stored in the bag under a .png
// name, so that format identification and the name agree; names.tsv keeps
// the original name.
func TestMisnamedMaster(t *testing.T) {
	dir := fixtureDir(t)
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "verso.jpg"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := exportBag(t, dir, Options{})
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if got := readZipEntry(t, zr, "test-show/data/images/plate-021a-2.png"); !bytes.Equal(got, buf.Bytes()) {
		t.Error("the PNG master is not stored as plate-021a-2.png")
	}
	if tsv := string(readZipEntry(t, zr, "test-show/data/names.tsv")); !strings.Contains(tsv, "data/images/plate-021a-2.png\t21a\t2\tverso.jpg") {
		t.Errorf("names.tsv:\n%s", tsv)
	}
}

// TestKnownDigestsGiveTheSameBag: payload files whose digests are known
// from the build's one read are copied without hashing (file to file); the
// ZIP must be byte for byte the one written by hashing, and valid. A known
// file that is shorter than announced still fails the write.
func TestKnownDigestsGiveTheSameBag(t *testing.T) {
	dir := t.TempDir()
	master := filepath.Join(dir, "m.jpg")
	data := bytes.Repeat([]byte("not really a jpeg, stored as one "), 40000)
	if err := os.WriteFile(master, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tiff := bytes.Repeat([]byte{1, 2, 3, 4}, 100000)
	noisy := make([]byte, 600<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noisy {
		noisy[i] = byte(rng.Uint32())
	}
	os.WriteFile(filepath.Join(dir, "noisy.tif"), noisy, 0o644)
	os.WriteFile(filepath.Join(dir, "flat.tif"), tiff, 0o644)
	sums := hashBytes(data, []string{"sha256", "sha512"})
	crc := fmt.Sprintf("%08x", crc32.ChecksumIEEE(data))
	write := func(name string, current bool, size int64) (string, error) {
		bag := &Bag{Name: "b", Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
		f := File{Path: "data/images/m.jpg", Size: size, Expect: sums, CRC32: crc,
			Open: func() (io.ReadCloser, error) { return os.Open(master) }}
		if current {
			f.Current = func(r io.Reader) bool { _, ok := r.(*os.File); return ok }
		}
		bag.Payload = []File{f, {Path: "data/scan.tif", Data: tiff}, {Path: "data/z.txt", Data: []byte("z\n")}}
		// Two TIFFs known too: one that deflates, one that does not (as
		// an LZW scan): the same decision on both ways of writing.
		for _, k := range []struct{ name string }{{"flat.tif"}, {"noisy.tif"}} {
			p := filepath.Join(dir, k.name)
			body, _ := os.ReadFile(p)
			kf := File{Path: "data/images/" + k.name, Size: int64(len(body)), Expect: hashBytes(body, []string{"sha256", "sha512"}),
				CRC32: fmt.Sprintf("%08x", crc32.ChecksumIEEE(body)), Open: func() (io.ReadCloser, error) { return os.Open(p) }}
			if current {
				kf.Current = f.Current
			}
			bag.Payload = append(bag.Payload, kf)
		}
		p := filepath.Join(dir, name)
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = bag.WriteZip(context.Background(), out)
		out.Close()
		return p, err
	}
	hashed, err := write("hashed.zip", false, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	known, err := write("known.zip", true, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(hashed)
	b, _ := os.ReadFile(known)
	if !bytes.Equal(a, b) {
		t.Fatalf("the bag written from known digests differs from the hashed one (%d vs %d bytes)", len(b), len(a))
	}
	wantValid(t, mustVerify(t, known, VerifyOptions{}))
	zr, err := zip.OpenReader(known)
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]uint16{}
	for _, zf := range zr.File {
		methods[path.Base(zf.Name)] = zf.Method
	}
	zr.Close()
	if methods["flat.tif"] != zip.Deflate || methods["noisy.tif"] != zip.Store || methods["m.jpg"] != zip.Store {
		t.Errorf("entry methods %v: want flat.tif deflated, noisy.tif and m.jpg stored", methods)
	}
	independentCheck(t, known)
	if _, err := write("short.zip", true, int64(len(data))+10); !errors.Is(err, ErrChanged) {
		t.Errorf("a known file shorter than announced: %v, want ErrChanged", err)
	}
}

// TestBagDataIsAnExhibition: the bag's data/ folder, unpacked alone, is an
// exhibition folder that loads and validates with no error: its
// exhibition.json names the masters and logos by their names in the bag,
// each of them holds the original's bytes, identifiers and texts are those
// of the original, and the file as written is kept under a name Load does
// not pick up.
func TestBagDataIsAnExhibition(t *testing.T) {
	dir := fixtureDir(t)
	writeJPEG(t, filepath.Join(dir, "museum logo.jpg"), 16, 16, 9)
	yml := strings.Replace(fixtureYAML, "    roles: [publisher]\n", "    roles: [publisher, provider]\n    homepage: https://museum.example.org/\n    logo: museum logo.jpg\n", 1)
	if yml == fixtureYAML {
		t.Fatal("fixture changed: no agent to give a logo")
	}
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	orig, infos := exportertest.Load(t, dir)
	bagDir := exportLoaded(t, orig, infos, Options{Format: Dir})
	data := filepath.Join(bagDir, "data")

	found, err := model.Find(data)
	if err != nil || filepath.Base(found) != "exhibition.json" {
		t.Fatalf("data/ is loaded from %q (%v), want data/exhibition.json", found, err)
	}
	back, err := model.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if ps, _ := model.Validate(back, model.ValidateOptions{}); len(ps.Errors()) > 0 {
		t.Fatalf("data/ does not validate: %v", ps)
	}
	if back.ID != orig.ID || back.Slug != orig.Slug || len(back.Plates) != len(orig.Plates) {
		t.Fatalf("exhibition changed: id %s/%s slug %s/%s plates %d/%d", back.ID, orig.ID, back.Slug, orig.Slug, len(back.Plates), len(orig.Plates))
	}
	same := func(what, inBag, original string) {
		t.Helper()
		a, err := os.ReadFile(filepath.Join(data, filepath.FromSlash(inBag)))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(original)))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: %s in the bag is not %s byte for byte", what, inBag, original)
		}
	}
	for i, p := range back.Plates {
		o := orig.Plates[i]
		if p.ID != o.ID || p.Number != o.Number || p.Caption.Get("en") != o.Caption.Get("en") || len(p.Images) != len(o.Images) {
			t.Fatalf("plate %s changed: %+v", o.Number, p)
		}
		for j, im := range p.Images {
			if !strings.HasPrefix(im.Path, "images/plate-") {
				t.Errorf("plate %s image %d: path %q is not the bag's name", p.Number, j+1, im.Path)
			}
			same("plate "+p.Number, im.Path, o.Images[j].Path)
		}
	}
	if back.Agents[0].Logo != "logos/logo-1.jpg" {
		t.Errorf("logo path in the bag's exhibition.json: %q", back.Agents[0].Logo)
	}
	same("logo", back.Agents[0].Logo, "museum logo.jpg")
	same("file as written", "exhibition.as-written.yaml", "exhibition.yaml")
	tsv, _ := os.ReadFile(filepath.Join(data, "names.tsv"))
	if !strings.Contains(string(tsv), "data/logos/logo-1.jpg\t\t\tmuseum logo.jpg\n") {
		t.Errorf("names.tsv has no row for the logo:\n%s", tsv)
	}
	// The loaded exhibition the build used is untouched.
	if orig.Agents[0].Logo != "museum logo.jpg" || orig.Plates[0].Images[0].Path != "a photo.jpg" {
		t.Errorf("MakeBag changed the build's exhibition: %q %q", orig.Agents[0].Logo, orig.Plates[0].Images[0].Path)
	}
	rep := mustVerify(t, bagDir, VerifyOptions{})
	wantValid(t, rep)
}
