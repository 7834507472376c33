package bagit

import (
	"archive/tar"
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// The bags below imitate, one trait at a time, the kinds of bags in the
// Library of Congress BagIt conformance suite and in other tools' bags
// where vitrine verify used to disagree with them (see the README's verify
// section). Each is written by the test, verified as a folder, a ZIP, a TAR
// and a tar.gz, and must give the verdict other validators give
// (bagit-python's documented behaviour, the suite's valid/invalid/warning
// folders) with the same problems and warnings in every form.

// fbag is a bag under construction: file name (relative to the bag root)
// -> bytes.
type fbag map[string][]byte

// payloadOf is the payload most fixtures hold: a small text, a JPEG-like
// binary, a name with a space.
func payloadOf() map[string]string {
	return map[string]string{
		"data/letter.txt":          "Dear Sir, the crates arrived in good order.\n",
		"data/scans/recto 01.tif":  "II*\x00 not really a TIFF, but bytes all the same",
		"data/scans/verso-01.tif":  "II*\x00 the back of the sheet",
		"data/metadata/mets.xml":   "<mets/>\n",
		"data/metadata/notes.json": `{"note":"folded, water stain lower left"}`,
	}
}

func sumHex(alg string, b []byte) string {
	h, err := newHash(alg)
	if err != nil {
		panic(err)
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// newBag writes a complete, valid bag of the given version: bagit.txt,
// payload, manifests for algs, the metadata file (bag-info.txt, or
// package-info.txt before 0.96) with Payload-Oxum, tag manifests for algs
// (from 0.96).
func fixtureBag(version string, payload map[string]string, algs ...string) fbag {
	b := fbag{"bagit.txt": []byte("BagIt-Version: " + version + "\nTag-File-Character-Encoding: UTF-8\n")}
	var n int64
	for p, c := range payload {
		b[p] = []byte(c)
		n += int64(len(c))
	}
	info := "bag-info.txt"
	if version < "0.96" {
		info = "package-info.txt"
	}
	b[info] = []byte("Source-Organization: Harbour Museum Archive\nBagging-Date: 2024-03-01\nPayload-Oxum: " + Oxum(n, len(payload)) + "\n")
	b.remanifest(algs...)
	if version >= "0.96" {
		b.retag(algs...)
	}
	return b
}

// remanifest rewrites the payload manifests of algs from the payload.
func (b fbag) remanifest(algs ...string) {
	for _, alg := range algs {
		sums := map[string]string{}
		for p, c := range b {
			if strings.HasPrefix(p, "data/") {
				sums[p] = sumHex(alg, c)
			}
		}
		b["manifest-"+alg+".txt"] = FormatManifest(sums)
	}
}

// retag rewrites the tag manifests of algs from the other tag files.
func (b fbag) retag(algs ...string) {
	for _, alg := range algs {
		delete(b, "tagmanifest-"+alg+".txt")
	}
	for _, alg := range algs {
		sums := map[string]string{}
		for p, c := range b {
			if !strings.HasPrefix(p, "data/") && !strings.HasPrefix(p, "tagmanifest-") {
				sums[p] = sumHex(alg, c)
			}
		}
		b["tagmanifest-"+alg+".txt"] = FormatManifest(sums)
	}
}

func (b fbag) names() []string {
	var out []string
	for n := range b {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// noData, as a key of an fbag, leaves out the data/ folder itself (the
// other forms hold it as a folder entry, as zip -r and tar write it).
const noData = "\x00no data folder"

// writeForms writes the bag named name as a folder, a ZIP, a TAR and a
// tar.gz under dir and returns their paths by form.
func (b fbag) writeForms(t testing.TB, dir, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_, bare := b[noData]
	delete(b, noData)
	folder := filepath.Join(dir, "folder", name)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range b.names() {
		p := filepath.Join(folder, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b[n], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{}
	var order []string
	if !bare {
		if err := os.MkdirAll(filepath.Join(folder, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		files[name+"/data/"] = ""
		order = append(order, name+"/data/")
	}
	out["folder"] = folder
	for _, n := range b.names() {
		files[name+"/"+n] = string(b[n])
		order = append(order, name+"/"+n)
	}
	out["zip"] = filepath.Join(dir, name+".zip")
	os.WriteFile(out["zip"], zipOf(t, files, order), 0o644)
	var tb strings.Builder
	tw := tar.NewWriter(&tb)
	for _, n := range order {
		if strings.HasSuffix(n, "/") {
			tw.WriteHeader(&tar.Header{Name: n, Mode: 0o755, Typeflag: tar.TypeDir, ModTime: time.Unix(1700000000, 0)})
			continue
		}
		tw.WriteHeader(&tar.Header{Name: n, Size: int64(len(files[n])), Mode: 0o644, Typeflag: tar.TypeReg, ModTime: time.Unix(1700000000, 0)})
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	out["tar"] = filepath.Join(dir, name+".tar")
	os.WriteFile(out["tar"], []byte(tb.String()), 0o644)
	out["tar.gz"] = filepath.Join(dir, name+".tar.gz")
	os.WriteFile(out["tar.gz"], gzipOf(t, []byte(tb.String())), 0o644)
	return out
}

// exitOf is the verdict vitrine verify gives: 0 valid, 1 invalid, 2 cannot
// be checked.
func exitOf(rep *Report, err error) int {
	switch {
	case err != nil:
		return 2
	case rep.Valid:
		return 0
	}
	return 1
}

// kindsOf lists the distinct codes of ps, sorted.
func kindsOf(ps []Problem) string {
	var k []string
	for _, p := range ps {
		if !contains(k, p.Kind) {
			k = append(k, p.Kind)
		}
	}
	sort.Strings(k)
	return strings.Join(k, " ")
}

// sortedWords sorts the words of s and drops repeats.
func sortedWords(s string) string {
	var k []string
	for _, w := range strings.Fields(s) {
		if !contains(k, w) {
			k = append(k, w)
		}
	}
	sort.Strings(k)
	return strings.Join(k, " ")
}

func utf16With(b []byte, bom bool, le bool) []byte {
	order := unicode.BigEndian
	if le {
		order = unicode.LittleEndian
	}
	pol := unicode.IgnoreBOM
	if bom {
		pol = unicode.UseBOM
	}
	out, err := unicode.UTF16(order, pol).NewEncoder().Bytes(b)
	if err != nil {
		panic(err)
	}
	return out
}

// conformanceCases are the fixtures: each with the verdict other
// validators give, and the problem and warning codes vitrine must report.
func conformanceCases() []struct {
	name     string
	bag      func() fbag
	exit     int
	problems string
	warnings string
	encoding string
} {
	md5s := func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
	sha512s := func(s string) string { h := sha512.Sum512([]byte(s)); return hex.EncodeToString(h[:]) }
	return []struct {
		name     string
		bag      func() fbag
		exit     int
		problems string
		warnings string
		encoding string
	}{
		{name: "valid 1.0 sha512", bag: func() fbag { return fixtureBag("1.0", payloadOf(), "sha512") }},
		{name: "valid 1.0 two algorithms", bag: func() fbag { return fixtureBag("1.0", payloadOf(), "sha256", "sha512") }},
		{name: "valid 0.97 md5", bag: func() fbag { return fixtureBag("0.97", payloadOf(), "md5") }},
		{name: "valid 0.97 sha224", bag: func() fbag { return fixtureBag("0.97", payloadOf(), "sha224") }},
		{name: "valid 0.93 package-info", bag: func() fbag { return fixtureBag("0.93", payloadOf(), "md5") }},
		{name: "valid 0.95 package-info", bag: func() fbag { return fixtureBag("0.95", payloadOf(), "md5") }},
		{name: "0.95 package-info Payload-Oxum wrong", exit: 1, problems: KindOxum, bag: func() fbag {
			b := fixtureBag("0.95", payloadOf(), "md5")
			b["package-info.txt"] = []byte("Payload-Oxum: 1.1\n")
			return b
		}},
		{name: "no bagit.txt", exit: 1, problems: KindNoBagItTxt, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			delete(b, "bagit.txt")
			return b
		}},
		{name: "bagit.txt with a BOM", exit: 1, problems: KindBagItBOM + " " + KindMismatch, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["bagit.txt"] = append([]byte("\ufeff"), b["bagit.txt"]...)
			b.retag() // leave the tag manifest as it was: the BOM also changed bagit.txt's checksum
			return b
		}},
		{name: "bagit.txt with a BOM, tag manifest remade", exit: 1, problems: KindBagItBOM, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["bagit.txt"] = append([]byte("\ufeff"), b["bagit.txt"]...)
			b.retag("sha512")
			return b
		}},
		{name: "space before the colon in bagit.txt", exit: 1, problems: KindBagItTxt, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["bagit.txt"] = []byte("BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n")
			b.retag("sha512")
			return b
		}},
		{name: "unknown BagIt version", exit: 1, problems: KindVersion, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["bagit.txt"] = []byte("BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n")
			b.retag("sha512")
			return b
		}},
		{name: "unknown encoding", exit: 1, problems: KindEncoding, bag: func() fbag {
			b := fixtureBag("0.97", payloadOf(), "md5")
			b["bagit.txt"] = []byte("BagIt-Version: 0.97\nTag-File-Character-Encoding: KLINGON-8\n")
			b.retag("md5")
			return b
		}},
		{name: "bag-info.txt not in its encoding", exit: 1, problems: KindEncoding + " " + KindMismatch, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["bag-info.txt"] = []byte("Source-Organization: Mus\xe9e\n")
			return b
		}},
		{name: "manifest paths written ./data/x", warnings: WarnPathNotNormal, bag: func() fbag {
			b := fixtureBag("0.97", payloadOf(), "md5")
			b["manifest-md5.txt"] = []byte(strings.ReplaceAll(string(b["manifest-md5.txt"]), "  data/", "  ./data/"))
			b.retag("md5")
			return b
		}},
		{name: "manifest path escaping the bag", exit: 1, problems: KindUnlisted + " " + KindUnsafeInList, bag: func() fbag {
			b := fixtureBag("0.97", payloadOf(), "md5")
			b["manifest-md5.txt"] = []byte(strings.Replace(string(b["manifest-md5.txt"]), "  data/letter.txt", "  data/../../letter.txt", 1))
			b.retag("md5")
			return b
		}},
		{name: "complete fetch bag", bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["fetch.txt"] = []byte("https://archive.example.org/bags/scans/recto%2001.tif 46 data/scans/recto 01.tif\nhttps://archive.example.org/bags/mets.xml - data/metadata/mets.xml\n")
			b.retag("sha512")
			return b
		}},
		{name: "fetch bag not yet fetched", exit: 1, problems: KindFetchMissing + " " + KindOxum, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["fetch.txt"] = []byte("https://archive.example.org/bags/big.tif 1048576 data/scans/big.tif\n")
			b["manifest-sha512.txt"] = append(b["manifest-sha512.txt"], []byte(sha512s("big")+"  data/scans/big.tif\n")...)
			b["bag-info.txt"] = []byte("Payload-Oxum: 1048576.6\n")
			b.retag("sha512")
			return b
		}},
		{name: "fetch length wrong", exit: 1, problems: KindFetchSize, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["fetch.txt"] = []byte("https://archive.example.org/bags/mets.xml 99 data/metadata/mets.xml\n")
			b.retag("sha512")
			return b
		}},
		{name: "fetch path escaping the bag", exit: 1, problems: KindUnsafeInList, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["fetch.txt"] = []byte("https://archive.example.org/evil 5 ../../.bashrc\n")
			b.retag("sha512")
			return b
		}},
		{name: "fetch line malformed", exit: 1, problems: KindFetch + " " + KindFetch, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["fetch.txt"] = []byte("data/metadata/mets.xml\nnot-a-url 8 data/metadata/mets.xml\n")
			b.retag("sha512")
			return b
		}},
		{name: "UTF-16 tag files", encoding: "UTF-16", warnings: WarnEncoding, bag: func() fbag {
			b := fixtureBag("0.97", payloadOf(), "md5")
			b["bagit.txt"] = []byte("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-16\n")
			for _, n := range []string{"bag-info.txt", "manifest-md5.txt"} {
				b[n] = utf16With(b[n], true, true)
			}
			b.retag("md5")
			b["tagmanifest-md5.txt"] = utf16With(b["tagmanifest-md5.txt"], true, false)
			return b
		}},
		{name: "UTF-16LE tag files without BOM", encoding: "UTF-16LE", warnings: WarnEncoding, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha256")
			b["bagit.txt"] = []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-16LE\n")
			b["manifest-sha256.txt"] = utf16With(b["manifest-sha256.txt"], false, true)
			b["bag-info.txt"] = utf16With(b["bag-info.txt"], false, true)
			b.retag("sha256")
			b["tagmanifest-sha256.txt"] = utf16With(b["tagmanifest-sha256.txt"], false, true)
			return b
		}},
		{name: "ISO-8859-1 tag files", encoding: "ISO-8859-1", warnings: WarnEncoding, bag: func() fbag {
			p := payloadOf()
			p["data/Musée/carte postale.txt"] = "Souvenir de Honfleur"
			b := fixtureBag("0.97", p, "md5")
			b["bagit.txt"] = []byte("BagIt-Version: 0.97\nTag-File-Character-Encoding: ISO-8859-1\n")
			b["bag-info.txt"] = []byte("Source-Organization: Musée du Port\nPayload-Oxum: " + Oxum(int64(len(payloadSize(p))), len(p)) + "\n")
			for _, n := range []string{"bag-info.txt", "manifest-md5.txt"} {
				l, err := charmap.ISO8859_1.NewEncoder().Bytes(b[n])
				if err != nil {
					panic(err)
				}
				b[n] = l
			}
			b.retag("md5")
			return b
		}},
		{name: "UTF-8 BOM in a manifest", warnings: WarnBOM, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["manifest-sha512.txt"] = append([]byte("\ufeff"), b["manifest-sha512.txt"]...)
			b.retag("sha512")
			return b
		}},
		{name: "0.97 file listed twice with the same digest", warnings: WarnDuplicate, bag: func() fbag {
			b := fixtureBag("0.97", payloadOf(), "md5")
			b["manifest-md5.txt"] = append(b["manifest-md5.txt"], []byte(md5s(payloadOf()["data/letter.txt"])+"  data/letter.txt\n")...)
			b.retag("md5")
			return b
		}},
		{name: "1.0 file listed twice with the same digest", exit: 1, problems: KindDuplicate, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "md5")
			b["manifest-md5.txt"] = append(b["manifest-md5.txt"], []byte(md5s(payloadOf()["data/letter.txt"])+"  data/letter.txt\n")...)
			b.retag("md5")
			return b
		}},
		{name: "file listed twice with two digests", exit: 1, problems: KindDuplicate, bag: func() fbag {
			b := fixtureBag("0.97", payloadOf(), "md5")
			b["manifest-md5.txt"] = append(b["manifest-md5.txt"], []byte(md5s("other")+"  data/letter.txt\n")...)
			b.retag("md5")
			return b
		}},
		{name: "0.97 names differing only in case", warnings: WarnCaseClash, bag: func() fbag {
			p := payloadOf()
			p["data/README.txt"] = "upper"
			p["data/Readme.txt"] = "mixed"
			return fixtureBag("0.97", p, "md5")
		}},
		{name: "name listed in NFD, stored in NFC", warnings: WarnNormalization, bag: func() fbag {
			p := payloadOf()
			p["data/caf\u00e9.txt"] = "precomposed on disk"
			b := fixtureBag("0.97", p, "md5")
			b["manifest-md5.txt"] = []byte(strings.Replace(string(b["manifest-md5.txt"]), "caf\u00e9", "cafe\u0301", 1))
			b.retag("md5")
			return b
		}},
		{name: "same name listed twice in two normalization forms", warnings: WarnNormalization + " " + WarnNormalization, bag: func() fbag {
			p := payloadOf()
			p["data/caf\u00e9.txt"] = "precomposed on disk"
			b := fixtureBag("0.97", p, "md5")
			b["manifest-md5.txt"] = append(b["manifest-md5.txt"], []byte(md5s("precomposed on disk")+"  data/cafe\u0301.txt\n")...)
			b.retag("md5")
			return b
		}},
		{name: "0.96 payload manifest lists tag files", bag: func() fbag {
			b := fixtureBag("0.96", payloadOf(), "md5")
			b["manifest-md5.txt"] = append(b["manifest-md5.txt"], []byte(md5s(string(b["bagit.txt"]))+"  bagit.txt\n"+md5s(string(b["bag-info.txt"]))+"  bag-info.txt\n")...)
			b.retag("md5")
			return b
		}},
		{name: "0.97 payload manifest lists a tag file", warnings: WarnTagInPayload, bag: func() fbag {
			b := fixtureBag("0.97", payloadOf(), "md5")
			b["manifest-md5.txt"] = append(b["manifest-md5.txt"], []byte(md5s(string(b["bagit.txt"]))+"  bagit.txt\n")...)
			b.retag("md5")
			return b
		}},
		{name: "hidden and system files in the payload", bag: func() fbag {
			p := payloadOf()
			p["data/.DS_Store"] = "\x00\x00\x00\x01Bud1"
			p["data/scans/Thumbs.db"] = "\xd0\xcf\x11\xe0 thumbnails"
			p["data/scans/._recto 01.tif"] = "\x00\x05\x16\x07 AppleDouble"
			p["data/.hidden/notes.txt"] = "kept"
			return fixtureBag("1.0", p, "sha512")
		}},
		{name: "hidden file added after bagging", exit: 1, problems: KindOxum + " " + KindUnlisted, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["data/.DS_Store"] = []byte("\x00\x00\x00\x01Bud1")
			return b
		}},
		{name: "space before the colon in bag-info.txt", warnings: WarnLabelSpace, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["bag-info.txt"] = []byte(strings.Replace(string(b["bag-info.txt"]), "Bagging-Date:", "Bagging-Date :", 1))
			b.retag("sha512")
			return b
		}},
		{name: "Payload-Oxum malformed", exit: 1, problems: KindOxum, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["bag-info.txt"] = []byte("Payload-Oxum: lots\n")
			b.retag("sha512")
			return b
		}},
		{name: "checksum mismatch", exit: 1, problems: KindMismatch, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			b["data/letter.txt"][5] ^= 0x20
			return b
		}},
		{name: "payload file missing", exit: 1, problems: KindMissing + " " + KindOxum, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			delete(b, "data/metadata/mets.xml")
			return b
		}},
		{name: "empty payload", bag: func() fbag { return fixtureBag("1.0", map[string]string{}, "sha512") }},
		{name: "no data folder", exit: 1, problems: KindNoPayloadDir, bag: func() fbag {
			b := fixtureBag("1.0", map[string]string{}, "sha512")
			b[noData] = nil
			return b
		}},
		{name: "no payload manifest", exit: 1, problems: KindNoManifest, bag: func() fbag {
			b := fixtureBag("1.0", payloadOf(), "sha512")
			delete(b, "manifest-sha512.txt")
			b.retag("sha512")
			return b
		}},
	}
}

