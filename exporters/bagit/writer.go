package bagit

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/vitrine-tools/vitrine/model"
)

// Serialization is how a bag is written: one ZIP, one TAR, or a folder.
type Serialization string

// The serializations vitrine writes and reads.
const (
	Zip Serialization = "zip"
	Tar Serialization = "tar"
	Dir Serialization = "dir"
)

// ParseSerialization checks a --bag-format value.
func ParseSerialization(s string) (Serialization, error) {
	switch Serialization(strings.ToLower(s)) {
	case Zip:
		return Zip, nil
	case Tar:
		return Tar, nil
	case Dir, "folder":
		return Dir, nil
	}
	return "", fmt.Errorf("bag format %q is not zip, tar or dir", s)
}

// File is one payload file of a bag.
type File struct {
	// Path is the file's path in the bag, slash-separated, starting with
	// "data/".
	Path string
	// Size is the file's length in bytes. It must be known before the file is
	// read (for Payload-Oxum and TAR headers); a file whose length differs
	// when read fails the write.
	Size int64
	// Data holds a small file's bytes; when nil, Open is called.
	Data []byte
	// Open opens the file's bytes; it is called once.
	Open func() (io.ReadCloser, error)
	// Expect optionally holds digests (algorithm -> hex) already known from
	// an earlier read. A file whose bytes no longer match fails the write.
	Expect map[string]string
	// Label names the file in error messages (e.g. its original path).
	Label string
}

// Bag describes a bag to write. Write adds bagit.txt, Payload-Oxum, Bag-Size,
// the payload manifests and the tag manifests.
type Bag struct {
	// Name is the bag's top-level folder inside a ZIP or TAR.
	Name string
	// Payload files; Write sorts them by path.
	Payload []File
	// Info are the bag-info.txt fields, in order; Payload-Oxum and Bag-Size
	// are added when missing.
	Info []Field
	// Tags are further tag files (such as aptrust-info.txt), by name.
	Tags map[string][]byte
	// Algorithms of the payload and tag manifests; DefaultAlgorithms when
	// empty.
	Algorithms []string
	// Time is written as every entry's modification time (UTC).
	Time time.Time
}

// Result says what Write wrote.
type Result struct {
	Files int
	Bytes int64
	// Sums holds each payload file's digests: path -> algorithm -> hex.
	Sums map[string]map[string]string
}

// ErrChanged is returned when a payload file's bytes differ from what was
// expected (its size or an earlier checksum): it changed during the build.
var ErrChanged = errors.New("file changed while the bag was written")

// storedExt lists extensions of formats that are already compressed: ZIP
// stores them (deflate would cost time and save under 1%). Everything else,
// including TIFF (often uncompressed, and deflate shrinks it a lot), is
// deflated.
var storedExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".jp2": true, ".jpx": true, ".j2k": true,
	".png": true, ".gif": true, ".webp": true, ".avif": true, ".heic": true, ".jxl": true,
	".epub": true, ".zip": true, ".gz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true,
	".mp3": true, ".mp4": true, ".m4a": true, ".m4v": true, ".mov": true, ".webm": true, ".ogg": true,
	".pdf": true, ".woff": true, ".woff2": true,
}

// compressible reports whether a ZIP entry of this name is deflated.
func compressible(name string) bool {
	return !storedExt[strings.ToLower(path.Ext(name))]
}

// sink is one serialization being written.
type sink interface {
	// dir adds a folder (name ends in "/").
	dir(name string) error
	// small adds a whole file.
	small(name string, data []byte) error
	// stream adds a file of the given size read from r, hashing it with algs
	// in the same pass; it returns the digests and the bytes copied.
	stream(name string, size int64, r io.Reader, algs []string) (int64, map[string]string, error)
	close() error
}

