package bagit

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
)

// TestTampering changes a good bag in one way at a time and expects exactly
// the problems that change causes, each naming the file and what is wrong.
func TestTampering(t *testing.T) {
	good := buildBag(t, Options{})
	const img = "test-show/data/images/plate-021a-2.jpg"
	type want struct{ kind, path, text string }
	for _, tc := range []struct {
		name  string
		edit  func(name string, data []byte) ([]byte, bool)
		extra map[string][]byte
		want  []want
	}{
		{
			name: "flipped byte",
			edit: func(n string, d []byte) ([]byte, bool) {
				if n == img {
					d[200] ^= 0x01
				}
				return d, true
			},
			want: []want{
				{KindMismatch, "data/images/plate-021a-2.jpg", "sha256 checksum mismatch: manifest-sha256.txt expects "},
				{KindMismatch, "data/images/plate-021a-2.jpg", "sha512 checksum mismatch: manifest-sha512.txt expects "},
			},
		},
		{
			name: "deleted file",
			edit: func(n string, d []byte) ([]byte, bool) { return d, n != img },
			want: []want{
				{KindOxum, "bag-info.txt", "Payload-Oxum says"},
				{KindMissing, "data/images/plate-021a-2.jpg", "missing: listed in manifest-sha256.txt"},
				{KindMissing, "data/images/plate-021a-2.jpg", "missing: listed in manifest-sha512.txt"},
			},
		},
		{
			name:  "added file",
			extra: map[string][]byte{"test-show/data/images/extra.jpg": []byte("not in the manifests")},
			want: []want{
				{KindOxum, "bag-info.txt", "the payload has"},
				{KindUnlisted, "data/images/extra.jpg", "not listed in any payload manifest"},
			},
		},
		{
			name: "edited tag file",
			edit: func(n string, d []byte) ([]byte, bool) {
				if n == "test-show/bag-info.txt" {
					d = bytes.Replace(d, []byte("Museum of Tests"), []byte("Museum of Fakes"), 1)
				}
				return d, true
			},
			want: []want{
				{KindMismatch, "bag-info.txt", "sha256 checksum mismatch: tagmanifest-sha256.txt expects"},
				{KindMismatch, "bag-info.txt", "sha512 checksum mismatch: tagmanifest-sha512.txt expects"},
			},
		},
		{
			name: "Payload-Oxum that lies",
			edit: func(n string, d []byte) ([]byte, bool) {
				if n == "test-show/bag-info.txt" {
					i := bytes.Index(d, []byte("Payload-Oxum: "))
					j := bytes.IndexByte(d[i:], '.')
					d = append(append(append([]byte{}, d[:i]...), "Payload-Oxum: 1"...), d[i+j:]...)
				}
				return d, true
			},
			want: []want{
				{KindMismatch, "bag-info.txt", "tagmanifest-sha256.txt"},
				{KindMismatch, "bag-info.txt", "tagmanifest-sha512.txt"},
				{KindOxum, "bag-info.txt", "Payload-Oxum says 1 bytes in 6 files; the payload has "},
			},
		},
		{
			name: "file dropped from one manifest",
			edit: func(n string, d []byte) ([]byte, bool) {
				if n == "test-show/manifest-sha512.txt" {
					var keep []string
					for _, l := range strings.SplitAfter(string(d), "\n") {
						if !strings.Contains(l, "plate-001.jpg") {
							keep = append(keep, l)
						}
					}
					d = []byte(strings.Join(keep, ""))
				}
				return d, true
			},
			want: []want{
				{KindNotInAll, "data/images/plate-001.jpg", "listed in manifest-sha256.txt but not in manifest-sha512.txt"},
				{KindMismatch, "manifest-sha512.txt", "tagmanifest-sha256.txt"},
				{KindMismatch, "manifest-sha512.txt", "tagmanifest-sha512.txt"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := rewriteZip(t, good, tc.edit, tc.extra)
			rep := mustVerify(t, p, VerifyOptions{})
			if rep.Valid {
				t.Fatal("tampered bag reported valid")
			}
			if len(rep.Problems) != len(tc.want) {
				for _, p := range rep.Problems {
					t.Logf("got: %s", p.Message)
				}
				t.Fatalf("%d problems, want %d", len(rep.Problems), len(tc.want))
			}
			for i, w := range tc.want {
				p := rep.Problems[i]
				if p.Kind != w.kind || p.Path != w.path || !strings.Contains(p.Message, w.text) || !strings.HasPrefix(p.Message, w.path) {
					t.Errorf("problem %d: %+v\nwant kind %s path %s text %q", i, p, w.kind, w.path, w.text)
				}
				if p.Kind == KindMismatch && (len(p.Expected) < 64 || len(p.Found) < 64 || p.Expected == p.Found || !strings.Contains(p.Message, p.Found)) {
					t.Errorf("mismatch without expected and found digests: %+v", p)
				}
			}
		})
	}
	// --fast sees a lying Payload-Oxum and a deleted file without reading payload.
	p := rewriteZip(t, good, func(n string, d []byte) ([]byte, bool) { return d, n != img }, nil)
	rep := mustVerify(t, p, VerifyOptions{Fast: true})
	if rep.Valid || rep.Problems[0].Kind != KindOxum {
		t.Errorf("--fast on a bag with a deleted file: %+v", rep.Problems)
	}
}

// zipOf makes a ZIP of name -> bytes with archive/zip, as another tool would.
func zipOf(t testing.TB, files map[string]string, order []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range order {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[n]))
	}
	zw.Close()
	return buf.Bytes()
}