// payloadSize returns the concatenated payload (for its length).
func payloadSize(p map[string]string) string {
	var b strings.Builder
	for _, c := range p {
		b.WriteString(c)
	}
	return b.String()
}

// TestConformanceBags verifies every fixture in every form: the verdict
// other validators give, the same problems and warnings whatever the form,
// warnings failing with Strict, and (when python3 is here) the same
// verdict from testdata/checkbag.py --verdict, an independent reader.
func TestConformanceBags(t *testing.T) {
	py := pythonOrSkip(t, false)
	dir := t.TempDir()
	wantExit := map[string]int{} // path -> verdict, for the independent reader
	for i, tc := range conformanceCases() {
		t.Run(tc.name, func(t *testing.T) {
			name := fmt.Sprintf("bag-%02d", i)
			forms := tc.bag().writeForms(t, filepath.Join(dir, name), name)
			var first *Report
			for _, form := range []string{"folder", "zip", "tar", "tar.gz"} {
				rep, err := Verify(context.Background(), forms[form], VerifyOptions{})
				if got := exitOf(rep, err); got != tc.exit {
					t.Fatalf("%s: verdict %d, want %d (err %v)\nproblems %+v\nwarnings %+v", form, got, tc.exit, err, rep.Problems, rep.Warnings)
				}
				if rep.Serialization != form {
					t.Errorf("%s: serialization %q", form, rep.Serialization)
				}
				if got := kindsOf(rep.Problems); got != sortedWords(tc.problems) {
					t.Errorf("%s: problems %q, want %q: %+v", form, got, tc.problems, rep.Problems)
				}
				if got := kindsOf(rep.Warnings); got != sortedWords(tc.warnings) {
					t.Errorf("%s: warnings %q, want %q: %+v", form, got, tc.warnings, rep.Warnings)
				}
				for _, w := range rep.Warnings {
					if w.Kind != WarnCaseClash && w.Kind != WarnNoBagInfo && (w.Manifest == "" || !strings.HasPrefix(w.Message, w.Manifest)) {
						t.Errorf("%s: warning does not start with its file: %+v", form, w)
					}
				}
				if tc.encoding != "" && rep.Encoding != tc.encoding {
					t.Errorf("%s: encoding %q, want %q", form, rep.Encoding, tc.encoding)
				}
				if first == nil {
					first = rep
					continue
				}
				if fmt.Sprint(rep.Problems) != fmt.Sprint(first.Problems) || fmt.Sprint(rep.Warnings) != fmt.Sprint(first.Warnings) {
					t.Errorf("%s and folder differ:\n%+v %+v\n%+v %+v", form, rep.Problems, rep.Warnings, first.Problems, first.Warnings)
				}
				if rep.Files != first.Files || rep.Bytes != first.Bytes {
					t.Errorf("%s: %d files %d bytes, folder %d files %d bytes", form, rep.Files, rep.Bytes, first.Files, first.Bytes)
				}
			}
			// --strict: warnings make the bag fail.
			rep, err := Verify(context.Background(), forms["zip"], VerifyOptions{Strict: true})
			want := tc.exit
			if tc.warnings != "" {
				want = 1
			}
			if got := exitOf(rep, err); got != want {
				t.Errorf("strict: verdict %d, want %d", got, want)
			}
			wantExit[forms["folder"]] = tc.exit
			wantExit[forms["zip"]] = tc.exit
			wantExit[forms["tar.gz"]] = tc.exit
		})
	}
	// The independent reader gives every fixture the same verdict.
	if py == "" {
		return
	}
	args := append([]string{"testdata/checkbag.py", "--verdict"}, sortedKeys(wantExit)...)
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("checkbag.py --verdict: %v\n%s", err, out)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			t.Fatalf("checkbag.py --verdict printed %q", line)
		}
		want, ok := wantExit[f[0]]
		if !ok {
			t.Fatalf("checkbag.py --verdict judged %q, which was not asked", f[0])
		}
		n++
		if f[1] != fmt.Sprint(want) {
			t.Errorf("checkbag.py --verdict %s: %s, vitrine says %d (%s)", f[0], f[1], want, f[2])
		}
	}
	if n != len(wantExit) {
		t.Errorf("checkbag.py judged %d bags of %d", n, len(wantExit))
	}
}