func (b *Bag) check() ([]string, error) {
	algs := b.Algorithms
	if len(algs) == 0 {
		algs = DefaultAlgorithms
	}
	algs, err := ParseAlgorithms(algs)
	if err != nil {
		return nil, err
	}
	if err := model.CheckRelPath(b.Name); err != nil || strings.Contains(b.Name, "/") {
		return nil, fmt.Errorf("bag name %q must be one plain folder name", b.Name)
	}
	seen := map[string]bool{}
	for _, f := range b.Payload {
		if err := model.CheckRelPath(f.Path); err != nil {
			return nil, fmt.Errorf("payload file %q: %w", f.Path, err)
		}
		if !strings.HasPrefix(f.Path, "data/") {
			return nil, fmt.Errorf("payload file %q is not under data/", f.Path)
		}
		if seen[f.Path] {
			return nil, fmt.Errorf("payload file %q is listed twice", f.Path)
		}
		seen[f.Path] = true
	}
	for name := range b.Tags {
		if err := model.CheckRelPath(name); err != nil || strings.HasPrefix(name, "data/") || isReservedTag(name) {
			return nil, fmt.Errorf("tag file %q: not a usable tag file name", name)
		}
	}
	return algs, nil
}

func isReservedTag(name string) bool {
	return name == "bagit.txt" || name == "bag-info.txt" || name == "fetch.txt" ||
		strings.HasPrefix(name, "manifest-") || strings.HasPrefix(name, "tagmanifest-")
}

// Oxum returns the Payload-Oxum value "<octets>.<files>".
func Oxum(bytes int64, files int) string {
	return strconv.FormatInt(bytes, 10) + "." + strconv.Itoa(files)
}

// HumanSize writes a byte count as Bag-Size does: "12.3 MB" (powers of 1000).
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	f := float64(n)
	u := 0
	for f >= 1000 && u < len(units)-1 {
		f /= 1000
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}

// Write writes the bag to s in one pass over the payload: entries in sorted
// order, every payload file read once and hashed with every algorithm while
// it is copied.
func (b *Bag) write(ctx context.Context, s sink) (*Result, error) {
	algs, err := b.check()
	if err != nil {
		return nil, err
	}
	payload := append([]File(nil), b.Payload...)
	sort.Slice(payload, func(i, j int) bool { return payload[i].Path < payload[j].Path })
	var total int64
	for _, f := range payload {
		if f.Data != nil {
			f.Size = int64(len(f.Data))
		}
		total += f.Size
	}
	info := append([]Field(nil), b.Info...)
	if _, ok := Get(info, "Payload-Oxum"); !ok {
		info = append(info, Field{"Payload-Oxum", Oxum(total, len(payload))})
	}
	if _, ok := Get(info, "Bag-Size"); !ok {
		info = append(info, Field{"Bag-Size", HumanSize(total)})
	}
	tags := map[string][]byte{"bagit.txt": []byte(BagItTxt), "bag-info.txt": FormatTags(info)}
	for k, v := range b.Tags {
		tags[k] = v
	}
	// Every tag file sorts before "data/" or after it: write those before,
	// then the payload, then the manifests, then any tag file sorting after.
	var names []string
	for k := range tags {
		names = append(names, k)
	}
	sort.Strings(names)
	root := b.Name + "/"
	if err := s.dir(root); err != nil {
		return nil, err
	}
	writeTag := func(name string) error { return s.small(root+name, tags[name]) }
	for _, n := range names {
		if n < "data/" {
			if err := writeTag(n); err != nil {
				return nil, err
			}
		}
	}
	res := &Result{Files: len(payload), Bytes: total, Sums: map[string]map[string]string{}}
	dirs := map[string]bool{}
	for _, f := range payload {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, d := range parentDirs(f.Path) {
			if !dirs[d] {
				dirs[d] = true
				if err := s.dir(root + d + "/"); err != nil {
					return nil, err
				}
			}
		}
		label := f.Label
		if label == "" {
			label = f.Path
		}
		var sums map[string]string
		if f.Data != nil {
			sums = hashBytes(f.Data, algs)
			if err := s.small(root+f.Path, f.Data); err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
		} else {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			// Hash with every manifest algorithm, and with one of the
			// expected digests' algorithms if none of them is among those,
			// so that a change is always caught.
			use := algs
			if len(f.Expect) > 0 && !anyKey(f.Expect, algs) {
				use = append(append([]string(nil), algs...), sortedKeys(f.Expect)[0])
			}
			var n int64
			n, sums, err = s.stream(root+f.Path, f.Size, ctxReader{ctx, io.LimitReader(rc, f.Size+1)}, use)
			rc.Close()
			if err != nil {
				if n != f.Size && n > 0 {
					return nil, fmt.Errorf("%s: %w: it had %d bytes when the build started and now has more or fewer; run the build again", label, ErrChanged, f.Size)
				}
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			if n != f.Size {
				return nil, fmt.Errorf("%s: %w: it had %d bytes when the build started and now has %d; run the build again", label, ErrChanged, f.Size, n)
			}
		}
		for alg, want := range f.Expect {
			if got, ok := sums[alg]; ok && !strings.EqualFold(got, want) {
				return nil, fmt.Errorf("%s: %w: its %s was %s when the images were read and is %s now; run the build again", label, ErrChanged, alg, want, got)
			}
		}
		res.Sums[f.Path] = sums
	}
	// Payload manifests, then tag files sorting between, then tag manifests.
	manifests := map[string][]byte{}
	for _, alg := range algs {
		m := map[string]string{}
		for p, sums := range res.Sums {
			m[p] = sums[alg]
		}
		manifests["manifest-"+alg+".txt"] = FormatManifest(m)
	}
	for k, v := range manifests {
		tags[k] = v
	}
	tagSums := map[string]map[string]string{}
	for name, data := range tags {
		tagSums[name] = hashBytes(data, algs)
	}
	for _, alg := range algs {
		m := map[string]string{}
		for name, sums := range tagSums {
			m[name] = sums[alg]
		}
		tags["tagmanifest-"+alg+".txt"] = FormatManifest(m)
	}
	names = names[:0]
	for k := range tags {
		if k >= "data/" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if err := writeTag(n); err != nil {
			return nil, err
		}
	}
	return res, s.close()
}

// parentDirs returns the folders of a slash path, outermost first.
func parentDirs(p string) []string {
	var out []string
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		out = append([]string{d}, out...)
	}
	return out
}