func md5hex(s string) string    { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
func sha256hex(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

// TestOtherToolsBags checks bags as other tools write them: BagIt 0.97 with
// an md5 manifest only and CRLF lines, several algorithms, and file names
// with LF, CR and % encoded as %0A, %0D and %25.
func TestOtherToolsBags(t *testing.T) {
	odd := "data/line\nbreak\rand 100%.txt"
	files := map[string]string{
		"old/bagit.txt":           "BagIt-Version: 0.97\r\nTag-File-Character-Encoding: UTF-8\r\n",
		"old/data/a.txt":          "alpha",
		"old/data/sub dir/b.txt":  "beta",
		"old/data/literal%0A.txt": "percent, not a newline",
		"old/" + odd:              "odd",
	}
	files["old/manifest-md5.txt"] = md5hex("alpha") + " *data/a.txt\r\n" +
		md5hex("beta") + "  data/sub dir/b.txt\r\n" +
		md5hex("percent, not a newline") + " data/literal%250A.txt\r\n" +
		md5hex("odd") + "\tdata/line%0Abreak%0dand 100%25.txt\r\n"
	files["old/manifest-sha256.txt"] = sha256hex("alpha") + " data/a.txt\n" +
		sha256hex("beta") + " data/sub dir/b.txt\n" +
		sha256hex("percent, not a newline") + " data/literal%250A.txt\n" +
		strings.ToUpper(sha256hex("odd")) + " data/line%0Abreak%0Dand 100%25.txt\n"
	files["old/bag-info.txt"] = "Payload-Oxum: 34.4\nExternal-Description: folded\n  over two lines\n"
	order := []string{"old/bagit.txt", "old/bag-info.txt", "old/manifest-md5.txt", "old/manifest-sha256.txt", "old/data/a.txt", "old/data/sub dir/b.txt", "old/data/literal%0A.txt", "old/" + odd}
	data := zipOf(t, files, order)
	rep, err := VerifyZip(context.Background(), bytes.NewReader(data), int64(len(data)), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantValid(t, rep)
	if rep.Version != "0.97" || rep.Files != 4 || strings.Join(rep.Algorithms, ",") != "md5,sha256" {
		t.Errorf("report %+v", rep)
	}

	// The same bag as a TAR, and with the odd file changed.
	files["old/"+odd] = "ODD"
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range order {
		tw.WriteHeader(&tar.Header{Name: n, Size: int64(len(files[n])), Mode: 0o644, Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)})
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	rep, err = VerifyTar(context.Background(), bytes.NewReader(buf.Bytes()), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid || len(rep.Problems) != 2 || rep.Problems[0].Path != "data/line\nbreak\rand 100%.txt" {
		t.Errorf("changed file with LF, CR and %% in its name: %+v", rep.Problems)
	}
}

// TestManifestMarksAwkwardPaths: a path that begins with "*" or white
// space is written behind md5sum's binary-mode marker and reads back as
// written (CI's fuzzer found the path " " turning into a line with no path).
func TestManifestMarksAwkwardPaths(t *testing.T) {
	sums := map[string]string{" ": "00", "*": "01", "**x": "02", "\ttab": "03", " lead": "04", "data/a": "05"}
	out := FormatManifest(sums)
	if !strings.Contains(string(out), "05  data/a\n") || !strings.Contains(string(out), "00  * \n") {
		t.Errorf("unexpected manifest:\n%s", out)
	}
	got, bad := ParseManifest(out, "")
	if len(bad) != 0 {
		t.Fatalf("re-read: %v\n%q", bad, out)
	}
	if len(got) != len(sums) {
		t.Fatalf("wrote %d, read %d:\n%q", len(sums), len(got), out)
	}
	for _, e := range got {
		if sums[e.Path] != e.Digest {
			t.Errorf("%q read back with %q", e.Path, e.Digest)
		}
	}
}

// TestPercentEncodingRoundTrip writes names with %, CR and LF through
// EncodePath/DecodePath and through a whole bag.
func TestPercentEncodingRoundTrip(t *testing.T) {
	for _, s := range []string{"plain", "100%", "%0A", "%250A", "a\nb", "a\rb\r\n", "%%\n%", "%0a literal", "é%25"} {
		enc := EncodePath(s)
		if strings.ContainsAny(enc, "\r\n") {
			t.Errorf("EncodePath(%q) = %q keeps a line end", s, enc)
		}
		if got := DecodePath(enc); got != s {
			t.Errorf("DecodePath(EncodePath(%q)) = %q (encoded %q)", s, got, enc)
		}
	}
	if EncodePath("a%b\nc\rd") != "a%25b%0Ac%0Dd" {
		t.Errorf("EncodePath: %q", EncodePath("a%b\nc\rd"))
	}
	names := []string{"data/100%.txt", "data/two\nlines.txt", "data/cr\r.txt", "data/%0A.txt"}
	bag := &Bag{Name: "pct", Time: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i, n := range names {
		bag.Payload = append(bag.Payload, File{Path: n, Data: []byte(strings.Repeat("x", i+1))})
	}
	dest := filepath.Join(t.TempDir(), "pct.zip")
	if _, err := bag.WriteFile(context.Background(), dest, Zip); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dest, VerifyOptions{})
	wantValid(t, rep)
	zr, _ := zip.OpenReader(dest)
	defer zr.Close()
	m := string(readZipEntry(t, zr, "pct/manifest-sha256.txt"))
	for _, w := range []string{" data/100%25.txt\n", " data/two%0Alines.txt\n", " data/cr%0D.txt\n", " data/%250A.txt\n"} {
		if !strings.Contains(m, w) {
			t.Errorf("manifest has no line ending in %q:\n%s", w, m)
		}
	}
}

// TestUnsafeEntries: archives that could write outside their folder are
// refused as unusable, with a message naming the entry.
func TestUnsafeEntries(t *testing.T) {
	base := map[string]string{"b/bagit.txt": BagItTxt, "b/data/x": "x", "b/manifest-sha256.txt": sha256hex("x") + " data/x\n"}
	order := []string{"b/bagit.txt", "b/data/x", "b/manifest-sha256.txt"}
	data := zipOf(t, base, order)
	if rep, err := VerifyZip(context.Background(), bytes.NewReader(data), int64(len(data)), VerifyOptions{}); err != nil || !rep.Valid {
		t.Fatalf("the safe base bag: %v %+v", err, rep)
	}
	for _, tc := range []struct{ name, entry, want string }{
		{"dot-dot", "b/data/../../evil", `contains ".."`},
		{"absolute", "/etc/evil", "absolute path"},
		{"backslash", `b\..\evil`, "backslash"},
		{"drive", "C:/evil", "drive letter"},
	} {
		t.Run("zip "+tc.name, func(t *testing.T) {
			files := map[string]string{tc.entry: "boom"}
			for k, v := range base {
				files[k] = v
			}
			data := zipOf(t, files, append(append([]string{}, order...), tc.entry))
			_, err := VerifyZip(context.Background(), bytes.NewReader(data), int64(len(data)), VerifyOptions{})
			if !errors.Is(err, ErrUnsafeEntry) || !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want unsafe entry %q", err, tc.want)
			}
		})
		t.Run("tar "+tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			for _, n := range append(append([]string{}, order...), tc.entry) {
				c := base[n]
				if n == tc.entry {
					c = "boom"
				}
				tw.WriteHeader(&tar.Header{Name: n, Size: int64(len(c)), Mode: 0o644, Typeflag: tar.TypeReg})
				tw.Write([]byte(c))
			}
			tw.Close()
			_, err := VerifyTar(context.Background(), bytes.NewReader(buf.Bytes()), VerifyOptions{})
			if !errors.Is(err, ErrUnsafeEntry) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want unsafe entry %q", err, tc.want)
			}
		})
	}
	// symbolic and hard links in a TAR
	for _, typ := range []byte{tar.TypeSymlink, tar.TypeLink} {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: "b/bagit.txt", Size: int64(len(BagItTxt)), Mode: 0o644, Typeflag: tar.TypeReg})
		tw.Write([]byte(BagItTxt))
		tw.WriteHeader(&tar.Header{Name: "b/data/x", Linkname: "/etc/passwd", Typeflag: typ})
		tw.Close()
		_, err := VerifyTar(context.Background(), bytes.NewReader(buf.Bytes()), VerifyOptions{})
		if !errors.Is(err, ErrUnsafeEntry) || !strings.Contains(err.Error(), "link") {
			t.Errorf("tar link type %c: %v", typ, err)
		}
	}
	// a symbolic link in a ZIP (Unix mode in the external attributes)
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("b/bagit.txt")
	w.Write([]byte(BagItTxt))
	fh := &zip.FileHeader{Name: "b/data/x"}
	fh.SetMode(0o777 | os.ModeSymlink)
	w, _ = zw.CreateHeader(fh)
	w.Write([]byte("/etc/passwd"))
	zw.Close()
	_, err := VerifyZip(context.Background(), bytes.NewReader(zbuf.Bytes()), int64(zbuf.Len()), VerifyOptions{})
	if !errors.Is(err, ErrUnsafeEntry) || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("zip symlink: %v", err)
	}
	// a symbolic link in a folder bag
	dir := filepath.Join(t.TempDir(), "b")
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "bagit.txt"), []byte(BagItTxt), 0o644)
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "data", "x")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	_, err = Verify(context.Background(), dir, VerifyOptions{})
	if !errors.Is(err, ErrUnsafeEntry) || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("folder symlink: %v", err)
	}
}