// pythonOrSkip returns the path of python3, or skips the test (fails with
// CI set) when it is absent; with optional it returns "" instead of
// skipping.
func pythonOrSkip(t *testing.T, required bool) string {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is needed for the independent bag check")
		}
		if required {
			t.Skip("python3 not found: independent bag check skipped")
		}
		t.Log("python3 not found: the independent verdicts are not checked")
		return ""
	}
	return py
}

// TestBuiltBagsPassTheirProfiles: the bags `build` writes name a profile
// shipped with vitrine, and pass it, by URI and by short name; a BTR bag
// fails the APTrust profile for the reasons APTrust would refuse it.
func TestBuiltBagsPassTheirProfiles(t *testing.T) {
	if got := strings.Join(KnownProfiles(), " "); got != BTRProfileURI+" "+APTrustProfileURI {
		t.Fatalf("shipped profiles %s; build writes %s and %s", got, BTRProfileURI, APTrustProfileURI)
	}
	btr := buildBag(t, Options{Profile: ProfileBTR})
	apt := buildBag(t, Options{Profile: ProfileAPTrust})
	for _, tc := range []struct {
		bag, ref string
	}{
		{btr, BTRProfileURI}, {btr, "btr"}, {apt, APTrustProfileURI}, {apt, "aptrust"},
	} {
		prof, err := LoadProfile(tc.ref)
		if err != nil {
			t.Fatal(err)
		}
		rep := mustVerify(t, tc.bag, VerifyOptions{Profile: prof, Strict: true})
		if !rep.Valid || rep.Profile != prof.Identifier() {
			t.Errorf("%s against %s: %+v %+v", filepath.Base(tc.bag), tc.ref, rep.Problems, rep.Warnings)
		}
	}
	prof, _ := LoadProfile("aptrust")
	rep := mustVerify(t, btr, VerifyOptions{Profile: prof})
	want := sortedWords(strings.Join([]string{KindProfileSerialization, KindProfileManifest, KindProfileTagManifest, KindProfileTagFile}, " "))
	if got := kindsOf(rep.Problems); rep.Valid || got != want {
		t.Errorf("BTR ZIP against APTrust: %q, want %q\n%+v", got, want, rep.Problems)
	}
	if got := kindsOf(rep.Warnings); got != WarnProfileID {
		t.Errorf("BTR ZIP against APTrust: warnings %q", got)
	}
}

