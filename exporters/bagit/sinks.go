package bagit

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"
)

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
	// skip counts bytes without writing them: they were put in the file
	// directly (zipSink.known).
	skip bool
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.skip {
		c.n += int64(len(p))
		return len(p), nil
	}
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
		Name:   name,
		Method: method,
		// The MS-DOS fields alone: Modified would add an extended
		// timestamp field to every entry.
		//lint:ignore SA1019 deliberate, see above
		ModifiedDate: z.date,
		//lint:ignore SA1019 deliberate, see above
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
	method, r := entryMethod(name, r)
	return z.entry(name, size, r, algs, method)
}

// entryMethod decides whether an entry is deflated. The name may allow it
// (a TIFF, say); then the bytes decide: an LZW or JPEG-compressed TIFF is
// stored, an uncompressed one deflated. The test depends on the bytes only,
// so bags stay reproducible. It returns the reader to read the entry from
// (the sample is buffered in it), or reads the sample at offset 0 of a file
// just opened.
func entryMethod(name string, r io.Reader) (uint16, io.Reader) {
	if !compressible(name) {
		return zip.Store, r
	}
	var sample []byte
	if f, ok := r.(*os.File); ok {
		sample = make([]byte, sampleSize)
		n, _ := f.ReadAt(sample, 0)
		sample = sample[:n]
	} else {
		br := bufio.NewReaderSize(r, sampleSize)
		sample, _ = br.Peek(sampleSize)
		r = br
	}
	if worthDeflating(sample) {
		return zip.Deflate, r
	}
	return zip.Store, r
}

// entry writes one streamed entry with the given method, hashing with algs.
func (z *zipSink) entry(name string, size int64, r io.Reader, algs []string, method uint16) (int64, map[string]string, error) {
	if method == zip.Deflate || size >= maxRawStream {
		// Deflated (or too large for a plain header): archive/zip computes
		// sizes and CRC and writes a data descriptor, Modified stays zero so
		// no extended timestamp is added.
		fh := z.header(name, method)
		fh.ExternalAttrs = 0o100644 << 16
		w, err := z.zw.CreateHeader(fh)
		if err != nil {
			return 0, nil, err
		}
		n, sums, _, err := copyHashed(w, r, algs, false, z.buf)
		return n, sums, err
	}
	// Stored with a complete local header (sizes known, CRC-32 patched in
	// after the copy) and no data descriptor, which some streaming readers
	// refuse on stored entries.
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

// known writes a stored entry whose CRC-32 is known: the local header is
// complete before the data, and the data is copied file to file by the
// kernel (copy_file_range on Linux) when both ends are files, not through
// archive/zip. So that archive/zip's offsets stay right, as many bytes are
// then written through it while the sink drops them (see countWriter.skip).
// Entries that are deflated go through stream (CRC computed while
// compressing).
func (z *zipSink) known(name string, size int64, crc string, r io.Reader) (int64, error) {
	sum, err := strconv.ParseUint(crc, 16, 32)
	method, r := entryMethod(name, r)
	if err != nil || method == zip.Deflate || size >= maxRawStream {
		n, _, err := z.entry(name, size, r, nil, method)
		return n, err
	}
	fh := z.header(name, zip.Store)
	fh.CRC32 = uint32(sum)
	fh.CompressedSize64 = uint64(size)
	fh.UncompressedSize64 = uint64(size)
	w, err := z.zw.CreateRaw(fh)
	if err != nil {
		return 0, err
	}
	src, srcOK := r.(*os.File)
	dst, dstOK := z.f.(*os.File)
	if !srcOK || !dstOK {
		n, err := io.CopyBuffer(onlyWriter{&limitWriter{w: w, left: size}}, io.LimitReader(r, size+1), z.buf)
		if err == nil && n != size {
			err = fmt.Errorf("%w: expected %d bytes, read %d", ErrChanged, size, n)
		}
		return n, err
	}
	if err := z.zw.Flush(); err != nil {
		return 0, err
	}
	// The file's offset is where the entry's data starts.
	n, err := dst.ReadFrom(io.LimitReader(src, size))
	if err != nil {
		return n, err
	}
	if n != size {
		return n, fmt.Errorf("%w: expected %d bytes, read %d", ErrChanged, size, n)
	}
	z.count.skip = true
	defer func() { z.count.skip = false }()
	for left := size; left > 0; {
		k := min(left, int64(len(zeros)))
		if _, err := w.Write(zeros[:k]); err != nil {
			return n, err
		}
		left -= k
	}
	return n, z.zw.Flush()
}

// sampleSize is how much of a large file worthDeflating looks at.
const sampleSize = 256 << 10

// worthDeflating reports whether the start of a file shrinks by at least a
// tenth when deflated at the fastest level: data already compressed (LZW
// or JPEG inside a TIFF, for example) does not, and deflating it would cost
// seconds per hundred megabytes for nothing.
func worthDeflating(sample []byte) bool {
	if len(sample) < 4096 {
		return true
	}
	var cw countWriter
	cw.w = io.Discard
	fw, err := flate.NewWriter(&cw, flate.BestSpeed)
	if err != nil {
		return true
	}
	fw.Write(sample)
	fw.Close()
	return cw.n < int64(len(sample))*9/10
}

// zeros stand for bytes already copied into a ZIP by known.
var zeros = make([]byte, 1<<20)

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

func (s *tarSink) known(name string, size int64, _ string, r io.Reader) (int64, error) {
	n, _, err := s.stream(name, size, r, nil)
	return n, err
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

func (d *dirSink) known(name string, size int64, _ string, r io.Reader) (int64, error) {
	n, _, err := d.stream(name, size, r, nil)
	return n, err
}

func (d *dirSink) close() error { return nil }
