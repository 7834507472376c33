package bagit

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The seed corpus of every fuzz test is in testdata/fuzz/<FuzzName>/ and
// runs as part of `go test`; UPDATE_FUZZ_SEEDS=1 go test -run
// TestWriteFuzzSeeds rewrites the archive seeds from a freshly built bag.

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte("d41d8cd98f00b204e9800998ecf8427e  data/a.txt\n"), "md5")
	f.Fuzz(func(t *testing.T, data []byte, alg string) {
		entries, _ := ParseManifest(data, alg)
		sums := map[string]string{}
		for _, e := range entries {
			if strings.ContainsAny(e.Path, "\r\n") && !strings.Contains(string(data), "%0") {
				t.Fatalf("decoded a line end out of nowhere: %q", e.Path)
			}
			sums[e.Path] = e.Digest
		}
		// What is written back parses to the same entries.
		again, bad := ParseManifest(FormatManifest(sums), alg)
		if len(bad) != 0 {
			t.Fatalf("re-parse of a written manifest: %v", bad)
		}
		// Every path reads back exactly, including those that begin with
		// "*" or white space (FormatManifest marks them).
		if len(again) != len(sums) {
			t.Fatalf("%d entries written, %d read back", len(sums), len(again))
		}
		for _, e := range again {
			if d, ok := sums[e.Path]; !ok || d != e.Digest {
				t.Fatalf("round trip changed %q", e.Path)
			}
		}
	})
}

func FuzzParseTags(f *testing.F) {
	f.Add([]byte("Source-Organization: A\nExternal-Description: long\n  folded\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fields, _ := ParseTags(data)
		out := FormatTags(fields)
		again, bad := ParseTags(out)
		if len(bad) != 0 {
			t.Fatalf("re-parse of written tags: %v\n%q", bad, out)
		}
		var want []Field
		for _, fl := range fields {
			if l := cleanLabel(fl.Label); l != "" {
				want = append(want, Field{l, CleanValue(fl.Value)})
			}
		}
		if len(again) != len(want) {
			t.Fatalf("%d fields written, %d read back\n%q", len(want), len(again), out)
		}
		for i := range want {
			if again[i] != want[i] {
				t.Fatalf("field %d: wrote %+v, read %+v", i, want[i], again[i])
			}
		}
	})
}

func FuzzPercentEncoding(f *testing.F) {
	for _, s := range []string{"a%b", "%0A", "x\r\ny", "%25%0d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := DecodePath(EncodePath(s)); got != s {
			t.Fatalf("%q -> %q -> %q", s, EncodePath(s), got)
		}
	})
}

func FuzzParseFetch(f *testing.F) {
	f.Add("https://example.org/a%20b 12 data/a b.txt\nfile:///tmp/x - data/x\n")
	f.Fuzz(func(t *testing.T, text string) {
		entries, bad := ParseFetch(text)
		lines := len(splitLines([]byte(text)))
		if len(entries)+len(bad) > lines {
			t.Fatalf("%d entries and %d issues from %d lines", len(entries), len(bad), lines)
		}
		for _, e := range entries {
			if e.Path == "" || e.URL == "" || e.Length < -1 || e.Line < 1 || e.Line > lines {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

func FuzzParseProfile(f *testing.F) {
	for _, name := range sortedKeys(knownProfiles) {
		data, err := profileFiles.ReadFile(knownProfiles[name])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(data)
		if err == nil && (p.Identifier() == "" || len(p.AcceptBagItVersion) == 0) {
			t.Fatalf("accepted a profile without identifier or versions: %q", data)
		}
	})
}

// checkReport holds what any report must satisfy.
func checkReport(t *testing.T, rep *Report, err error) {
	if err != nil {
		if !errors.Is(err, ErrUnusable) {
			t.Fatalf("error that is not ErrUnusable: %v", err)
		}
		return
	}
	if rep.Valid != (len(rep.Problems) == 0) {
		t.Fatalf("Valid %v with %d problems", rep.Valid, len(rep.Problems))
	}
	for _, p := range append(append([]Problem{}, rep.Problems...), rep.Warnings...) {
		if p.Message == "" || p.Kind == "" {
			t.Fatalf("problem or warning without kind or message: %+v", p)
		}
	}
}

func FuzzVerifyZip(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := VerifyZip(context.Background(), bytes.NewReader(data), int64(len(data)), VerifyOptions{})
		checkReport(t, rep, err)
	})
}

func FuzzVerifyTar(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := VerifyTar(context.Background(), bytes.NewReader(data), VerifyOptions{})
		checkReport(t, rep, err)
	})
}

