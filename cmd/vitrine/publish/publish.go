package publish

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/vitrine-tools/vitrine/cmd/vitrine/serve"
	"github.com/vitrine-tools/vitrine/exporters"
)

// Options tune Publish.
type Options struct {
	// Workers is the number of uploads at once; 0 means 8.
	Workers int
	// PublicURL is the address the target is read at, with a trailing
	// slash (a CDN in front of the bucket, say); "" means the address
	// PublicURLOf derives from the target URL.
	PublicURL string
	// AllowBaseMismatch publishes a build whose --base-url is not the
	// target's public URL (its manifests then name tiles elsewhere).
	AllowBaseMismatch bool
	// Retries is how many times a failed upload is tried again, with
	// exponential backoff; 0 means 4.
	Retries int
	// Progress, when set, is called after each file is handled, one call
	// at a time.
	Progress func(p Progress)
	// Log receives notices; nil means none.
	Log io.Writer
	// lockTTL is how old a lock may be before it is taken over; 0 means
	// LockTTL (tests shorten it).
	lockTTL time.Duration
}

// Progress is what Publish has done so far.
type Progress struct {
	Done, Total           int
	BytesDone, BytesTotal int64
	// Path is the file just handled, Sent whether it was uploaded.
	Path string
	Sent bool
}

// Result sums up a Publish.
type Result struct {
	// Files is the number of files in OUT; Uploaded were sent,
	// Unchanged were already there with the same bytes.
	Files, Uploaded, Unchanged int
	// FoldersCarried counts image folders whose stamp matched the one
	// published: none of their files was read or compared.
	FoldersCarried int
	// Bytes is the number of bytes sent.
	Bytes int64
}

// Cache-Control values. Tiles and sizes change only when their master
// does, so caches may keep them a day; JSON and pages are revalidated on
// every use (cheap, with ETags), so a caption edit shows at once.
const (
	CacheImages   = "public, max-age=86400"
	CacheDocument = "no-cache"
	CacheDownload = "public, max-age=300"
)

// LockTTL is the age after which a publish lock left by a job that died is
// taken over.
const LockTTL = time.Hour

// file is one file of OUT to publish.
type file struct {
	rel    string // slash-separated path in OUT, the key under the prefix
	size   int64
	folder string // the image folder holding it (one with a stamp), or ""
	rank   int    // upload order: lower first
}

// Ranks: what a viewer reads last is sent last, so that nothing published
// names a file that is not there yet.
const (
	rankImage    = iota // tiles, sizes, full-size images, thumbnails
	rankInfo            // info.json of an image folder
	rankStamp           // the folder's stamp: the folder is complete
	rankDownload        // EPUB, bag, exhibition data, page assets
	rankManifest        // iiif/<slug>/manifest.json
	rankTop             // iiif/collection.json
	rankPage            // index pages
)

