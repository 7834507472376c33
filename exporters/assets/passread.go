package assets

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"sync"
)

// passReader reads a master once, front to back, for a decoder that reads
// at offsets (io.ReaderAt): every byte goes to the hashes (SHA-256, SHA-512,
// CRC-32) and to the spool in file order, on other goroutines, while the
// decoder works on what it asked for. A read ahead of the pass first passes
// the bytes before it; a read behind it (a file whose strips are out of
// order) is served from the file again and counted in reread. Finish passes
// the rest of the file and returns the digests.
//
// It is not safe for concurrent use.
type passReader struct {
	r      io.ReaderAt
	size   int64
	pos    int64 // bytes passed to the hashes
	reread int64

	sinks []chan []byte // one per hashing goroutine
	wg    sync.WaitGroup
	errs  []error
	pool  sync.Pool
	h256  hash.Hash
	h512  hash.Hash
	crc   hash.Hash32
}

// passChunk is the size of the copies handed to the hashing goroutines.
const passChunk = 1 << 20

// newPassReader starts the hashing goroutines; spool, when not nil,
// receives a copy of the file. Finish must be called to stop them.
func newPassReader(r io.ReaderAt, size int64, spool io.Writer) *passReader {
	p := &passReader{r: r, size: size, h256: sha256.New(), h512: sha512.New(), crc: crc32.NewIEEE()}
	p.pool.New = func() any { return make([]byte, 0, passChunk) }
	workers := []io.Writer{p.h512, io.MultiWriter(p.h256, p.crc)}
	if spool != nil {
		workers = append(workers, spool)
	}
	p.errs = make([]error, len(workers))
	for i, w := range workers {
		ch := make(chan []byte, 16)
		p.sinks = append(p.sinks, ch)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for b := range ch {
				if p.errs[i] == nil {
					_, p.errs[i] = w.Write(b)
				}
				p.release(b)
			}
		}()
	}
	return p
}

// feed hands every hashing goroutine its own copy of b (a copy costs far
// less than a hash, and b belongs to the decoder).
func (p *passReader) feed(b []byte) {
	for len(b) > 0 {
		n := min(len(b), passChunk)
		for _, ch := range p.sinks {
			c := append(p.pool.Get().([]byte)[:0], b[:n]...)
			ch <- c
		}
		b = b[n:]
	}
}

func (p *passReader) release(b []byte) {
	//lint:ignore SA6002 a slice header costs one small allocation per 1 MiB chunk, negligible beside hashing it
	p.pool.Put(b[:0])
}

// advance passes the bytes [pos, to) through the hashes.
func (p *passReader) advance(to int64) error {
	buf := p.pool.Get().([]byte)[:passChunk]
	//lint:ignore SA6002 as in release
	defer p.pool.Put(buf[:0])
	for p.pos < to {
		n := int(min(int64(len(buf)), to-p.pos))
		m, err := p.r.ReadAt(buf[:n], p.pos)
		p.feed(buf[:m])
		p.pos += int64(m)
		if m < n {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("reading at %d: %w", p.pos, err)
		}
	}
	return nil
}

// ReadAt implements io.ReaderAt.
func (p *passReader) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(b)) > p.size {
		return 0, fmt.Errorf("read of %d bytes at %d outside the %d-byte file", len(b), off, p.size)
	}
	total, end := len(b), off+int64(len(b))
	if off < p.pos {
		// Behind the pass: read again what was already hashed.
		k := min(end, p.pos) - off
		if _, err := p.r.ReadAt(b[:k], off); err != nil && !(errors.Is(err, io.EOF) && off+k == p.size) {
			return 0, err
		}
		p.reread += k
		if end <= p.pos {
			return total, nil
		}
		b, off = b[k:], p.pos
	} else if err := p.advance(off); err != nil {
		return 0, err
	}
	n, err := p.r.ReadAt(b, off)
	p.feed(b[:n])
	p.pos += int64(n)
	if n < len(b) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return total - len(b) + n, err
	}
	return total, nil
}

// Stop ends the hashing goroutines without passing the rest of the file
// (after a failure); the digests are then incomplete.
func (p *passReader) Stop() {
	for _, ch := range p.sinks {
		close(ch)
	}
	p.sinks = nil
	p.wg.Wait()
}

// Finish passes the rest of the file, waits for the hashing goroutines and
// returns the hex digests. After an error from advance the digests are
// empty.
func (p *passReader) Finish() (sha256, sha512, crc string, err error) {
	err = p.advance(p.size)
	p.Stop()
	if err == nil {
		err = errors.Join(p.errs...)
	}
	if err != nil {
		return "", "", "", err
	}
	return hex.EncodeToString(p.h256.Sum(nil)), hex.EncodeToString(p.h512.Sum(nil)), fmt.Sprintf("%08x", p.crc.Sum32()), nil
}
