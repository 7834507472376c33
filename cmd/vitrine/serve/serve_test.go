package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixture makes a folder holding OUT and, beside it, a secret that must
// never be served.
func fixture(t *testing.T) (out, secret string) {
	t.Helper()
	top := t.TempDir()
	out = filepath.Join(top, "out")
	secret = filepath.Join(top, "secret")
	files := map[string]string{
		"out/index.html":                                 "<!doctype html><title>x</title>",
		"out/iiif/demo/manifest.json":                    `{"id":"http://127.0.0.1:8080/iiif/demo/manifest.json"}`,
		"out/iiif/collection.json":                       `{}`,
		"out/iiif/demo/images/p1/info.json":              `{}`,
		"out/iiif/demo/images/p1/full/max/0/default.jpg": "\xff\xd8\xff\xe0 0123456789",
		"out/epub/demo.epub":                             "PK epub",
		"out/bags/demo.zip":                              "PK bag",
		"out/demo/index.html":                            "<!doctype html><title>demo</title>",
		"out/notes.json":                                 `{}`,
		"out/.vitrine-staging-abc/iiif/x.json":           `{}`,
		"secret/passwd":                                  "SECRET",
	}
	for name, body := range files {
		p := filepath.Join(top, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link that stays inside OUT, and links that point out of it.
	if err := os.Symlink("iiif/demo/manifest.json", filepath.Join(out, "inside.json")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(filepath.Join(secret, "passwd"), filepath.Join(out, "abs.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret", filepath.Join(out, "up")); err != nil {
		t.Fatal(err)
	}
	return out, secret
}

func newHandler(t *testing.T, dir string) *Handler {
	t.Helper()
	h, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func get(h http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/", nil)
	// Set the path by hand: NewRequest would not keep "..", and a real
	// client or proxy may send anything.
	r.RequestURI = target
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	r.URL = u
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestContentTypes(t *testing.T) {
	out, _ := fixture(t)
	// IIIF JSON of version 2 (--iiif-version 2), and look-alikes.
	for name, body := range map[string]string{
		"iiif/v2/manifest.json":       `{"@context": "http://iiif.io/api/presentation/2/context.json", "@id": "http://127.0.0.1:8080/iiif/v2/manifest.json"}`,
		"iiif/v2/images/p1/info.json": `{"@context": "http://iiif.io/api/image/2/context.json", "profile": ["http://iiif.io/api/image/2/level0.json"]}`,
		"iiif/v2/late.json":           `{"label": {"@value": "x", "a": [1, {"b": null}]}, "@context": ["http://www.w3.org/ns/anno.jsonld", "http://iiif.io/api/presentation/2/context.json"]}`,
		"iiif/v2/images/p2/info.json": `{"@context": "http://iiif.io/api/presentation/2/context.json"}`,
		"iiif/v3/info.json":           `{"@context": "http://iiif.io/api/image/3/context.json", "x": "http://iiif.io/api/image/2/context.json"}`,
		"iiif/broken.json":            `{"@context": `,
	} {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newHandler(t, out)
	for _, tc := range []struct{ path, want string }{
		{"/iiif/demo/manifest.json", `application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"`},
		{"/iiif/collection.json", `application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"`},
		{"/iiif/demo/images/p1/info.json", `application/ld+json;profile="http://iiif.io/api/image/3/context.json"`},
		{"/iiif/demo/images/p1/full/max/0/default.jpg", "image/jpeg"},
		{"/epub/demo.epub", "application/epub+zip"},
		{"/bags/demo.zip", "application/zip"},
		{"/", "text/html; charset=utf-8"},
		{"/demo/", "text/html; charset=utf-8"},
		{"/notes.json", "application/json"},
		// --iiif-version 2: version 2's profiles, found from the @context
		{"/iiif/v2/manifest.json", `application/ld+json;profile="http://iiif.io/api/presentation/2/context.json"`},
		{"/iiif/v2/images/p1/info.json", `application/ld+json;profile="http://iiif.io/api/image/2/context.json"`},
		{"/iiif/v2/late.json", `application/ld+json;profile="http://iiif.io/api/presentation/2/context.json"`},
		// an info.json with a Presentation context is not an Image API 2 document
		{"/iiif/v2/images/p2/info.json", `application/ld+json;profile="http://iiif.io/api/image/3/context.json"`},
		{"/iiif/v3/info.json", `application/ld+json;profile="http://iiif.io/api/image/3/context.json"`},
		{"/iiif/broken.json", `application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"`},
	} {
		w := get(h, tc.path)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", tc.path, w.Code)
			continue
		}
		if got := w.Header().Get("Content-Type"); got != tc.want {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.want)
		}
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", tc.path, got)
		}
		if want, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(strings.TrimSuffix(tc.path, "/")))); strings.HasSuffix(tc.path, ".json") && w.Body.String() != string(want) {
			t.Errorf("GET %s: body %q, want the file %q", tc.path, w.Body.String(), want)
		}
	}
}

func TestCORS(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	for _, p := range []string{"/iiif/demo/manifest.json", "/iiif/demo/images/p1/info.json", "/iiif/demo/images/p1/full/max/0/default.jpg", "/epub/demo.epub", "/missing.json"} {
		w := get(h, p, "Origin", "http://127.0.0.1:9999")
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q, want *", p, got)
		}
	}
	r := httptest.NewRequest(http.MethodOptions, "/iiif/demo/manifest.json", nil)
	r.Header.Set("Origin", "http://127.0.0.1:9999")
	r.Header.Set("Access-Control-Request-Method", "GET")
	r.Header.Set("Access-Control-Request-Headers", "range")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "Range") {
		t.Errorf("preflight: %d %v", w.Code, w.Header())
	}
	r = httptest.NewRequest(http.MethodPost, "/iiif/demo/manifest.json", nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", w.Code)
	}
}

