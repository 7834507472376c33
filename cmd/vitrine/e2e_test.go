package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/cmd/vitrine/serve"
)

// End-to-end tests: outputs served by the real `vitrine serve` handler and
// opened in headless Chromium by real IIIF viewers (Mirador, tify,
// OpenSeadragon, Universal Viewer) and a real EPUB reading engine (epub.js), driven by
// .ci/e2e/run.mjs. They need node, Chromium and the harness installed
// (.ci/e2e/setup.sh); without them they skip, unless CI is set.
//
// Screenshots go to $VITRINE_E2E_SCREENS/<test> when it is set, otherwise
// to a temporary folder named in the test log.

// harnessDir returns the harness folder, or skips (fails under CI) when
// anything it needs is missing.
func harnessDir(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end browser test skipped in -short mode")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", ".ci", "e2e"))
	if err != nil {
		t.Fatal(err)
	}
	missing := func(what string) {
		msg := "end-to-end browser test needs " + what + " (run .ci/e2e/setup.sh; apt-get install chromium)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("Chromium at " + chromium)
	}
	for _, f := range []string{"node_modules/playwright-core/package.json", "vendor/mirador-4.0.0.min.js", "vendor/universalviewer-4.4.0/umd/UV.js"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			missing(filepath.Join(dir, f))
		}
	}
	return dir
}

func screensDir(t *testing.T) string {
	t.Helper()
	name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	if d := os.Getenv("VITRINE_E2E_SCREENS"); d != "" {
		d, _ = filepath.Abs(filepath.Join(d, name))
		os.RemoveAll(d)
		return d
	}
	return filepath.Join(t.TempDir(), "screens")
}

// host is a loopback listener whose address is known before OUT is built,
// so that the build's --base-url is the address served.
type host struct {
	l    net.Listener
	base string
}

func newHost(t *testing.T) *host {
	t.Helper()
	l, err := serve.Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return &host{l: l, base: serve.URL(l)}
}

// serveOut serves out on h with the real handler, wrapped by wrap when not
// nil (to break the host on purpose), until the test ends.
func (h *host) serveOut(t *testing.T, out string, wrap func(http.Handler) http.Handler) {
	t.Helper()
	hd, err := serve.New(out)
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler = hd
	if wrap != nil {
		handler = wrap(hd)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve.Serve(ctx, h.l, handler) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
		hd.Close()
	})
}

// runHarness runs run.mjs with args and returns its output and whether it
// reported success.
func runHarness(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	// Generous: on a loaded machine a run of the book cases alone took 5 minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Join(dir, "run.mjs")}, args...)...)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running the harness: %v\n%s", err, b)
	}
	if ee != nil && ee.ExitCode() == 2 {
		t.Fatalf("harness usage error:\n%s", b)
	}
	return string(b), err == nil
}

// TestE2EFixture checks the harness on a hand-written, correct output: every
// viewer must show it without an error.
func TestE2EFixture(t *testing.T) {
	t.Parallel()
	dir := harnessDir(t)
	h := newHost(t)
	out := writeFixture(t, h.base)
	h.serveOut(t, out, nil)
	screens := screensDir(t)
	log, ok := runHarness(t, dir, "--screens", screens,
		"--manifest", h.base+"iiif/fixture/manifest.json",
		"--epub", h.base+"epub/fixture.epub",
		"--index", h.base+"fixture/", "--plates", "2")
	t.Logf("harness output (screenshots in %s):\n%s", screens, log)
	if !ok {
		t.Fatal("the viewers failed on a correct output")
	}
}

