// Package serve serves a vitrine output folder (OUT) over HTTP as a static
// IIIF host: IIIF content types, CORS on every response, ETag and
// Last-Modified validators, byte ranges, JSON gzip-compressed for clients
// that accept it, and the base URI of every image service redirected to its
// info.json. It reads OUT only through an
// os.Root, so no request can reach a file outside OUT, whether by "..",
// by an encoded "%2e%2e" or by a symbolic link that points out of OUT.
//
// It is what `vitrine serve` runs, and what the end-to-end tests put real
// viewers in front of.
package serve

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// DefaultAddr is where `vitrine serve` listens unless told otherwise: the
// loopback interface only, on the port that build's default --base-url
// names.
const DefaultAddr = "127.0.0.1:8080"

// Content types of IIIF resources (Presentation 3.0 §6, Image 3.0 §7.1);
// version 2 documents get Presentation2Type and ImageInfo2Type.
const (
	PresentationType = `application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"`
	ImageInfoType    = `application/ld+json;profile="http://iiif.io/api/image/3/context.json"`
)

// Handler serves the files of one output folder. Create it with New; it is
// safe for concurrent use.
type Handler struct {
	root *os.Root
}

// New opens dir as the folder to serve. The caller must Close the handler.
func New(dir string) (*Handler, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("serve: %s is not a folder (give the OUT folder of vitrine build)", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return &Handler{root: root}, nil
}

// Close releases the output folder.
func (h *Handler) Close() error { return h.root.Close() }

// FS returns the served folder as a file system, confined like the handler.
func (h *Handler) FS() fs.FS { return h.root.FS() }

// ContentType returns the media type served for the file name (a
// slash-separated path inside OUT). IIIF JSON gets application/ld+json with
// the profile of its API: info.json the Image API's, any other JSON under
// iiif/ the Presentation API's.
func ContentType(name string) string {
	base := path.Base(name)
	switch ext := strings.ToLower(path.Ext(base)); ext {
	case ".json":
		if base == "info.json" {
			return ImageInfoType
		}
		if strings.HasPrefix(name, "iiif/") {
			return PresentationType
		}
		return "application/json"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".webp":
		return "image/webp"
	case ".tif", ".tiff":
		return "image/tiff"
	case ".svg":
		return "image/svg+xml"
	case ".epub":
		return "application/epub+zip"
	case ".zip":
		return "application/zip"
	case ".tar":
		return "application/x-tar"
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".txt", ".md":
		return "text/plain; charset=utf-8"
	case ".xml":
		return "application/xml"
	case ".yaml", ".yml":
		return "application/yaml"
	}
	return "application/octet-stream"
}

// setCORS lets viewers on any origin read everything served: IIIF viewers
// and EPUB readers fetch the manifest, info.json, tiles and the EPUB from
// their own page.
func setCORS(hdr http.Header) {
	hdr.Set("Access-Control-Allow-Origin", "*")
	hdr.Set("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified")
}

// cleanPath turns a request path into a slash-separated path inside OUT
// ("." for OUT itself). It refuses, rather than cleans, anything that tries
// to leave or hide: "..", ".", empty segments other than a final slash,
// backslashes, NUL bytes and names starting with a dot (OUT holds its
// staging folders under dot-names). The path is already percent-decoded, so
// "%2e%2e" arrives here as "..".
func cleanPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return ".", true
	}
	if strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	return p, true
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	setCORS(hdr)
	hdr.Set("X-Content-Type-Options", "nosniff")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		hdr.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		hdr.Set("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since, If-Range, Accept")
		hdr.Set("Access-Control-Max-Age", "86400")
		hdr.Set("Allow", "GET, HEAD, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		hdr.Set("Allow", "GET, HEAD, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// RawPath is checked too: "%2f" must not smuggle a separator past
	// the segment checks.
	if strings.Contains(strings.ToLower(r.URL.RawPath), "%2f") || strings.Contains(strings.ToLower(r.URL.RawPath), "%5c") {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	name, ok := cleanPath(r.URL.Path)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	f, err := h.root.Open(name)
	if err != nil {
		h.notFound(w, err)
		return
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		h.notFound(w, err)
		return
	}
	if st.IsDir() {
		f.Close()
		// The base URI of an image service (a folder with info.json)
		// answers with a redirect to its info.json, as Image API 3.0 §2.2
		// recommends; relative, so that it works behind any prefix.
		if name != "." {
			if ist, err := h.root.Stat(name + "/info.json"); err == nil && ist.Mode().IsRegular() {
				loc := "info.json"
				if !strings.HasSuffix(r.URL.Path, "/") {
					loc = path.Base(name) + "/info.json"
				}
				hdr.Set("Location", loc)
				w.WriteHeader(http.StatusSeeOther)
				return
			}
		}
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, path.Base(r.URL.Path)+"/", http.StatusMovedPermanently)
			return
		}
		if name == "." {
			name = "index.html"
		} else {
			name += "/index.html"
		}
		f, err = h.root.Open(name)
		if err != nil {
			if name == "index.html" {
				// OUT built without the site format: list what is there.
				h.listing(w, r)
				return
			}
			h.notFound(w, err)
			return
		}
		st, err = f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			f.Close()
			h.notFound(w, fs.ErrNotExist)
			return
		}
	}
	defer f.Close()
	if !st.Mode().IsRegular() {
		h.notFound(w, fs.ErrNotExist)
		return
	}
	hdr.Set("Content-Type", contentTypeOf(name, f))
	hdr.Set("ETag", etag(st))
	// Outputs change when OUT is rebuilt: let browsers keep them but ask
	// (cheaply, with the validators) before reuse.
	hdr.Set("Cache-Control", "no-cache")
	var content io.ReadSeeker = f
	if compressible(name) {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			gz, err := gzipped(f)
			if err != nil {
				h.notFound(w, err)
				return
			}
			content = gz
			hdr.Set("Content-Encoding", "gzip")
			hdr.Set("ETag", gzipETag(st))
		}
	}
	// ServeContent answers Range, If-Range, If-None-Match and
	// If-Modified-Since, and sets Last-Modified and Accept-Ranges.
	http.ServeContent(w, r, name, st.ModTime(), content)
}

// etag is a strong validator made of the file's size and modification time:
// a build replaces its products by renaming new files into place, so a
// rebuilt file gets a new one.
func etag(st fs.FileInfo) string {
	return fmt.Sprintf(`"%x-%x"`, st.Size(), st.ModTime().UnixNano())
}

// notFound answers every failure to open or stat a file, whatever its
// cause (missing, unreadable, or a symbolic link that os.Root refused to
// follow out of OUT), with the same 404, so that responses say nothing about
// what lies outside OUT.
func (h *Handler) notFound(w http.ResponseWriter, _ error) {
	http.Error(w, "404 page not found", http.StatusNotFound)
}