// TestWriteFuzzSeeds rewrites the archive seeds (only with UPDATE_FUZZ_SEEDS=1).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("UPDATE_FUZZ_SEEDS") == "" {
		t.Skip("set UPDATE_FUZZ_SEEDS=1 to rewrite testdata/fuzz")
	}
	tm := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	bag := &Bag{Name: "seed", Time: tm, Info: []Field{{"Source-Organization", "Seeds"}}, Payload: []File{
		{Path: "data/a.txt", Data: []byte("alpha")},
		{Path: "data/100%\n.jpg", Data: []byte("jpeg-ish")},
	}}
	dir := t.TempDir()
	write := func(fuzz, name string, args ...any) {
		var b strings.Builder
		b.WriteString("go test fuzz v1\n")
		for _, a := range args {
			switch v := a.(type) {
			case []byte:
				fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(v)))
			case string:
				fmt.Fprintf(&b, "string(%s)\n", strconv.Quote(v))
			}
		}
		d := filepath.Join("testdata", "fuzz", fuzz)
		os.MkdirAll(d, 0o755)
		if err := os.WriteFile(filepath.Join(d, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	z := filepath.Join(dir, "seed.zip")
	if _, err := bag.WriteFile(context.Background(), z, Zip); err != nil {
		t.Fatal(err)
	}
	zb, _ := os.ReadFile(z)
	write("FuzzVerifyZip", "valid-bag", zb)
	tp := filepath.Join(dir, "seed.tar")
	if _, err := bag.WriteFile(context.Background(), tp, Tar); err != nil {
		t.Fatal(err)
	}
	tb, _ := os.ReadFile(tp)
	write("FuzzVerifyTar", "valid-bag", tb)
	bad := bytes.Replace(tb, []byte("seed/data/a.txt"), []byte("seed/data/../.."), 1)
	write("FuzzVerifyTar", "dotdot", bad)
	var sl bytes.Buffer
	tw := tar.NewWriter(&sl)
	tw.WriteHeader(&tar.Header{Name: "seed/bagit.txt", Size: int64(len(BagItTxt)), Typeflag: tar.TypeReg, Mode: 0o644, ModTime: tm})
	tw.Write([]byte(BagItTxt))
	tw.WriteHeader(&tar.Header{Name: "seed/data/x", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink, ModTime: tm})
	tw.Close()
	write("FuzzVerifyTar", "symlink", sl.Bytes())
	write("FuzzVerifyZip", "dotdot", bytes.Replace(zb, []byte("seed/data/a.txt"), []byte("seed/data/../.."), -1))
	write("FuzzParseManifest", "crlf-percent", []byte("D41D8CD98F00B204E9800998ECF8427E *data/a%0Ab%25.txt\r\nzz  data/bad\n\n"), "md5")
	write("FuzzParseManifest", "sha256", []byte("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 data/x\tdata/y\n"), "sha256")
	write("FuzzParseTags", "bag-info", []byte("Payload-Oxum: 12.3\r\nExternal-Description: one\r\n\ttwo\r\n no colon line\n: empty label\nBagging-Date: 2020-01-01"))
	write("FuzzParseTags", "bagit-txt", []byte(BagItTxt))
	write("FuzzPercentEncoding", "mixed", "data/%0a%0D%25%2")

	// Forms other tools write (see conformance_test.go), as ZIP and TAR
	// seeds: UTF-16 tag files, ./data/ paths, a complete fetch bag, a BOM in
	// bagit.txt, a 0.95 bag with package-info.txt.
	for i, tc := range conformanceCases() {
		switch tc.name {
		case "UTF-16 tag files", "manifest paths written ./data/x", "complete fetch bag", "bagit.txt with a BOM", "valid 0.95 package-info", "0.97 file listed twice with the same digest", "hidden and system files in the payload":
		default:
			continue
		}
		forms := tc.bag().writeForms(t, t.TempDir(), fmt.Sprintf("seed%d", i))
		seed := strings.NewReplacer(" ", "-", "/", "-", ".", "").Replace(tc.name)
		zb, _ := os.ReadFile(forms["zip"])
		write("FuzzVerifyZip", seed, zb)
		tb, _ := os.ReadFile(forms["tar"])
		write("FuzzVerifyTar", seed, tb)
	}
	write("FuzzParseTags", "space-before-colon", []byte("\ufeffBagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n"))
	write("FuzzParseManifest", "dot-slash", []byte("d41d8cd98f00b204e9800998ecf8427e  ./data/a.txt\nd41d8cd98f00b204e9800998ecf8427e  data//b.txt\n"), "md5")
	write("FuzzParseFetch", "lines", "https://example.org/x 12 data/x\nftp://h/y - data/y z\nnot-a-url 1 data/z\nhttps://h/w -3 data/w\n")
	write("FuzzParseProfile", "minimal", []byte(`{"BagIt-Profile-Info":{"BagIt-Profile-Identifier":"urn:x"},"Accept-BagIt-Version":["1.0"],"Serialization":"required"}`))
}