func TestValidators(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	const p = "/iiif/demo/manifest.json"
	w := get(h, p)
	etag, lm := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || lm == "" {
		t.Fatalf("ETag %q, Last-Modified %q: want both", etag, lm)
	}
	if w2 := get(h, p); w2.Header().Get("ETag") != etag {
		t.Errorf("ETag changed between two requests: %q, %q", etag, w2.Header().Get("ETag"))
	}
	if w := get(h, p, "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", w.Code)
	}
	if w := get(h, p, "If-None-Match", `"other"`); w.Code != http.StatusOK {
		t.Errorf("If-None-Match other: status %d, want 200", w.Code)
	}
	if w := get(h, p, "If-Modified-Since", lm); w.Code != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", w.Code)
	}
	// A rebuilt file gets a new ETag.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(out, "iiif/demo/manifest.json"), later, later); err != nil {
		t.Fatal(err)
	}
	if w := get(h, p, "If-None-Match", etag); w.Code != http.StatusOK {
		t.Errorf("If-None-Match after rebuild: status %d, want 200", w.Code)
	}
}

func TestRange(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	const p = "/iiif/demo/images/p1/full/max/0/default.jpg"
	w := get(h, p, "Range", "bytes=5-8")
	if w.Code != http.StatusPartialContent {
		t.Fatalf("Range: status %d, want 206", w.Code)
	}
	if got := w.Body.String(); got != "0123" {
		t.Errorf("Range body %q, want %q", got, "0123")
	}
	if got := w.Header().Get("Content-Range"); got != "bytes 5-8/15" {
		t.Errorf("Content-Range %q", got)
	}
	if got := w.Header().Get("Content-Type"); got != "image/jpeg" {
		t.Errorf("Content-Type of a range %q", got)
	}
	if w := get(h, p, "Range", "bytes=100-200"); w.Code != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("unsatisfiable range: status %d, want 416", w.Code)
	}
	if got := get(h, p).Header().Get("Accept-Ranges"); got != "bytes" {
		t.Errorf("Accept-Ranges %q", got)
	}
}

