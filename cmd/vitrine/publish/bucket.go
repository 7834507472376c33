// Package publish copies what `vitrine build` wrote to object storage, and
// deposits bags there: S3-compatible stores, Google Cloud Storage, Azure
// Blob Storage and local folders, all through gocloud.dev/blob and named by
// the URLs it opens:
//
//	s3://bucket/prefix?endpoint=http://127.0.0.1:9000&use_path_style=true&region=us-east-1
//	gs://bucket?prefix=exhibitions/
//	azblob://container?prefix=exhibitions/
//	file:///srv/www/iiif
//
// Credentials come from each cloud's usual places (environment variables,
// shared configuration files, instance roles), never from the command line,
// and are never printed.
//
// Publish (publish.go) mirrors an OUT folder: changed files only, in
// parallel, each object written whole (a reader never sees half an object),
// images before the JSON that names them, a folder's stamp last. Deposit
// (deposit.go) uploads one bag, reads it back to check its size and
// digests, verifies it in place where the store allows ranged reads, and
// writes a receipt.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"

	"gocloud.dev/blob"
	// The stores a target URL may name.
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/s3blob"
)

// ErrTarget wraps errors about a target URL that cannot be opened.
var ErrTarget = errors.New("target")

// Open opens the bucket a target URL names, with its prefix applied: keys
// are then relative to the prefix. An s3 URL's path after the bucket is
// taken as the prefix (s3://bucket/some/prefix), as people write it.
func Open(ctx context.Context, target string) (*blob.Bucket, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("%w %s: not a URL; write s3://bucket/prefix, gs://bucket, azblob://container or file:///path", ErrTarget, Redact(target))
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w %s: credentials are not taken from the URL; set them where the cloud's own tools read them (environment, shared configuration, instance role)", ErrTarget, Redact(target))
	}
	prefix := ""
	if u.Scheme != "file" && u.Path != "" && u.Path != "/" {
		prefix = strings.Trim(u.Path, "/") + "/"
		u.Path = ""
	}
	if p := u.Query().Get("prefix"); p != "" {
		prefix = strings.TrimSuffix(prefix+strings.Trim(p, "/"), "/") + "/"
		q := u.Query()
		q.Del("prefix")
		u.RawQuery = q.Encode()
	}
	if u.Scheme == "file" {
		q := u.Query()
		// Folders the file store creates are private to the user by
		// default; a published folder is read by a web server.
		if !q.Has("dir_file_mode") {
			q.Set("dir_file_mode", "0755")
		}
		u.RawQuery = q.Encode()
	}
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrTarget, Redact(target), scrub(err))
	}
	if prefix != "" {
		b = blob.PrefixedBucket(b, prefix)
	}
	return b, nil
}

// Redact returns target without user information or any query parameter
// that may hold a secret, for messages.
func Redact(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	q := u.Query()
	for k := range q {
		l := strings.ToLower(k)
		if strings.Contains(l, "secret") || strings.Contains(l, "key") || strings.Contains(l, "token") || strings.Contains(l, "sig") || strings.Contains(l, "password") {
			q.Set(k, "REDACTED")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// scrub removes secrets that an SDK error might echo (signatures in URLs).
func scrub(err error) string {
	s := err.Error()
	for _, k := range []string{"X-Amz-Signature=", "X-Amz-Credential=", "sig=", "Signature="} {
		for {
			i := strings.Index(s, k)
			if i < 0 {
				break
			}
			j := i + len(k)
			for j < len(s) && s[j] != '&' && s[j] != ' ' && s[j] != '"' {
				j++
			}
			s = s[:i] + k[:len(k)-1] + "-redacted" + s[j:]
		}
	}
	return s
}

// rangeFile reads an object by ranged requests, as an io.ReaderAt and an
// io.ReadSeeker, so that a bag can be verified where it lies. Small reads
// (a TAR header, a ZIP's central directory entry) are served from one
// block read ahead, so that they do not cost a request each.
type rangeFile struct {
	ctx  context.Context
	b    *blob.Bucket
	key  string
	size int64
	off  int64

	mu       sync.Mutex
	block    []byte
	blockOff int64
	// Requests counts the ranged reads sent.
	requests int
}

// rangeBlock is how much a small read fetches ahead.
const rangeBlock = 256 << 10

func (f *rangeFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("read before the start")
	}
	if off >= f.size {
		return 0, io.EOF
	}
	n := min(int64(len(p)), f.size-off)
	f.mu.Lock()
	defer f.mu.Unlock()
	if n <= rangeBlock {
		if off < f.blockOff || off+n > f.blockOff+int64(len(f.block)) {
			bn := min(int64(rangeBlock), f.size-off)
			buf := make([]byte, bn)
			if err := f.fetch(buf, off); err != nil {
				return 0, err
			}
			f.block, f.blockOff = buf, off
		}
		copy(p, f.block[off-f.blockOff:off-f.blockOff+n])
	} else if err := f.fetch(p[:n], off); err != nil {
		return 0, err
	}
	if n < int64(len(p)) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// fetch fills p with the object's bytes from off by one ranged read.
func (f *rangeFile) fetch(p []byte, off int64) error {
	f.requests++
	r, err := f.b.NewRangeReader(f.ctx, f.key, off, int64(len(p)), nil)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.ReadFull(r, p)
	return err
}

func (f *rangeFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := f.ReadAt(p, f.off)
	f.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (f *rangeFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += f.off
	case io.SeekEnd:
		off += f.size
	default:
		return 0, errors.New("bad whence")
	}
	if off < 0 {
		return 0, errors.New("seek before the start")
	}
	f.off = off
	return off, nil
}