// WriteZip writes the bag as a ZIP to w. w must also be an io.WriterAt on
// the same bytes (an *os.File): each stored entry's CRC-32 is computed while
// its bytes are copied and patched into its local header afterwards, so that
// no entry needs a data descriptor and every file is read once.
func (b *Bag) WriteZip(ctx context.Context, w WriterAtWriter) (*Result, error) {
	return b.write(ctx, newZipSink(w, b.Time))
}

// WriteTar writes the bag as a TAR (POSIX pax/ustar) to w.
func (b *Bag) WriteTar(ctx context.Context, w io.Writer) (*Result, error) {
	return b.write(ctx, newTarSink(w, b.Time))
}

// WriteDir writes the bag's files through create, which receives
// slash-separated paths that start with the bag's name and must make the
// folders it needs.
func (b *Bag) WriteDir(ctx context.Context, create func(rel string) (io.WriteCloser, error)) (*Result, error) {
	return b.write(ctx, &dirSink{create: create})
}

// WriteFile writes the bag to the file or folder dest (serialized as ser)
// through a temporary name beside it, renamed into place only when complete:
// an interrupted write leaves nothing at dest.
func (b *Bag) WriteFile(ctx context.Context, dest string, ser Serialization) (res *Result, err error) {
	dir := filepath.Dir(dest)
	if ser == Dir {
		tmp, err := os.MkdirTemp(dir, "."+filepath.Base(dest)+".tmp-")
		if err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				os.RemoveAll(tmp)
			}
		}()
		root, err := os.OpenRoot(tmp)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		res, err = b.WriteDir(ctx, func(rel string) (io.WriteCloser, error) {
			rel = strings.TrimPrefix(rel, b.Name+"/")
			if d := path.Dir(rel); d != "." {
				if err := root.MkdirAll(filepath.FromSlash(d), 0o755); err != nil {
					return nil, err
				}
			}
			return root.Create(filepath.FromSlash(rel))
		})
		if err != nil {
			return nil, err
		}
		if err := os.RemoveAll(dest); err != nil {
			return nil, err
		}
		return res, os.Rename(tmp, dest)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	switch ser {
	case Zip:
		res, err = b.WriteZip(ctx, f)
	case Tar:
		res, err = b.WriteTar(ctx, f)
	default:
		return nil, fmt.Errorf("unknown serialization %q", ser)
	}
	if err != nil {
		return nil, err
	}
	if err = f.Sync(); err != nil {
		return nil, err
	}
	if err = f.Close(); err != nil {
		return nil, err
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return nil, err
	}
	return res, os.Rename(f.Name(), dest)
}