// TestProfileRules breaks each rule of a profile once.
func TestProfileRules(t *testing.T) {
	profile := `{
	  "BagIt-Profile-Info": {"BagIt-Profile-Identifier": "https://example.org/profiles/harbour-v1.json",
	    "Source-Organization": "Harbour Museum", "External-Description": "deposits", "Version": "1", "BagIt-Profile-Version": "1.4.0"},
	  "Bag-Info": {
	    "Source-Organization": {"required": true, "values": ["Harbour Museum Archive", "Harbour Museum Library"], "repeatable": false},
	    "Contact-Email": {"required": true},
	    "Bagging-Date": {"required": false, "repeatable": false}
	  },
	  "Manifests-Required": ["sha512"],
	  "Manifests-Allowed": ["sha256", "sha512"],
	  "Tag-Manifests-Required": ["sha512"],
	  "Tag-Manifests-Allowed": ["sha512"],
	  "Tag-Files-Required": ["metadata/mets.xml"],
	  "Tag-Files-Allowed": ["metadata/*", "README.txt"],
	  "Payload-Files-Required": ["data/letter.txt", "data/scans/"],
	  "Payload-Files-Allowed": ["data/*.txt", "data/scans/*", "data/metadata/*"],
	  "Allow-Fetch.txt": false,
	  "Serialization": "optional",
	  "Accept-Serialization": ["application/zip", "application/x-tar"],
	  "Accept-BagIt-Version": ["1.0"]
	}`
	pf := filepath.Join(t.TempDir(), "harbour.json")
	os.WriteFile(pf, []byte(profile), 0o644)
	prof, err := LoadProfile(pf)
	if err != nil {
		t.Fatal(err)
	}
	good := func() fbag {
		b := fixtureBag("1.0", payloadOf(), "sha512")
		b["bag-info.txt"] = append(b["bag-info.txt"], []byte("Contact-Email: archive@harbour.example\nBagIt-Profile-Identifier: https://example.org/profiles/harbour-v1.json\n")...)
		b["metadata/mets.xml"] = []byte("<mets/>")
		b.retag("sha512")
		return b
	}
	for _, tc := range []struct {
		name, want, warn string
		n                int // problems expected, when more than one
		edit             func(b fbag)
		forms            []string
	}{
		{name: "conforming", forms: []string{"folder", "zip", "tar"}},
		{name: "tar.gz not accepted", want: KindProfileSerialization, forms: []string{"tar.gz"}},
		{name: "version", want: KindProfileVersion, edit: func(b fbag) {
			b["bagit.txt"] = []byte("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
			b.retag("sha512")
		}},
		{name: "bag-info required missing, value not allowed, repeated", want: KindProfileBagInfo, n: 3, edit: func(b fbag) {
			b["bag-info.txt"] = []byte(strings.NewReplacer("Contact-Email", "Contact-Name", "Harbour Museum Archive", "Elsewhere").Replace(string(b["bag-info.txt"])) + "Bagging-Date: 2024-03-02\n")
			b.retag("sha512")
		}},
		{name: "no profile identifier", want: KindProfileIdentifier, edit: func(b fbag) {
			b["bag-info.txt"] = []byte(strings.Replace(string(b["bag-info.txt"]), "BagIt-Profile-Identifier", "X-Profile", 1))
			b.retag("sha512")
		}},
		{name: "another profile named", warn: WarnProfileID, edit: func(b fbag) {
			b["bag-info.txt"] = []byte(strings.Replace(string(b["bag-info.txt"]), "harbour-v1", "harbour-v0", 1))
			b.retag("sha512")
		}},
		{name: "manifest not allowed", want: KindProfileManifest, edit: func(b fbag) { b.remanifest("md5"); b.retag("sha512") }},
		{name: "required manifest missing", want: KindProfileManifest, edit: func(b fbag) {
			delete(b, "manifest-sha512.txt")
			b.remanifest("sha256")
			b.retag("sha512")
		}},
		{name: "tag manifest missing", want: KindProfileTagManifest, edit: func(b fbag) { delete(b, "tagmanifest-sha512.txt") }},
		{name: "tag manifest not allowed", want: KindProfileTagManifest, edit: func(b fbag) { b.retag("sha512", "md5") }},
		{name: "required tag file missing", want: KindProfileTagFile, edit: func(b fbag) { delete(b, "metadata/mets.xml"); b.retag("sha512") }},
		{name: "tag file not allowed", want: KindProfileTagFile, edit: func(b fbag) { b["notes/x.txt"] = []byte("x"); b.retag("sha512") }},
		{name: "fetch.txt not allowed", want: KindProfileFetch, edit: func(b fbag) {
			b["fetch.txt"] = []byte("https://harbour.example/letter.txt - data/letter.txt\n")
			b.retag("sha512")
		}},
		{name: "payload file not allowed, required missing", want: KindProfilePayload, n: 2, edit: func(b fbag) {
			b["data/photos/x.jpg"] = []byte("jpeg")
			delete(b, "data/letter.txt")
			b.remanifest("sha512")
			b["bag-info.txt"] = []byte(strings.Replace(string(b["bag-info.txt"]), Oxum(int64(len(payloadSize(payloadOf()))), 5), Oxum(int64(len(payloadSize(payloadOf()))-len(payloadOf()["data/letter.txt"])+4), 5), 1))
			b.retag("sha512")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := good()
			if tc.edit != nil {
				tc.edit(b)
			}
			forms := b.writeForms(t, t.TempDir(), "harbour-0001")
			if tc.forms == nil {
				tc.forms = []string{"zip"}
			}
			for _, form := range tc.forms {
				rep := mustVerify(t, forms[form], VerifyOptions{Profile: prof})
				if got := kindsOf(rep.Problems); got != tc.want || kindsOf(rep.Warnings) != tc.warn {
					t.Errorf("%s: problems %q want %q, warnings %q want %q:\n%+v\n%+v", form, got, tc.want, kindsOf(rep.Warnings), tc.warn, rep.Problems, rep.Warnings)
				}
				if tc.n > 0 && len(rep.Problems) != tc.n {
					t.Errorf("%s: %d problems, want %d: %+v", form, len(rep.Problems), tc.n, rep.Problems)
				}
				// Without the profile the bag is valid BagIt.
				if tc.want != "" && !strings.Contains(tc.name, "manifest missing") {
					if plain := mustVerify(t, forms[form], VerifyOptions{}); !plain.Valid {
						t.Errorf("%s without the profile: %+v", form, plain.Problems)
					}
				}
			}
		})
	}
	// Serialization required / forbidden.
	b := good()
	forms := b.writeForms(t, t.TempDir(), "harbour-0002")
	req := *prof
	req.Serialization = "required"
	if rep := mustVerify(t, forms["folder"], VerifyOptions{Profile: &req}); kindsOf(rep.Problems) != KindProfileSerialization {
		t.Errorf("folder against Serialization required: %+v", rep.Problems)
	}
	req.Serialization = "forbidden"
	if rep := mustVerify(t, forms["zip"], VerifyOptions{Profile: &req}); kindsOf(rep.Problems) != KindProfileSerialization {
		t.Errorf("zip against Serialization forbidden: %+v", rep.Problems)
	}
	req.DataEmpty = true
	req.Serialization = "optional"
	if rep := mustVerify(t, forms["zip"], VerifyOptions{Profile: &req}); kindsOf(rep.Problems) != KindProfilePayload {
		t.Errorf("payload against Data-Empty: %+v", rep.Problems)
	}
}

func TestLoadProfileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, json, want string }{
		{"not json", "{", "not a BagIt profile"},
		{"no identifier", `{"Accept-BagIt-Version": ["1.0"]}`, "no BagIt-Profile-Identifier"},
		{"no version", `{"BagIt-Profile-Info": {"BagIt-Profile-Identifier": "x"}}`, "Accept-BagIt-Version"},
		{"bad serialization", `{"BagIt-Profile-Info": {"BagIt-Profile-Identifier": "x"}, "Accept-BagIt-Version": ["1.0"], "Serialization": "sometimes"}`, "not forbidden, required or optional"},
		{"required not allowed", `{"BagIt-Profile-Info": {"BagIt-Profile-Identifier": "x"}, "Accept-BagIt-Version": ["1.0"], "Manifests-Required": ["md5"], "Manifests-Allowed": ["sha512"]}`, "Manifests-Required lists md5"},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
		os.WriteFile(p, []byte(tc.json), 0o644)
		if _, err := LoadProfile(p); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := LoadProfile("https://example.org/unknown-profile.json"); err == nil || !strings.Contains(err.Error(), "does not download") {
		t.Errorf("unknown URL: %v", err)
	}
	if _, err := LoadProfile(filepath.Join(dir, "absent.json")); err == nil {
		t.Error("absent file accepted")
	}
}