func TestUnusable(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"notzip.zip", "neither a ZIP, a TAR nor a folder", []byte("hello")},
		{"twotops.zip", "at its top level", zipOf(t, map[string]string{"a/bagit.txt": BagItTxt, "b/x": "x"}, []string{"a/bagit.txt", "b/x"})},
		{"gz.tar.gz", "gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0}},
		{"notar.tar.gz", "TAR", gzipOf(t, []byte("plain text, not a TAR"))},
	} {
		p := filepath.Join(dir, tc.name)
		os.WriteFile(p, tc.data, 0o644)
		_, err := Verify(context.Background(), p, VerifyOptions{})
		if !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := Verify(context.Background(), filepath.Join(dir, "absent.zip"), VerifyOptions{}); !errors.Is(err, ErrUnusable) {
		t.Errorf("absent file: %v", err)
	}
}

// TestBagInfoInjection: exhibition text cannot add a line or a field to
// bag-info.txt, and long values fold and unfold unchanged.
func TestBagInfoInjection(t *testing.T) {
	evil := "Title\nSource-Organization: Evil Corp\r\nPayload-Oxum: 1.1\u2028Bag-Count: 9\tend"
	out := FormatTags([]Field{{"External-Description", evil}, {"Bad\nLabel: x", "v"}})
	fields, bad := ParseTags(out)
	if len(bad) != 0 || len(fields) != 2 {
		t.Fatalf("fields %+v bad %v\n%s", fields, bad, out)
	}
	if fields[0].Value != "Title Source-Organization: Evil Corp Payload-Oxum: 1.1 Bag-Count: 9 end" {
		t.Errorf("value %q", fields[0].Value)
	}
	if fields[1].Label != "BadLabel-x" {
		t.Errorf("label %q", fields[1].Label)
	}
	long := strings.Repeat("word ", 60) + strings.Repeat("x", 120) + " tail"
	out = FormatTags([]Field{{"External-Description", long}})
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")[1:] {
		if !strings.HasPrefix(l, "  ") {
			t.Errorf("continuation line %q not indented", l)
		}
	}
	fields, _ = ParseTags(out)
	if len(fields) != 1 || fields[0].Value != strings.TrimSpace(long) {
		t.Errorf("folded value did not round-trip:\n%s", out)
	}
}