// traversals are requests that try to read outside OUT or its hidden
// staging folders. Each is checked against the real handler (must refuse)
// and against a naive one that joins the path to OUT (must leak), which
// shows the request really is an attack that the protection stops.
var traversals = []string{
	"/../secret/passwd",
	"/iiif/../../secret/passwd",
	"/%2e%2e/secret/passwd",
	"/iiif/%2E%2E/%2e%2e/secret/passwd",
	"/..%2fsecret/passwd",
	"/abs.txt",
	"/up/passwd",
	"/.vitrine-staging-abc/iiif/x.json",
}

// naive is the handler without its protection: the request path joined to
// OUT and opened, symbolic links followed.
type naive string

func (n naive) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := os.ReadFile(string(n) + "/" + r.URL.Path)
	if err != nil {
		http.Error(w, "no", http.StatusNotFound)
		return
	}
	w.Write(b)
}

func TestTraversalRefused(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	for _, p := range traversals {
		t.Run(p, func(t *testing.T) {
			leaky := get(naive(out), p)
			if leaky.Code != http.StatusOK {
				t.Fatalf("the unprotected handler does not leak %s (status %d): the case tests nothing", p, leaky.Code)
			}
			w := get(h, p)
			if w.Code == http.StatusOK || strings.Contains(w.Body.String(), "SECRET") || strings.Contains(w.Body.String(), "{}") {
				t.Errorf("GET %s: status %d, body %q: served what is outside OUT", p, w.Code, w.Body.String())
			}
		})
	}
	// A link that stays inside OUT is followed.
	if w := get(h, "/inside.json"); w.Code != http.StatusOK {
		t.Errorf("link inside OUT: status %d, want 200", w.Code)
	}
}

// TestTraversalOverTCP sends raw request lines that no client library
// would send, to a real server.
func TestTraversalOverTCP(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	srv := httptest.NewServer(h)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, p := range traversals {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", p, addr)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		body, _ := io.ReadAll(resp.Body)
		c.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "SECRET") {
			t.Errorf("raw GET %s: status %d, body %q", p, resp.StatusCode, body)
		}
	}
}

func TestDirectories(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	if w := get(h, "/demo"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/demo/" {
		t.Errorf("/demo: %d %q, want a redirect to demo/", w.Code, w.Header().Get("Location"))
	}
	// No listings: a folder without index.html is not found.
	if w := get(h, "/iiif/"); w.Code != http.StatusNotFound {
		t.Errorf("/iiif/: status %d, want 404", w.Code)
	}
}

func TestListenLoopbackByDefault(t *testing.T) {
	if !strings.HasPrefix(DefaultAddr, "127.0.0.1:") {
		t.Fatalf("DefaultAddr %q is not on the loopback interface", DefaultAddr)
	}
	if l, err := Listen(":0", false); err == nil {
		l.Close()
		t.Fatal("Listen(\":0\") without all: listens on every interface")
	}
	l, err := Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if ip := l.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		t.Errorf("listening on %v", ip)
	}
	if u := URL(l); !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("URL %q", u)
	}
}

func TestCheckBase(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	var b strings.Builder
	if err := CheckBase(&b, h.FS(), "http://127.0.0.1:8080/"); err != nil {
		t.Errorf("matching base: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := CheckBase(&b, h.FS(), "http://127.0.0.1:9000/"); err == nil || !strings.Contains(b.String(), "--base-url http://127.0.0.1:9000/") {
		t.Errorf("other base: %v\n%s", err, b.String())
	}
}

func TestListingWithoutIndex(t *testing.T) {
	out, _ := fixture(t)
	if err := os.Remove(filepath.Join(out, "index.html")); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, out)
	w := get(h, "/")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `<a href="iiif/demo/manifest.json">IIIF manifest</a>`) ||
		!strings.Contains(w.Body.String(), `<a href="epub/demo.epub">EPUB</a>`) {
		t.Errorf("listing: %d\n%s", w.Code, w.Body.String())
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("listing without CORS")
	}
}