// TestFolderDotName: a bag folder verified as "." is named by its folder.
func TestFolderDotName(t *testing.T) {
	forms := fixtureBag("1.0", payloadOf(), "sha512").writeForms(t, t.TempDir(), "harbour-0003")
	t.Chdir(forms["folder"])
	rep := mustVerify(t, ".", VerifyOptions{})
	if !rep.Valid || rep.Name != "harbour-0003" {
		t.Errorf("verify .: name %q valid %v", rep.Name, rep.Valid)
	}
}

func TestTagEncodings(t *testing.T) {
	latin, _ := charmap.ISO8859_1.NewEncoder().String("Musée: café")
	win, _ := charmap.Windows1252.NewEncoder().String("Musée – café")
	for _, tc := range []struct {
		name, canon string
		data        []byte
		want        string
		bom         bool
		err         string
	}{
		{name: "utf-8", canon: "UTF-8", data: []byte("Musée"), want: "Musée"},
		{name: "UTF-8", canon: "UTF-8", data: []byte("\ufeffMusée"), want: "Musée", bom: true},
		{name: "UTF-8", data: []byte("Mus\xe9e"), err: "not valid UTF-8 (byte 3)"},
		{name: "US-ASCII", canon: "US-ASCII", data: []byte("plain"), want: "plain"},
		{name: "UTF-16", canon: "UTF-16", data: utf16With([]byte("Musée"), true, true), want: "Musée", bom: true},
		{name: "UTF-16", canon: "UTF-16", data: utf16With([]byte("Musée"), true, false), want: "Musée", bom: true},
		{name: "utf-16", canon: "UTF-16", data: utf16With([]byte("Musée"), false, false), want: "Musée"},
		{name: "UTF-16LE", canon: "UTF-16LE", data: utf16With([]byte("Musée"), false, true), want: "Musée"},
		{name: "UTF-16", data: []byte{0xff, 0xfe, 'a'}, err: "odd number of bytes"},
		{name: "ISO-8859-1", canon: "ISO-8859-1", data: []byte(latin), want: "Musée: café"},
		{name: "latin1", canon: "ISO-8859-1", data: []byte(latin), want: "Musée: café"},
		{name: "windows-1252", canon: "windows-1252", data: []byte(win), want: "Musée – café"},
		{name: "KLINGON-8", err: "not a character encoding"},
	} {
		te, err := lookupEncoding(tc.name)
		if err != nil {
			if tc.err == "" || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		got, bom, err := te.decode(tc.data)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %q: %v, want %q", tc.name, tc.data, err, tc.err)
			}
		case err != nil || got != tc.want || bom != tc.bom || te.name != tc.canon:
			t.Errorf("%s %q: %q bom %v name %q err %v", tc.name, tc.data, got, bom, te.name, err)
		}
	}
}

