package bagit

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"strings"
	"sync"
)

// Algorithms lists the checksum algorithms vitrine can write and check, by
// their BagIt names (the <alg> of manifest-<alg>.txt).
var Algorithms = []string{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}

// DefaultAlgorithms are written unless asked otherwise: RFC 8493 section 2.4
// names SHA-512 and SHA-256.
var DefaultAlgorithms = []string{"sha256", "sha512"}

func newHash(alg string) (hash.Hash, error) {
	switch alg {
	case "md5":
		return md5.New(), nil
	case "sha1":
		return sha1.New(), nil
	case "sha224":
		return sha256.New224(), nil
	case "sha256":
		return sha256.New(), nil
	case "sha384":
		return sha512.New384(), nil
	case "sha512":
		return sha512.New(), nil
	}
	return nil, fmt.Errorf("checksum algorithm %q is not supported (supported: %s)", alg, strings.Join(Algorithms, ", "))
}

// ParseAlgorithms checks a list of algorithm names (as given to --checksums)
// and returns them lower-cased, without duplicates, in the order given.
func ParseAlgorithms(names []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] {
			continue
		}
		if _, err := newHash(n); err != nil {
			return nil, err
		}
		seen[n] = true
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no checksum algorithm given (use e.g. sha256,sha512)")
	}
	return out, nil
}

// hashReader computes several digests of the bytes read through it, one
// goroutine per digest, while the caller writes the same bytes elsewhere
// (into the archive). Each chunk returned by Read is hashed concurrently with
// the caller's use of it; the next Read waits until every digest has taken
// the previous chunk, since the caller may then reuse the buffer.
//
// The caller must call Close (even after an error) to stop the goroutines.
type hashReader struct {
	r       io.Reader
	algs    []string
	hashes  []hash.Hash
	crc     hash.Hash32
	feeds   []chan []byte
	wg      sync.WaitGroup
	pending bool
	n       int64
	closed  bool
}

// newHashReader hashes r with algs and, when withCRC, a ZIP CRC-32 too.
func newHashReader(r io.Reader, algs []string, withCRC bool) (*hashReader, error) {
	h := &hashReader{r: r, algs: algs}
	for _, a := range algs {
		x, err := newHash(a)
		if err != nil {
			return nil, err
		}
		h.hashes = append(h.hashes, x)
	}
	all := append([]hash.Hash(nil), h.hashes...)
	if withCRC {
		h.crc = crc32.NewIEEE()
		all = append(all, h.crc)
	}
	for _, x := range all {
		ch := make(chan []byte)
		h.feeds = append(h.feeds, ch)
		go func(x hash.Hash, ch chan []byte) {
			for p := range ch {
				x.Write(p)
				h.wg.Done()
			}
		}(x, ch)
	}
	return h, nil
}

func (h *hashReader) wait() {
	if h.pending {
		h.wg.Wait()
		h.pending = false
	}
}

// Read implements io.Reader.
func (h *hashReader) Read(p []byte) (int, error) {
	h.wait()
	n, err := h.r.Read(p)
	if n > 0 {
		h.n += int64(n)
		h.wg.Add(len(h.feeds))
		h.pending = true
		for _, ch := range h.feeds {
			ch <- p[:n]
		}
	}
	return n, err
}

// Close waits for the digests and stops the goroutines.
func (h *hashReader) Close() {
	if h.closed {
		return
	}
	h.wait()
	for _, ch := range h.feeds {
		close(ch)
	}
	h.closed = true
}

// Sums returns the hex digests by algorithm; call after Close.
func (h *hashReader) Sums() map[string]string {
	out := make(map[string]string, len(h.algs))
	for i, a := range h.algs {
		out[a] = hex.EncodeToString(h.hashes[i].Sum(nil))
	}
	return out
}

// CRC returns the CRC-32 of the bytes read; call after Close.
func (h *hashReader) CRC() uint32 {
	if h.crc == nil {
		return 0
	}
	return h.crc.Sum32()
}

// hashBytes returns the digests of an in-memory file.
func hashBytes(data []byte, algs []string) map[string]string {
	out := make(map[string]string, len(algs))
	for _, a := range algs {
		x, err := newHash(a)
		if err != nil {
			continue
		}
		x.Write(data)
		out[a] = hex.EncodeToString(x.Sum(nil))
	}
	return out
}

// copyHashed copies r to w, hashing with algs (and CRC-32 when withCRC), one
// goroutine per digest. It returns the number of bytes copied.
func copyHashed(w io.Writer, r io.Reader, algs []string, withCRC bool, buf []byte) (n int64, sums map[string]string, crc uint32, err error) {
	hr, err := newHashReader(r, algs, withCRC)
	if err != nil {
		return 0, nil, 0, err
	}
	n, err = io.CopyBuffer(onlyWriter{w}, hr, buf)
	hr.Close()
	if err != nil {
		return n, nil, 0, err
	}
	return n, hr.Sums(), hr.CRC(), nil
}

// onlyWriter hides a destination's ReadFrom so that io.CopyBuffer uses the
// given buffer and the hashReader's chunking.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

// ctxReader stops a long copy when ctx is cancelled (Ctrl-C).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
