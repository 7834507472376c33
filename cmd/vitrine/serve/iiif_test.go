package serve

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckBaseV2 reads the base URL of a Presentation 2.1 manifest, whose
// id is "@id": a v2 build served where it was built gets no warning.
func TestCheckBaseV2(t *testing.T) {
	out, _ := fixture(t)
	if err := os.WriteFile(filepath.Join(out, "iiif", "demo", "manifest.json"), []byte(`{"@context":"http://iiif.io/api/presentation/2/context.json","@id":"http://127.0.0.1:8080/iiif/demo/manifest.json","@type":"sc:Manifest"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, out)
	var b strings.Builder
	if err := CheckBase(&b, h.FS(), "http://127.0.0.1:8080/"); err != nil || strings.Contains(b.String(), "built with --base-url") {
		t.Errorf("v2 manifest at its own base: %v\n%s", err, b.String())
	}
	exs, err := Built(h.FS())
	if err != nil || len(exs) != 1 || exs[0].BaseURL != "http://127.0.0.1:8080/" {
		t.Errorf("Built: %+v, %v", exs, err)
	}
}

// TestImageBaseURIRedirects: the base URI of an image service answers a
// 303 to its info.json (Image API 3.0 §2.2), with or without a final slash.
func TestImageBaseURIRedirects(t *testing.T) {
	out, _ := fixture(t)
	h := newHandler(t, out)
	for target, loc := range map[string]string{
		"/iiif/demo/images/p1":  "p1/info.json",
		"/iiif/demo/images/p1/": "info.json",
	} {
		w := get(h, target)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != loc {
			t.Errorf("%s: %d to %q, want 303 to %q", target, w.Code, w.Header().Get("Location"), loc)
		}
		if w.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: redirect without CORS", target)
		}
	}
	// A folder without info.json is not an image service.
	if w := get(h, "/iiif/demo/images/"); w.Code != http.StatusNotFound {
		t.Errorf("/iiif/demo/images/: %d, want 404", w.Code)
	}
}

// TestJSONGzip: JSON is sent gzip-compressed to a client that accepts it,
// as is to one that does not, and its ETag tells the two apart.
func TestJSONGzip(t *testing.T) {
	out, _ := fixture(t)
	manifest := `{"id":"http://127.0.0.1:8080/iiif/demo/manifest.json","items":[` + strings.Repeat(`{"type":"Canvas"},`, 200) + `{}]}`
	if err := os.WriteFile(filepath.Join(out, "iiif", "demo", "manifest.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, out)
	for _, p := range []string{"/iiif/demo/manifest.json", "/iiif/collection.json", "/iiif/demo/images/p1/info.json"} {
		plain := get(h, p)
		gz := get(h, p, "Accept-Encoding", "br, gzip;q=0.8")
		if plain.Header().Get("Content-Encoding") != "" || gz.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: encodings %q and %q", p, plain.Header().Get("Content-Encoding"), gz.Header().Get("Content-Encoding"))
			continue
		}
		for _, w := range []*httptest.ResponseRecorder{plain, gz} {
			if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: no Vary: Accept-Encoding", p)
			}
		}
		if plain.Header().Get("ETag") == gz.Header().Get("ETag") {
			t.Errorf("%s: same ETag for both encodings", p)
		}
		if gz.Header().Get("Content-Type") != plain.Header().Get("Content-Type") {
			t.Errorf("%s: content type changed: %q", p, gz.Header().Get("Content-Type"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		body, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(body, plain.Body.Bytes()) {
			t.Errorf("%s: gunzipped body differs (%v)", p, err)
		}
	}
	if w := get(h, "/iiif/demo/manifest.json", "Accept-Encoding", "gzip"); w.Body.Len() >= len(manifest)/4 {
		t.Errorf("manifest of %d bytes sent as %d gzip bytes", len(manifest), w.Body.Len())
	}
	// gzip;q=0 refuses it; images are never compressed.
	if w := get(h, "/iiif/demo/manifest.json", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
	if w := get(h, "/iiif/demo/images/p1/full/max/0/default.jpg", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" {
		t.Error("a JPEG sent gzip-compressed")
	}
}