func TestSafeNames(t *testing.T) {
	for in, want := range map[string]string{
		"1": "plate-001", "21a": "plate-021a", "IV": "plate-IV", "1234": "plate-1234",
		"Café 3/b": "plate-Cafe-3-b", "../..": "", "한글": "", " 7 ": "plate-007",
	} {
		if got := PlateBase(in); got != want {
			t.Errorf("PlateBase(%q) = %q, want %q", in, got, want)
		}
	}
	names := ImageNames([]PlateImage{
		{Plate: "1", Index: 1, Count: 1, Path: "x/A.TIF"},
		{Plate: "1.", Index: 1, Count: 1, Path: "y/a.tif"},
		{Plate: "2", Index: 1, Count: 2, Path: "r.jpg"},
		{Plate: "2", Index: 2, Count: 2, Path: "v.jpg"},
		{Plate: "3", Index: 1, Count: 1, Path: "r.jpg"},
		{Plate: "한글", Index: 1, Count: 1, Path: "k.png"},
		{Plate: "7", Index: 1, Count: 2, Path: "png-named.jpg", Format: "png"},
		{Plate: "7", Index: 2, Count: 2, Path: "scan.JPEG", Format: "jpeg"},
	})
	var got []string
	for _, n := range names {
		got = append(got, n.Name)
	}
	if strings.Join(got, " ") != "plate-001.tif plate-001-x2.tif plate-002-1.jpg plate-002-2.jpg plate-n006.png plate-007-1.png plate-007-2.jpeg" {
		t.Errorf("names: %v", got)
	}
}

