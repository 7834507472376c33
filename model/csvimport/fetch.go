package csvimport

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	pathpkg "path"
	"path/filepath"
	"strings"
	"time"

	"github.com/vitrine-tools/vitrine/model"
)

// Fetch tunes the download of files a sheet names by URL. Without it
// (Options.Fetch nil) no URL is downloaded: each is reported and kept as
// metadata.
type Fetch struct {
	// Dir is an existing folder where the downloads are kept until they
	// are copied into the exhibition; the caller removes it.
	Dir string
	// MaxBytes refuses a larger file; 0 means DefaultFetchLimit.
	MaxBytes int64
	// Timeout bounds each download, from the request to the last byte; 0
	// means DefaultFetchTimeout.
	Timeout time.Duration
	// Client makes the requests; nil means a plain http.Client.
	Client *http.Client
	// Context cancels the downloads (Ctrl-C); nil means none.
	Context context.Context
}

// Defaults of Fetch.
const (
	DefaultFetchLimit   = 200 << 20
	DefaultFetchTimeout = 60 * time.Second
)

type fetcher struct {
	Fetch
	n    int
	done map[string][2]string // url -> dir, name
}

func newFetcher(f *Fetch) *fetcher {
	if f == nil {
		return nil
	}
	ft := &fetcher{Fetch: *f, done: map[string][2]string{}}
	if ft.MaxBytes <= 0 {
		ft.MaxBytes = DefaultFetchLimit
	}
	if ft.Timeout <= 0 {
		ft.Timeout = DefaultFetchTimeout
	}
	if ft.Client == nil {
		ft.Client = &http.Client{}
	}
	if ft.Context == nil {
		ft.Context = context.Background()
	}
	return ft
}

// extByType names a download whose URL has no known extension.
var extByType = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif", "image/gif": ".gif",
	"image/webp": ".webp", "application/pdf": ".pdf", "audio/mpeg": ".mp3", "audio/mp4": ".m4a",
	"audio/wav": ".wav", "audio/x-wav": ".wav", "audio/flac": ".flac", "audio/ogg": ".ogg",
	"video/mp4": ".mp4", "video/webm": ".webm", "video/quicktime": ".mov", "video/ogg": ".ogv",
}

// get downloads u into its own folder under Dir and returns that folder
// and the file's name there. The name is the last element of the URL's
// path, made safe, with an extension from the Content-Type when it has
// none it knows.
func (f *fetcher) get(u string) (string, string, error) {
	if d, ok := f.done[u]; ok {
		return d[0], d[1], nil
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return "", "", fmt.Errorf("%q is not a URL that can be downloaded: %v", u, err)
	}
	ctx, cancel := context.WithTimeout(f.Context, f.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", "", fmt.Errorf("download %s: %w", u, err)
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("download %s: %w (within %s)", u, err, f.Timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("download %s: the server answered %s; check the URL, or download the file and name it instead", u, resp.Status)
	}
	if resp.ContentLength > f.MaxBytes {
		return "", "", fmt.Errorf("download %s: %d bytes is over the limit of %d bytes (--fetch-limit)", u, resp.ContentLength, f.MaxBytes)
	}
	name := safeName(pathpkg.Base(pu.Path))
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ext, ok := extByType[ct]; ok && !knownExt(name) {
		name += ext
	}
	f.n++
	dir := filepath.Join(f.Dir, fmt.Sprintf("%d", f.n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	out, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return "", "", err
	}
	n, err := io.Copy(out, io.LimitReader(resp.Body, f.MaxBytes+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", fmt.Errorf("download %s: %w (within %s)", u, err, f.Timeout)
	}
	if n > f.MaxBytes {
		return "", "", fmt.Errorf("download %s: the file is over the limit of %d bytes (--fetch-limit)", u, f.MaxBytes)
	}
	f.done[u] = [2]string{dir, name}
	return dir, name, nil
}

func knownExt(name string) bool {
	return contains(imageExts, strings.ToLower(pathpkg.Ext(name))) || model.IsAttachmentName(name)
}

// safeName keeps letters, digits, ".", "_" and "-" of a downloaded file's
// name; it is never empty, hidden or "..".
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	n := strings.TrimLeft(b.String(), ".-")
	if n == "" {
		n = "download"
	}
	return n
}
