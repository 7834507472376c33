package epub

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// need skips the test when a tool is missing, or fails it under CI, where
// nothing may be skipped silently.
func need(t *testing.T, what, how string) {
	t.Helper()
	msg := fmt.Sprintf("%s not found (%s)", what, how)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// repoRoot is the module root, found from this file's folder.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// keep writes a book under VITRINE_KEEP_EPUB (for looking at it) or a
// temporary folder, and returns its path.
func keep(t *testing.T, name string, book []byte) string {
	dir := os.Getenv("VITRINE_KEEP_EPUB")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, book, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// epubcheck runs the real epubcheck (Debian package) on a book and fails the
// test on any fatal error, error or warning.
func epubcheck(t *testing.T, path string) {
	t.Helper()
	jar := os.Getenv("VITRINE_EPUBCHECK")
	if jar == "" {
		jar = "/usr/share/java/epubcheck.jar"
	}
	if _, err := os.Stat(jar); err != nil {
		need(t, "epubcheck", "apt-get install -y epubcheck, or set VITRINE_EPUBCHECK to epubcheck.jar")
	}
	if _, err := exec.LookPath("java"); err != nil {
		need(t, "java", "apt-get install -y epubcheck")
	}
	out, err := exec.Command("java", "-jar", jar, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No errors or warnings detected") {
		t.Errorf("epubcheck %s: %v\n%s", filepath.Base(path), err, out)
	}
}

// ace runs DAISY Ace on a book and fails the test on any violation.
func ace(t *testing.T, path string) {
	t.Helper()
	if fails := aceViolations(t, path); len(fails) > 0 {
		t.Errorf("Ace %s: %d violations:\n%s", filepath.Base(path), len(fails), strings.Join(fails, "\n"))
	}
}

// aceViolations runs DAISY Ace on a book and returns its violations, one
// line each.
func aceViolations(t *testing.T, path string) []string {
	t.Helper()
	cli := os.Getenv("VITRINE_ACE")
	if cli == "" {
		cli = filepath.Join(repoRoot(), ".ci", "ace", "node_modules", ".bin", "ace-cli")
	}
	if _, err := os.Stat(cli); err != nil {
		need(t, "Ace (ace-cli)", "cd .ci/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts, or set VITRINE_ACE")
	}
	chromium := os.Getenv("PUPPETEER_EXECUTABLE_PATH")
	if chromium == "" {
		chromium, _ = exec.LookPath("chromium")
	}
	if chromium == "" {
		need(t, "chromium", "apt-get install -y chromium, or set PUPPETEER_EXECUTABLE_PATH")
	}
	report := t.TempDir()
	cmd := exec.Command(cli, "-s", "-f", "-o", report, path)
	cmd.Env = append(os.Environ(), "PUPPETEER_EXECUTABLE_PATH="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ace %s: %v\n%s", filepath.Base(path), err, out)
	}
	data, err := os.ReadFile(filepath.Join(report, "report.json"))
	if err != nil {
		t.Fatalf("ace wrote no report: %v\n%s", err, out)
	}
	var r aceReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("ace report: %v", err)
	}
	var fails []string
	for _, doc := range r.Assertions {
		for _, a := range doc.Assertions {
			if a.Result.Outcome != "pass" {
				fails = append(fails, fmt.Sprintf("%s: %s [%s] %s", doc.Subject.URL, a.Test.Title, a.Test.Impact, a.Result.Description))
			}
		}
	}
	if r.Result.Outcome != "pass" && len(fails) == 0 {
		fails = append(fails, "outcome "+r.Result.Outcome)
	}
	return fails
}

type aceReport struct {
	Result struct {
		Outcome string `json:"earl:outcome"`
	} `json:"earl:result"`
	Assertions []struct {
		Subject struct {
			URL string `json:"url"`
		} `json:"earl:testSubject"`
		Assertions []struct {
			Test struct {
				Title  string `json:"dct:title"`
				Impact string `json:"earl:impact"`
			} `json:"earl:test"`
			Result struct {
				Outcome     string `json:"earl:outcome"`
				Description string `json:"dct:description"`
			} `json:"earl:result"`
		} `json:"assertions"`
	} `json:"assertions"`
}

// TestValidators checks the fixture's book, in each of its languages, and
// the sample's (when the sample is present) with epubcheck and Ace.
func TestValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("validators are slow; run without -short")
	}
	t.Parallel()
	dir := writeFixture(t)
	books := map[string][]byte{
		"fixture-en.epub": buildBook(t, dir, newExporter(t, Options{})),
		"fixture-ko.epub": buildBook(t, dir, newExporter(t, Options{Lang: "ko", CertifiedBy: "A & B Accessibility"})),
		// Arabic (right to left, its own labels), with a composed cover.
		"fixture-ar.epub": buildBook(t, withYAML(t, "languages: [en, ko]", "languages: [en, ko, ar]",
			`  ko: "톰과 제리 기록 보관소"`, "  ko: \"톰과 제리 기록 보관소\"\n  ar: \"أرشيف توم وجيري\"", `cover: "2"`, ``), newExporter(t, Options{Lang: "ar"})),
		// No image at all and a Korean title: a typographic SVG cover.
		"no-images.epub": buildBook(t, withYAML(t, `cover: "2"`, ``,
			"images:\n      - path: images/one.jpg", "images: []",
			"images:\n      - path: images/two-recto.jpg\n        label: {en: \"Recto\", ko: \"앞면\"}\n      - path: images/two-verso.jpg\n        label: {en: \"Verso\", ko: \"뒷면\"}", "images: []",
			"images:\n      - path: images/three.jpg", "images: []"), newExporter(t, Options{Lang: "ko"})),
	}
	sample := filepath.Join(repoRoot(), "samples", "victory-70")
	if _, err := os.Stat(sample); err == nil {
		books["victory-70.epub"] = buildBook(t, sample, newExporter(t, Options{}))
	} else {
		t.Logf("samples/victory-70 not present; checking the fixture only")
	}
	for _, name := range []string{"fixture-en.epub", "fixture-ko.epub", "fixture-ar.epub", "no-images.epub", "victory-70.epub"} {
		book, ok := books[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			// Books are checked at the same time: each check is mostly a
			// JVM or a browser starting up.
			t.Parallel()
			p := keep(t, name, book)
			t.Run("epubcheck", func(t *testing.T) { epubcheck(t, p) })
			t.Run("ace", func(t *testing.T) { ace(t, p) })
		})
	}
}

// TestAceSeesViolations makes sure the Ace check can fail: a copy of the
// book without alt text and without accessMode must be reported.
func TestAceSeesViolations(t *testing.T) {
	if testing.Short() {
		t.Skip("validators are slow; run without -short")
	}
	t.Parallel()
	book := buildBook(t, writeFixture(t), newExporter(t, Options{}))
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		switch f.Name {
		case "EPUB/xhtml/plate-001.xhtml":
			data = regexp.MustCompile(` alt="[^"]*"`).ReplaceAll(data, nil)
		case "EPUB/package.opf":
			data = regexp.MustCompile(`<meta property="schema:accessMode">[^<]*</meta>`).ReplaceAll(data, nil)
		}
		h := f.FileHeader
		w, err := zw.CreateHeader(&h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	fails := aceViolations(t, keep(t, "broken.epub", buf.Bytes()))
	joined := strings.Join(fails, "\n")
	if !strings.Contains(joined, "image-alt") || !strings.Contains(joined, "metadata-accessmode") {
		t.Errorf("Ace did not report the missing alt text and accessMode; it reported:\n%s", joined)
	}
}