// TestAPTrustInfoFields: the APTrust profile's rules for aptrust-info.txt,
// which the profiles format cannot state, are checked too.
func TestAPTrustInfoFields(t *testing.T) {
	prof, err := LoadProfile("aptrust")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, info string }{
		{"good", "Title: Harbour letters\nAccess: Institution\nStorage-Option: Standard\n"},
		{"no title, public access, unknown storage", "Access: Public\nStorage-Option: Tape\n"},
	} {
		b := fixtureBag("1.0", payloadOf(), "md5")
		b["bag-info.txt"] = append(b["bag-info.txt"], []byte("BagIt-Profile-Identifier: "+APTrustProfileURI+"\n")...)
		b["aptrust-info.txt"] = []byte(tc.info)
		b.retag("md5")
		forms := b.writeForms(t, t.TempDir(), "harbour-0004")
		rep := mustVerify(t, forms["tar"], VerifyOptions{Profile: prof})
		switch tc.name {
		case "good":
			if !rep.Valid || len(rep.Warnings) != 0 {
				t.Errorf("%s: %+v %+v", tc.name, rep.Problems, rep.Warnings)
			}
		default:
			if len(rep.Problems) != 3 || kindsOf(rep.Problems) != KindProfileTagFile || !strings.Contains(rep.Problems[0].Message, "aptrust-info.txt: ") {
				t.Errorf("%s: %+v", tc.name, rep.Problems)
			}
		}
	}
}