func TestVerifyEdgeCases(t *testing.T) {
	good := buildBag(t, Options{})
	// bagit.txt edited: the problem says what is wrong with it.
	p := rewriteZip(t, good, func(n string, d []byte) ([]byte, bool) {
		if n == "test-show/bagit.txt" {
			d = []byte("BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n")
		}
		return d, true
	}, nil)
	rep := mustVerify(t, p, VerifyOptions{})
	var kinds []string
	for _, pr := range rep.Problems {
		kinds = append(kinds, pr.Kind+":"+pr.Path)
	}
	if strings.Join(kinds, " ") != "bagit-version:bagit.txt checksum:bagit.txt checksum:bagit.txt" {
		t.Errorf("edited bagit.txt: %v", kinds)
	}
	// --fast needs Payload-Oxum.
	p = rewriteZip(t, good, func(n string, d []byte) ([]byte, bool) {
		if n == "test-show/bag-info.txt" {
			d = []byte("Source-Organization: x\n")
		}
		return d, true
	}, nil)
	if _, err := Verify(context.Background(), p, VerifyOptions{Fast: true}); !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), "Payload-Oxum") {
		t.Errorf("--fast without Payload-Oxum: %v", err)
	}
	// Only manifests of an unknown algorithm: cannot be checked.
	data := zipOf(t, map[string]string{"b/bagit.txt": BagItTxt, "b/data/x": "x", "b/manifest-blake3.txt": "00 data/x\n"},
		[]string{"b/bagit.txt", "b/data/x", "b/manifest-blake3.txt"})
	if _, err := VerifyZip(context.Background(), bytes.NewReader(data), int64(len(data)), VerifyOptions{}); !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), "algorithm") {
		t.Errorf("blake3 only: %v", err)
	}
	// No manifest at all, a malformed line, a path outside the bag, fetch.txt.
	data = zipOf(t, map[string]string{
		"b/bagit.txt":           BagItTxt,
		"b/data/x":              "x",
		"b/manifest-sha256.txt": "not-hex data/x\n" + sha256hex("x") + " ../../etc/passwd\n" + sha256hex("x") + " data/x\n",
		"b/fetch.txt":           "http://example.org/y 1 data/y\n",
	}, []string{"b/bagit.txt", "b/data/x", "b/fetch.txt", "b/manifest-sha256.txt"})
	rep, err := VerifyZip(context.Background(), bytes.NewReader(data), int64(len(data)), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kinds = kinds[:0]
	for _, pr := range rep.Problems {
		kinds = append(kinds, pr.Kind)
	}
	if strings.Join(kinds, " ") != "unsafe-path fetch-missing manifest" {
		t.Errorf("problems %v", rep.Problems)
	}
}

func TestCancel(t *testing.T) {
	good := buildBag(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Verify(ctx, good, VerifyOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("verify with a cancelled context: %v", err)
	}
	// The bag's Export, called within a build with a cancelled context.
	e := newBag(t, Options{})
	cancelled := exportertest.Func{Format: "bagit", Fn: func(_ context.Context, b *exporters.Build) error {
		if err := e.Export(ctx, b); !errors.Is(err, context.Canceled) {
			t.Errorf("export with a cancelled context: %v", err)
		}
		return nil
	}}
	if _, _, err := exportertest.Build(t, fixtureDir(t), exportertest.Config{}, cancelled); err != nil {
		t.Fatal(err)
	}
}

// gzipOf compresses data with gzip.
func gzipOf(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
