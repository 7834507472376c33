package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
)

// Listen opens addr for Serve. An address without a host (":8080") would
// listen on every interface; Listen refuses it unless all is true, so that
// OUT is never published to the network by accident.
func Listen(addr string, all bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("serve: address %q: %w (give host:port, such as %s)", addr, err, DefaultAddr)
	}
	if host == "" && !all {
		return nil, fmt.Errorf("serve: address %q has no host and would listen on every interface; give 127.0.0.1:PORT, or 0.0.0.0:PORT to publish on purpose", addr)
	}
	return net.Listen("tcp", addr)
}

// Serve answers requests on l with h until ctx is cancelled, then shuts
// down, letting requests in progress finish for up to five seconds.
func Serve(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(sctx)
		<-errc
		return err
	}
}

// URL is the address a browser should open for a listener: its host and
// port, with the unspecified address replaced by the loopback one.
func URL(l net.Listener) string {
	a, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return "http://" + l.Addr().String() + "/"
	}
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		if ip != nil && ip.To4() == nil {
			ip = net.IPv6loopback
		} else {
			ip = net.IPv4(127, 0, 0, 1)
		}
	}
	return "http://" + net.JoinHostPort(ip.String(), fmt.Sprint(a.Port)) + "/"
}

// Exhibition is one exhibition found in OUT: its slug and the base URL its
// IIIF manifest was built with.
type Exhibition struct {
	Slug    string
	BaseURL string
}

// Built lists the exhibitions whose manifests are in fsys (an OUT folder),
// sorted by slug, with the base URL each was built for, read back from the
// manifest's id (BASE/iiif/<slug>/manifest.json; "@id" in Presentation 2.1).
func Built(fsys fs.FS) ([]Exhibition, error) {
	names, err := fs.Glob(fsys, "iiif/*/manifest.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Exhibition
	for _, name := range names {
		slug := path.Base(path.Dir(name))
		if strings.HasPrefix(slug, ".") {
			continue
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		// Presentation 3.0 names the manifest "id", 2.1 "@id".
		var m struct {
			ID   string `json:"id"`
			ID21 string `json:"@id"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		id := m.ID
		if id == "" {
			id = m.ID21
		}
		base, ok := strings.CutSuffix(id, name)
		if !ok {
			base = id
		}
		out = append(out, Exhibition{Slug: slug, BaseURL: base})
	}
	return out, nil
}

// CheckBase writes to w, for each exhibition in fsys, whether its manifest
// was built for the address served (url, with a trailing slash). Serve
// rewrites nothing: a manifest built for another base URL names tiles a
// viewer will look for elsewhere. It returns an error when at least one
// exhibition does not match.
func CheckBase(w io.Writer, fsys fs.FS, url string) error {
	exs, err := Built(fsys)
	if err != nil {
		return err
	}
	bad := 0
	for _, e := range exs {
		if e.BaseURL == url {
			page := ""
			if _, err := fs.Stat(fsys, e.Slug+"/index.html"); err == nil {
				page = fmt.Sprintf(" plates %s%s/,", url, e.Slug)
			}
			fmt.Fprintf(w, "  %s:%s manifest %siiif/%s/manifest.json\n", e.Slug, page, url, e.Slug)
			continue
		}
		bad++
		fmt.Fprintf(w, "  %s: built with --base-url %s, but served at %s: viewers will look for its tiles there.\n    Rebuild with --base-url %s, or serve at the address it was built for.\n", e.Slug, e.BaseURL, url, url)
	}
	if bad > 0 {
		return errors.New("base URL mismatch")
	}
	return nil
}

// LogErrors wraps h so that every answer with a status of 400 or more is
// written to w as one line (status, method, path): the quickest way to see
// which tile or size a viewer asked for and OUT does not have.
func LogErrors(h http.Handler, w io.Writer) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		if sw.status >= 400 {
			fmt.Fprintf(w, "%d %s %s\n", sw.status, r.Method, r.URL.RequestURI())
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// ReadFrom keeps the server's fast path for file bodies (sendfile).
func (s *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := s.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{s.ResponseWriter}, r)
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
