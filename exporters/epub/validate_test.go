package epub

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
				fails = append(fails, fmt.Sprintf("%s: %s [%s] %s", doc.Subject, a.Test.Title, a.Test.Impact, a.Result.Description))
			}
		}
	}
	if len(fails) > 0 || r.Result.Outcome != "pass" {
		t.Errorf("Ace %s: outcome %q, %d violations:\n%s", filepath.Base(path), r.Result.Outcome, len(fails), strings.Join(fails, "\n"))
	}
}

type aceReport struct {
	Result struct {
		Outcome string `json:"earl:outcome"`
	} `json:"earl:result"`
	Assertions []struct {
		Subject    string `json:"earl:testSubject.url"`
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
	dir := writeFixture(t)
	books := map[string][]byte{
		"fixture-en.epub": buildBook(t, dir, New()),
		"fixture-ko.epub": buildBook(t, dir, &Exporter{Lang: "ko"}),
	}
	sample := filepath.Join(repoRoot(), "samples", "victory-70")
	if _, err := os.Stat(sample); err == nil {
		books["victory-70.epub"] = buildBook(t, sample, New())
	} else {
		t.Logf("samples/victory-70 not present; checking the fixture only")
	}
	for _, name := range []string{"fixture-en.epub", "fixture-ko.epub", "victory-70.epub"} {
		book, ok := books[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			p := keep(t, name, book)
			t.Run("epubcheck", func(t *testing.T) { epubcheck(t, p) })
			t.Run("ace", func(t *testing.T) { ace(t, p) })
		})
	}
}