// TestE2EFixtureBroken proves that the end-to-end checks can fail: each
// variant breaks the correct output in one way a real host or exporter
// could, and the viewer that notices must report it. The variants are
// served side by side and checked in one run of the harness.
func TestE2EFixtureBroken(t *testing.T) {
	t.Parallel()
	dir := harnessDir(t)
	variants := []struct {
		name   string
		viewer string
		break_ func(t *testing.T, out string)
		wrap   func(http.Handler) http.Handler
		want   string // a fragment the harness must report
	}{
		{
			name: "missing-edge-tile", viewer: "osd",
			break_: func(t *testing.T, out string) {
				// The bottom-right tile at full resolution of the 1100x700 image.
				rm(t, out, "iiif/fixture/images/p1/1024,512,76,188/76,188/0/default.jpg")
			},
			want: "HTTP 404",
		},
		{
			name: "wrong-canvas-size", viewer: "mirador",
			break_: func(t *testing.T, out string) {
				// The canvas is taller than its image: the viewer shows the
				// image smaller than the canvas it fits to the screen.
				edit(t, out, "iiif/fixture/manifest.json", `"height": 700,`, `"height": 1729,`)
			},
			want: "first plate not rendered",
		},
		{
			name: "no-cors", viewer: "osd",
			wrap: func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					next.ServeHTTP(noCORS{w}, r)
				})
			},
			want: "info.json",
		},
		{
			name: "listed-size-missing", viewer: "tify",
			break_: func(t *testing.T, out string) {
				rm(t, out, "iiif/fixture/images/p2/full/150,225/0/default.jpg")
			},
			want: "full/150,225/0/default.jpg",
		},
		{
			name: "epub-image-missing", viewer: "epub",
			break_: func(t *testing.T, out string) {
				zipDrop(t, filepath.Join(out, "epub", "fixture.epub"), "OEBPS/images/p1.jpg")
			},
			want: "p1.jpg",
		},
		{
			// No "sizes" in the info.json and no canvas thumbnails: a
			// viewer must guess a size, which a level-0 service lacks.
			name: "no-sizes-no-thumbnails", viewer: "tify",
			break_: func(t *testing.T, out string) {
				for _, p := range []string{"p1", "p2"} {
					editJSON(t, out, "iiif/fixture/images/"+p+"/info.json", func(m map[string]any) { delete(m, "sizes") })
				}
				editJSON(t, out, "iiif/fixture/manifest.json", func(m map[string]any) {
					for _, c := range m["items"].([]any) {
						delete(c.(map[string]any), "thumbnail")
					}
				})
			},
			// tify's guess, refused: a 404 from another origin shows as
			// a blocked request.
			want: "full/96,/0/default.jpg",
		},
		{
			// Universal Viewer's gallery asks for every canvas 200 pixels
			// wide, listed or not.
			name: "uv-gallery-width-missing", viewer: "uv",
			break_: func(t *testing.T, out string) {
				rm(t, out, "iiif/fixture/images/p1/full/200,/0/default.jpg")
			},
			want: "full/200,/0/default.jpg",
		},
		{
			// Its "whole image" download asks for the full width as "w,"
			// (of the second canvas, where the case downloads).
			name: "uv-download-missing", viewer: "uv",
			break_: func(t *testing.T, out string) {
				rm(t, out, "iiif/fixture/images/p2/full/600,/0/default.jpg")
			},
			want: "full/600,/0/default.jpg",
		},
		{
			name: "index-thumbnail-missing", viewer: "index",
			break_: func(t *testing.T, out string) {
				rm(t, out, "iiif/fixture/images/p1/full/138,88/0/default.jpg")
			},
			want: "full/138,88/0/default.jpg",
		},
	}
	args := []string{"--screens", screensDir(t)}
	for _, v := range variants {
		h := newHost(t)
		out := writeFixture(t, h.base)
		if v.break_ != nil {
			v.break_(t, out)
		}
		h.serveOut(t, out, v.wrap)
		u := h.base + "iiif/fixture/manifest.json"
		switch v.viewer {
		case "epub":
			u = h.base + "epub/fixture.epub"
		case "index":
			u = h.base + "fixture/"
		}
		args = append(args, "--case", v.name+":"+v.viewer+":"+u)
	}
	log, ok := runHarness(t, dir, args...)
	t.Logf("harness output:\n%s", log)
	if ok {
		t.Fatal("the harness passed broken outputs")
	}
	for _, v := range variants {
		res, found := harnessResult(t, args[1], v.name+"-"+v.viewer)
		switch {
		case !found:
			t.Errorf("%s: no result", v.name)
		case res.OK:
			t.Errorf("%s: the harness passed a broken output", v.name)
		case !strings.Contains(strings.Join(res.Problems, "\n"), v.want):
			t.Errorf("%s: the harness failed, but without %q:\n%s", v.name, v.want, strings.Join(res.Problems, "\n"))
		}
	}
}

// caseResult is one case of the harness's summary.json.
type caseResult struct {
	Name     string   `json:"name"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

func harnessResult(t *testing.T, screens, name string) (caseResult, bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(screens, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rs []caseResult
	if err := json.Unmarshal(b, &rs); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == name {
			return r, true
		}
	}
	return caseResult{}, false
}

// noCORS drops the CORS headers the handler sets.
type noCORS struct{ http.ResponseWriter }

func (w noCORS) WriteHeader(code int) {
	w.Header().Del("Access-Control-Allow-Origin")
	w.ResponseWriter.WriteHeader(code)
}

func (w noCORS) Write(b []byte) (int, error) {
	w.Header().Del("Access-Control-Allow-Origin")
	return w.ResponseWriter.Write(b)
}

func rm(t *testing.T, out, rel string) {
	t.Helper()
	if err := os.Remove(filepath.Join(out, filepath.FromSlash(rel))); err != nil {
		t.Fatal(err)
	}
}

func edit(t *testing.T, out, rel, old, new string) {
	t.Helper()
	p := filepath.Join(out, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", rel, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// zipDrop rewrites the zip file at p without the entry name.
func zipDrop(t *testing.T, p, name string) {
	t.Helper()
	r, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	found := false
	for _, f := range r.File {
		if f.Name == name {
			found = true
			continue
		}
		if err := w.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	if !found {
		t.Fatalf("%s has no %s", p, name)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editJSON rewrites the JSON object in the file rel of out with fn.
func editJSON(t *testing.T, out, rel string, fn func(map[string]any)) {
	t.Helper()
	p := filepath.Join(out, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