// Publish copies the outputs in the folder out to the target URL (see
// Open). It sends only what changed since the last publish to the same
// target: an image folder whose stamp (exporters.StampFile) matches the
// published one is skipped whole, every other file is compared by size and
// MD5 with the object there. Each object is written whole; images go
// before the JSON that names them and pages last, and a folder's stamp
// only once all its files are there, so an interrupted publish leaves the
// target consistent and the next one sends only what is missing.
//
// Before sending anything it checks that every exhibition in out was built
// with --base-url equal to the target's public URL (unless
// opt.AllowBaseMismatch), and takes a lock object per exhibition
// (.vitrine-publish/<slug>.lock, written only if absent) so that two jobs
// never publish the same exhibition at once.
func Publish(ctx context.Context, out, target string, opt Options) (Result, error) {
	if opt.Workers <= 0 {
		opt.Workers = 8
	}
	if opt.Retries <= 0 {
		opt.Retries = 4
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.lockTTL <= 0 {
		opt.lockTTL = LockTTL
	}
	var res Result
	fsys := os.DirFS(out)
	exs, err := serve.Built(fsys)
	if err != nil {
		return res, fmt.Errorf("reading %s: %w", out, err)
	}
	if len(exs) == 0 {
		if _, err := fs.Stat(fsys, "epub"); err != nil {
			return res, fmt.Errorf("%s holds no build of vitrine (no iiif/*/manifest.json, no epub/): give the folder `vitrine build -o` wrote", out)
		}
	}
	public := opt.PublicURL
	if public == "" {
		public = PublicURLOf(target)
	}
	if public != "" {
		public = strings.TrimSuffix(public, "/") + "/"
		var wrong []string
		for _, e := range exs {
			if e.BaseURL != public {
				wrong = append(wrong, fmt.Sprintf("%s (built for %s)", e.Slug, e.BaseURL))
			}
		}
		if len(wrong) > 0 && !opt.AllowBaseMismatch {
			return res, fmt.Errorf("%w: %s will be read at %s, but %s: viewers would look for their tiles elsewhere; rebuild with --base-url %s, give --public-url if the bucket is read through another address (a CDN), or --allow-base-mismatch", ErrBaseURL, Redact(target), public, strings.Join(wrong, ", "), public)
		}
	} else if len(exs) > 0 {
		fmt.Fprintf(opt.Log, "notice: the public address of %s is unknown: give --public-url to check that the build's --base-url matches it\n", Redact(target))
	}
	files, err := listOut(fsys)
	if err != nil {
		return res, err
	}
	res.Files = len(files)
	b, err := Open(ctx, target)
	if err != nil {
		return res, err
	}
	defer b.Close()
	var slugs []string
	for _, e := range exs {
		slugs = append(slugs, e.Slug)
	}
	unlock, err := lock(ctx, b, slugs, opt.lockTTL)
	if err != nil {
		return res, err
	}
	defer unlock()

	p := &publisher{ctx: ctx, b: b, fsys: fsys, opt: opt}
	for _, f := range files {
		p.prog.Total++
		p.prog.BytesTotal += f.size
	}
	// Image folders whose published stamp is the same as ours are there
	// already, whole.
	carried := map[string]bool{}
	for _, f := range files {
		if f.rank != rankStamp {
			continue
		}
		local, err := fs.ReadFile(fsys, f.rel)
		if err != nil {
			return res, err
		}
		remote, err := b.ReadAll(ctx, f.rel)
		if err == nil && bytes.Equal(local, remote) {
			carried[f.folder] = true
			res.FoldersCarried++
		}
	}
	// Send rank by rank; within a rank, in parallel.
	for rank := rankImage; rank <= rankPage; rank++ {
		var todo []file
		for _, f := range files {
			if f.rank != rank {
				continue
			}
			if f.folder != "" && carried[f.folder] {
				res.Unchanged++
				p.done(f, false)
				continue
			}
			todo = append(todo, f)
		}
		if err := p.run(todo, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// ErrBaseURL is returned when the build's --base-url is not the target's
// public address.
var ErrBaseURL = errors.New("base URL mismatch")

type publisher struct {
	ctx  context.Context
	b    *blob.Bucket
	fsys fs.FS
	opt  Options
	mu   sync.Mutex
	prog Progress
}

func (p *publisher) done(f file, sent bool) {
	p.mu.Lock()
	p.prog.Done++
	p.prog.BytesDone += f.size
	p.prog.Path, p.prog.Sent = f.rel, sent
	defer p.mu.Unlock()
	if p.opt.Progress != nil {
		p.opt.Progress(p.prog) // one call at a time
	}
}

// run sends the files that differ from their objects, opt.Workers at once.
func (p *publisher) run(files []file, res *Result) error {
	jobs := make(chan file)
	errs := make(chan error, len(files))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < min(p.opt.Workers, len(files)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				sent, err := p.one(f)
				if err != nil {
					errs <- fmt.Errorf("%s: %v", f.rel, scrub(err))
					continue
				}
				mu.Lock()
				if sent {
					res.Uploaded++
					res.Bytes += f.size
				} else {
					res.Unchanged++
				}
				mu.Unlock()
				p.done(f, sent)
			}
		}()
	}
feed:
	for _, f := range files {
		select {
		case jobs <- f:
		case <-p.ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	if err := p.ctx.Err(); err != nil {
		return err
	}
	return errors.Join(all...)
}

// one sends f unless the object there has the same size and MD5. The file
// is read twice (to hash it, then to send it), never held whole in memory:
// a bag may be gigabytes.
func (p *publisher) one(f file) (bool, error) {
	fh, err := p.fsys.Open(f.rel)
	if err != nil {
		return false, err
	}
	defer fh.Close()
	rs, ok := fh.(io.ReadSeeker)
	if !ok {
		return false, fmt.Errorf("%s cannot be read twice", f.rel)
	}
	h := md5.New()
	var head bytes.Buffer
	n, err := io.Copy(io.MultiWriter(h, &limitWriter{&head, 512}), rs)
	if err != nil {
		return false, err
	}
	sum := h.Sum(nil)
	if a, err := p.b.Attributes(p.ctx, f.rel); err == nil && a.Size == n && sameMD5(a, sum) {
		return false, nil
	}
	opts := &blob.WriterOptions{
		ContentType:  contentType(f.rel, head.Bytes()),
		CacheControl: cacheControl(f),
		ContentMD5:   sum,
		// Stores give an object's MD5 as its ETag only when it was sent in
		// one part; the metadata keeps it for the next comparison.
		Metadata: map[string]string{md5Meta: hex.EncodeToString(sum)},
		// The type is ours; a store must not guess another.
		DisableContentTypeDetection: true,
	}
	return true, retry(p.ctx, p.opt.Retries, func() error {
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return p.b.Upload(p.ctx, f.rel, rs, opts)
	})
}

// md5Meta is the metadata key holding an object's MD5 (hex).
const md5Meta = "vitrine-md5"

// sameMD5 reports whether the object a describes has the MD5 sum, by its
// ETag-derived MD5 or, for objects sent in parts, by the metadata publish
// wrote.
func sameMD5(a *blob.Attributes, sum []byte) bool {
	if len(a.MD5) > 0 {
		return bytes.Equal(a.MD5, sum)
	}
	return a.Metadata[md5Meta] == hex.EncodeToString(sum)
}

// limitWriter keeps the first n bytes written to it and discards the rest.
type limitWriter struct {
	b *bytes.Buffer
	n int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if room := w.n - w.b.Len(); room > 0 {
		w.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// retry runs do until it succeeds, the context ends, or it failed
// 1+retries times, waiting 0.2 s, 0.4 s, 0.8 s, ... (with jitter) between
// tries. Errors a new try cannot mend (permission, bad request) are not
// tried again.
func retry(ctx context.Context, retries int, do func() error) error {
	wait := 200 * time.Millisecond
	for i := 0; ; i++ {
		err := do()
		if err == nil || i >= retries || ctx.Err() != nil {
			return err
		}
		switch gcerrors.Code(err) {
		case gcerrors.PermissionDenied, gcerrors.InvalidArgument, gcerrors.FailedPrecondition, gcerrors.NotFound, gcerrors.Unimplemented:
			return err
		}
		jitter := time.Duration(rand.Int64N(int64(wait) / 2))
		if err := sleep(ctx, wait+jitter); err != nil {
			return err
		}
		wait *= 2
	}
}

// sleep waits d or until ctx ends (tests replace it to see the waits).
var sleep = func(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listOut lists the files of OUT to publish, with their rank and image
// folder: everything but the derivative cache, staging folders of builds
// and hidden files other than stamps.
func listOut(fsys fs.FS) ([]file, error) {
	var files []file
	stamped := map[string]bool{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") && name != exporters.StampFile {
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // links and devices are not published
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if name == exporters.StampFile {
			stamped[path.Dir(p)] = true
		}
		files = append(files, file{rel: p, size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range files {
		f := &files[i]
		for dir := path.Dir(f.rel); dir != "."; dir = path.Dir(dir) {
			if stamped[dir] {
				f.folder = dir
				break
			}
		}
		f.rank = rankOf(*f)
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, nil
}

func rankOf(f file) int {
	base := path.Base(f.rel)
	switch {
	case base == exporters.StampFile:
		return rankStamp
	case f.folder != "" && base == "info.json":
		return rankInfo
	case f.folder != "":
		return rankImage
	case f.rel == exporters.CollectionPath():
		return rankTop
	case strings.HasPrefix(f.rel, "iiif/") && strings.HasSuffix(f.rel, ".json"):
		return rankManifest
	case strings.HasSuffix(base, ".html"):
		return rankPage
	}
	return rankDownload
}

// contentType is the media type of a published file: serve's (the IIIF
// profile of JSON included), with the API version of IIIF JSON read from
// its @context.
func contentType(rel string, data []byte) string {
	ct := serve.ContentType(rel)
	if strings.HasPrefix(ct, "application/ld+json") && bytes.Contains(data[:min(len(data), 400)], []byte("iiif.io/api/presentation/2/context.json")) {
		return `application/ld+json;profile="http://iiif.io/api/presentation/2/context.json"`
	}
	if strings.HasPrefix(ct, "application/ld+json") && bytes.Contains(data[:min(len(data), 400)], []byte("iiif.io/api/image/2/context.json")) {
		return `application/ld+json;profile="http://iiif.io/api/image/2/context.json"`
	}
	return ct
}

func cacheControl(f file) string {
	switch f.rank {
	case rankImage:
		return CacheImages
	case rankDownload:
		if slices.Contains([]string{".epub", ".zip", ".tar"}, path.Ext(f.rel)) {
			return CacheDownload
		}
	}
	return CacheDocument
}