// WriterAtWriter is written sequentially and patched at earlier offsets.
type WriterAtWriter interface {
	io.Writer
	io.WriterAt
}

// zipSink writes a ZIP with archive/zip, every entry through CreateRaw so
// that no extra timestamp field and no data descriptor is written.
type zipSink struct {
	f     WriterAtWriter
	count *countWriter
	zw    *zip.Writer
	date  uint16
	time  uint16
	buf   []byte
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newZipSink(f WriterAtWriter, t time.Time) *zipSink {
	cw := &countWriter{w: f}
	z := &zipSink{f: f, count: cw, zw: zip.NewWriter(cw), buf: make([]byte, 1<<20)}
	// klauspost/compress deflates many times faster than compress/flate
	// (and stores incompressible blocks quickly); its output is fixed for a
	// given version, so bags stay reproducible.
	z.zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.DefaultCompression)
	})
	z.date, z.time = msDosTime(t)
	return z
}

// msDosTime converts t (UTC) to the MS-DOS date and time of ZIP headers,
// clamped to the years 1980-2107 they can hold.
func msDosTime(t time.Time) (uint16, uint16) {
	t = t.UTC()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if t.Year() > 2107 {
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	d := uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	tm := uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return d, tm
}

func (z *zipSink) header(name string, method uint16) *zip.FileHeader {
	fh := &zip.FileHeader{
		Name:           name,
		Method:         method,
		ModifiedDate:   z.date,
		ModifiedTime:   z.time,
		CreatorVersion: 3<<8 | 20, // made on Unix, ZIP 2.0
		ReaderVersion:  20,
	}
	for _, r := range name {
		if r >= 0x80 {
			fh.Flags |= 0x800 // UTF-8 name
			break
		}
	}
	if strings.HasSuffix(name, "/") {
		fh.ExternalAttrs = (0o40755 << 16) | 0x10
	} else {
		fh.ExternalAttrs = 0o100644 << 16
	}
	return fh
}

func (z *zipSink) dir(name string) error {
	_, err := z.zw.CreateRaw(z.header(name, zip.Store))
	return err
}

func (z *zipSink) small(name string, data []byte) error {
	method := zip.Store
	body := data
	if compressible(name) && len(data) > 0 {
		var buf bytes.Buffer
		fw, err := flate.NewWriter(&buf, flate.DefaultCompression)
		if err != nil {
			return err
		}
		fw.Write(data)
		if err := fw.Close(); err != nil {
			return err
		}
		if buf.Len() < len(data) {
			method, body = zip.Deflate, buf.Bytes()
		}
	}
	fh := z.header(name, method)
	fh.CRC32 = crc32.ChecksumIEEE(data)
	fh.CompressedSize64 = uint64(len(body))
	fh.UncompressedSize64 = uint64(len(data))
	w, err := z.zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

const maxRawStream = 1<<32 - 2

func (z *zipSink) stream(name string, size int64, r io.Reader, algs []string) (int64, map[string]string, error) {
	if compressible(name) || size >= maxRawStream {
		// Deflated (or too large for a plain header): archive/zip computes
		// sizes and CRC and writes a data descriptor, Modified stays zero so
		// no extended timestamp is added.
		fh := z.header(name, zip.Deflate)
		if !compressible(name) {
			fh.Method = zip.Store
		}
		fh.ExternalAttrs = 0o100644 << 16
		w, err := z.zw.CreateHeader(fh)
		if err != nil {
			return 0, nil, err
		}
		n, sums, _, err := copyHashed(w, r, algs, false, z.buf)
		return n, sums, err
	}
	fh := z.header(name, zip.Store)
	fh.CompressedSize64 = uint64(size)
	fh.UncompressedSize64 = uint64(size)
	w, err := z.zw.CreateRaw(fh)
	if err != nil {
		return 0, nil, err
	}
	// CreateRaw has finished the previous entry and written this local
	// header (30 bytes, the name, no extra field): after a flush it ends at
	// the current count.
	if err := z.zw.Flush(); err != nil {
		return 0, nil, err
	}
	off := z.count.n - 30 - int64(len(fh.Name)) - int64(len(fh.Extra))
	n, sums, crc, err := copyHashed(&limitWriter{w: w, left: size}, r, algs, true, z.buf)
	if err != nil {
		return n, nil, err
	}
	if n != size {
		return n, nil, fmt.Errorf("%w: expected %d bytes, read %d", ErrChanged, size, n)
	}
	// archive/zip keeps fh for the central directory: set the CRC there and
	// patch the local header (CRC-32 at offset 14).
	fh.CRC32 = crc
	if err := z.zw.Flush(); err != nil {
		return n, nil, err
	}
	var le [4]byte
	binary.LittleEndian.PutUint32(le[:], crc)
	if _, err := z.f.WriteAt(le[:], off+14); err != nil {
		return n, nil, err
	}
	return n, sums, nil
}

func (z *zipSink) close() error { return z.zw.Close() }

// limitWriter refuses bytes beyond left (a file that grew while read).
type limitWriter struct {
	w    io.Writer
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, fmt.Errorf("%w: it is longer than when the build started", ErrChanged)
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}

// tarSink writes a POSIX TAR with fixed owner, mode and time.
type tarSink struct {
	tw  *tar.Writer
	bw  *bufio.Writer
	t   time.Time
	buf []byte
}

func newTarSink(w io.Writer, t time.Time) *tarSink {
	bw := bufio.NewWriterSize(w, 1<<16)
	return &tarSink{tw: tar.NewWriter(bw), bw: bw, t: t.UTC().Truncate(time.Second), buf: make([]byte, 1<<20)}
}

func (s *tarSink) hdr(name string, size int64) *tar.Header {
	h := &tar.Header{Name: name, Size: size, Mode: 0o644, ModTime: s.t, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if strings.HasSuffix(name, "/") {
		h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
	}
	if len(name) <= 100 && isASCII(name) {
		h.Format = tar.FormatUSTAR
	}
	return h
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (s *tarSink) dir(name string) error { return s.tw.WriteHeader(s.hdr(name, 0)) }

func (s *tarSink) small(name string, data []byte) error {
	if err := s.tw.WriteHeader(s.hdr(name, int64(len(data)))); err != nil {
		return err
	}
	_, err := s.tw.Write(data)
	return err
}

func (s *tarSink) stream(name string, size int64, r io.Reader, algs []string) (int64, map[string]string, error) {
	if err := s.tw.WriteHeader(s.hdr(name, size)); err != nil {
		return 0, nil, err
	}
	n, sums, _, err := copyHashed(&limitWriter{w: s.tw, left: size}, r, algs, false, s.buf)
	if err == nil && n != size {
		err = fmt.Errorf("%w: expected %d bytes, read %d", ErrChanged, size, n)
	}
	return n, sums, err
}

func (s *tarSink) close() error {
	if err := s.tw.Close(); err != nil {
		return err
	}
	return s.bw.Flush()
}

// dirSink writes plain files.
type dirSink struct {
	create func(rel string) (io.WriteCloser, error)
	buf    []byte
}

func (d *dirSink) dir(string) error { return nil }

func (d *dirSink) small(name string, data []byte) error {
	w, err := d.create(name)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func (d *dirSink) stream(name string, size int64, r io.Reader, algs []string) (int64, map[string]string, error) {
	w, err := d.create(name)
	if err != nil {
		return 0, nil, err
	}
	if d.buf == nil {
		d.buf = make([]byte, 1<<20)
	}
	n, sums, _, err := copyHashed(&limitWriter{w: w, left: size}, r, algs, false, d.buf)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, sums, err
}

func (d *dirSink) close() error { return nil }

func anyKey(m map[string]string, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}
