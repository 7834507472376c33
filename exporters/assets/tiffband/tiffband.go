// Package tiffband reads the first page of a TIFF file band by band, strip
// by strip or tile row by tile row, so that a master of any size is decoded
// in a memory bounded by its width, never by its area.
//
// It reads uncompressed, LZW, Deflate and PackBits data, with or without
// the horizontal predictor; 8 and 16 bits per sample; grey and RGB, with or
// without an alpha sample (composed on white); striped and tiled; classic
// TIFF and BigTIFF. Rows come out as 8-bit grey (1 byte per pixel) or RGB
// (3 bytes per pixel). Anything else (palette, CMYK, YCbCr, JPEG-in-TIFF,
// separate planes, floating point, other bit depths) gives ErrUnsupported,
// and the caller decodes the file another way.
//
// The pixel data is read through an io.ReaderAt in increasing offsets when
// the file stores its strips or tiles in order, as writers do: the asset
// store hashes the file as those reads go by, so the master is read once.
package tiffband

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"golang.org/x/image/tiff/lzw"

	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

// ErrUnsupported is wrapped by Open's error for a TIFF this package does
// not stream.
var ErrUnsupported = errors.New("tiffband: TIFF layout not read band by band")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// Compression schemes read.
const (
	compNone     = 1
	compLZW      = 5
	compDeflate  = 8
	compDeflateO = 32946 // the old code of Deflate
	compPackBits = 32773
)

// Decoder reads the rows of the first page of a TIFF in order. It is not
// safe for concurrent use (it decodes the units of one call in parallel
// itself).
type Decoder struct {
	// Width and Height are the page's size in pixels.
	Width, Height int
	// Channels is 1 (grey) or 3 (RGB): the bytes per pixel of the rows.
	Channels int
	// Bits is the stored bits per sample, 8 or 16.
	Bits int
	// Pages is the number of images in the file's main IFD chain (at
	// most 100 counted); only the first is read.
	Pages int
	// Orientation is tag 274 (1-8), not applied.
	Orientation int
	// ICC is the embedded ICC profile (tag 34675), nil when absent.
	ICC []byte
	// Tiled says whether the page is stored in tiles.
	Tiled bool

	data        io.ReaderAt
	order       binary.ByteOrder
	compression int
	predictor   int
	spp         int  // samples per pixel stored
	alpha       int  // 0 none, 1 associated (premultiplied), 2 unassociated
	white       bool // WhiteIsZero
	unitH       int  // rows per strip, or tile length
	tileW       int
	across      int // tiles across
	offsets     []uint64
	counts      []uint64

	next  int        // the next row ReadRows returns
	carry *unitState // the unit the last call stopped inside
	bufs  [][]byte   // compressed units of one call, reused
}

// Open reads the layout of the first page from meta (the header and the
// IFD: a few kilobytes) and prepares to read its pixels from data, both
// views of the same file of size bytes. It fails with ErrUnsupported for a
// layout it does not read, and with imagemeta.ErrFormat for a damaged
// file.
func Open(meta, data io.ReaderAt, size int64) (*Decoder, error) {
	f, err := imagemeta.Open(meta, size)
	if err != nil {
		return nil, err
	}
	ifd, err := f.ReadIFD(f.First)
	if err != nil {
		return nil, err
	}
	d := &Decoder{data: data, order: f.Order, Pages: f.CountIFDs(100)}
	get := func(tag uint16) []uint64 {
		e, ok := ifd.Get(tag)
		if !ok {
			return nil
		}
		v, err := e.Uints()
		if err != nil {
			return nil
		}
		return v
	}
	one := func(tag uint16, def uint64) uint64 { return ifd.Uint(tag, def) }
	w, h := one(imagemeta.TagImageWidth, 0), one(imagemeta.TagImageLength, 0)
	if w == 0 || h == 0 || w > 1<<24 || h > 1<<24 {
		return nil, fmt.Errorf("%w: size %dx%d", imagemeta.ErrFormat, w, h)
	}
	d.Width, d.Height = int(w), int(h)
	d.Orientation = int(one(imagemeta.TagOrientation, 1))
	if d.Orientation < 1 || d.Orientation > 8 {
		d.Orientation = 1
	}
	if e, ok := ifd.Get(imagemeta.TagICCProfile); ok {
		d.ICC = e.Bytes()
	}
	d.spp = int(one(imagemeta.TagSamplesPerPixel, 1))
	bps := get(imagemeta.TagBitsPerSample)
	if len(bps) == 0 {
		bps = []uint64{1}
	}
	d.Bits = int(bps[0])
	for _, b := range bps {
		if int(b) != d.Bits {
			return nil, unsupported("mixed bits per sample %v", bps)
		}
	}
	if d.Bits != 8 && d.Bits != 16 {
		return nil, unsupported("%d bits per sample", d.Bits)
	}
	if sf := get(imagemeta.TagSampleFormat); len(sf) > 0 && sf[0] != 1 {
		return nil, unsupported("sample format %d (not unsigned integers)", sf[0])
	}
	if pc := one(imagemeta.TagPlanarConfiguration, 1); pc != 1 {
		return nil, unsupported("separate planes")
	}
	d.compression = int(one(imagemeta.TagCompression, 1))
	switch d.compression {
	case compNone, compLZW, compDeflate, compDeflateO, compPackBits:
	default:
		return nil, unsupported("compression %d", d.compression)
	}
	d.predictor = int(one(imagemeta.TagPredictor, 1))
	if d.predictor != 1 && d.predictor != 2 {
		return nil, unsupported("predictor %d", d.predictor)
	}
	colour := 0
	switch pm := one(imagemeta.TagPhotometricInterpretation, 99); pm {
	case 0, 1:
		d.white, d.Channels, colour = pm == 0, 1, 1
	case 2:
		d.Channels, colour = 3, 3
	default:
		return nil, unsupported("photometric interpretation %d", pm)
	}
	if d.spp < colour || d.spp > colour+8 {
		return nil, unsupported("%d samples per pixel for %d colour samples", d.spp, colour)
	}
	if d.spp > colour {
		if ex := get(imagemeta.TagExtraSamples); len(ex) > 0 && (ex[0] == 1 || ex[0] == 2) {
			d.alpha = int(ex[0])
		}
	}
	if tw := one(imagemeta.TagTileWidth, 0); tw != 0 {
		th := one(imagemeta.TagTileLength, 0)
		if th == 0 || tw > 1<<16 || th > 1<<16 {
			return nil, fmt.Errorf("%w: tiles of %dx%d", imagemeta.ErrFormat, tw, th)
		}
		d.Tiled, d.tileW, d.unitH = true, int(tw), int(th)
		d.across = (d.Width + d.tileW - 1) / d.tileW
		d.offsets, d.counts = get(imagemeta.TagTileOffsets), get(imagemeta.TagTileByteCounts)
	} else {
		rps := one(imagemeta.TagRowsPerStrip, h)
		d.unitH = int(min(max(rps, 1), h))
		d.offsets, d.counts = get(imagemeta.TagStripOffsets), get(imagemeta.TagStripByteCounts)
	}
	units := d.units() * max(d.across, 1)
	if len(d.offsets) < units || len(d.counts) < units {
		return nil, fmt.Errorf("%w: %d strip or tile offsets and %d byte counts for %d", imagemeta.ErrFormat, len(d.offsets), len(d.counts), units)
	}
	for i := range units {
		if d.counts[i] > uint64(size) || d.offsets[i] > uint64(size)-d.counts[i] {
			return nil, fmt.Errorf("%w: strip or tile %d (%d bytes at %d) lies outside the %d-byte file", imagemeta.ErrFormat, i, d.counts[i], d.offsets[i], size)
		}
	}
	return d, nil
}

// units is the number of strips, or of rows of tiles.
func (d *Decoder) units() int { return (d.Height + d.unitH - 1) / d.unitH }

// UnitRows is the rows of one strip or tile row: bands that are multiples
// of it are decoded without carrying rows over.
func (d *Decoder) UnitRows() int { return d.unitH }

// RowBytes is the length of one output row.
func (d *Decoder) RowBytes() int { return d.Width * d.Channels }

// Next is the row the next ReadRows call starts at.
func (d *Decoder) Next() int { return d.next }

// ReadRows decodes the next n rows into dst (n*RowBytes() bytes), the
// strips or tiles wholly inside them in parallel.
func (d *Decoder) ReadRows(dst []byte, n int) error {
	rb := d.RowBytes()
	if n <= 0 || d.next+n > d.Height || len(dst) < n*rb {
		return fmt.Errorf("tiffband: %d rows from row %d of %d", n, d.next, d.Height)
	}
	y, end := d.next, d.next+n
	// 1. The rest of the unit the last call stopped inside.
	if c := d.carry; c != nil {
		for ; y < end && y < c.end; y++ {
			if err := c.row(dst[(y-d.next)*rb:][:rb]); err != nil {
				return d.unitErr(c.u, err)
			}
		}
		if y == c.end {
			d.carry = nil
		}
	}
	// 2. Units wholly inside [y, end): read in file order, decoded in
	// parallel.
	u0 := y / d.unitH
	u1 := u0
	for y < end && u1 < d.units() && min((u1+1)*d.unitH, d.Height) <= end {
		u1++
	}
	if u1 > u0 {
		if err := d.fetch(u0, u1); err != nil {
			return err
		}
		if err := d.decodeUnits(dst[(y-d.next)*rb:], u0, u1); err != nil {
			return err
		}
		y = min(u1*d.unitH, d.Height)
	}
	// 3. The unit the band ends inside.
	if y < end {
		c, err := d.openUnit(y/d.unitH, nil)
		if err != nil {
			return err
		}
		for ; y < end; y++ {
			if err := c.row(dst[(y-d.next)*rb:][:rb]); err != nil {
				return d.unitErr(c.u, err)
			}
		}
		d.carry = c
	}
	d.next = end
	return nil
}

func (d *Decoder) unitErr(u int, err error) error {
	what := "strip"
	if d.Tiled {
		what = "row of tiles"
	}
	return fmt.Errorf("tiffband: %s %d: %w", what, u, err)
}

// pieces returns the index of the strips or tiles of unit u.
func (d *Decoder) pieces(u int) (lo, hi int) {
	if d.Tiled {
		return u * d.across, (u + 1) * d.across
	}
	return u, u + 1
}

// fetch reads the compressed bytes of units [u0, u1) in order of offset
// into d.bufs (one slice per strip or tile).
func (d *Decoder) fetch(u0, u1 int) error {
	lo, _ := d.pieces(u0)
	_, hi := d.pieces(u1 - 1)
	n := hi - lo
	for len(d.bufs) < n {
		d.bufs = append(d.bufs, nil)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = lo + i
	}
	// Writers store pieces in order; sort only if one is not.
	sorted := true
	for i := 1; i < n; i++ {
		if d.offsets[order[i]] < d.offsets[order[i-1]] {
			sorted = false
		}
	}
	if !sorted {
		sortByOffset(order, d.offsets)
	}
	for _, p := range order {
		b := d.bufs[p-lo]
		c := int(d.counts[p])
		if cap(b) < c {
			b = make([]byte, c)
		}
		b = b[:c]
		if c > 0 {
			if _, err := d.data.ReadAt(b, int64(d.offsets[p])); err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("tiffband: reading piece %d: %w", p, err)
			}
		}
		d.bufs[p-lo] = b
	}
	return nil
}

func sortByOffset(order []int, off []uint64) {
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && off[order[j]] < off[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}

// decodeUnits decodes units [u0, u1), fetched, into dst (from the first
// row of u0), on up to GOMAXPROCS goroutines.
func (d *Decoder) decodeUnits(dst []byte, u0, u1 int) error {
	rb := d.RowBytes()
	lo, _ := d.pieces(u0)
	jobs := make(chan int)
	errs := make([]error, u1-u0)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), u1-u0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range jobs {
				pl, ph := d.pieces(u)
				c, err := d.openUnit(u, d.bufs[pl-lo:ph-lo])
				if err == nil {
					out := dst[(u-u0)*d.unitH*rb:]
					for r := 0; r < c.end-c.start; r++ {
						if err = c.row(out[r*rb:][:rb]); err != nil {
							break
						}
					}
				}
				if err != nil {
					errs[u-u0] = d.unitErr(u, err)
				}
			}
		}()
	}
	for u := u0; u < u1; u++ {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	return errors.Join(errs...)
}

// unitState reads the rows of one unit in order.
type unitState struct {
	u          int
	start, end int // rows of the image
	row        func(dst []byte) error
}

// openUnit prepares to read unit u from its compressed pieces (nil: read
// them from d.data now).
func (d *Decoder) openUnit(u int, bufs [][]byte) (*unitState, error) {
	c := &unitState{u: u, start: u * d.unitH, end: min((u+1)*d.unitH, d.Height)}
	pl, ph := d.pieces(u)
	src := func(i int) io.Reader {
		if bufs != nil {
			return bytes.NewReader(bufs[i])
		}
		p := pl + i
		r := io.NewSectionReader(d.data, int64(d.offsets[p]), int64(d.counts[p]))
		return bufio.NewReaderSize(r, 1<<20)
	}
	rawRow := d.Width * d.spp * d.Bits / 8
	if !d.Tiled && bufs != nil && d.compression == compLZW {
		// The whole strip at once, with the faster decoder.
		rows := c.end - c.start
		whole := getBuf(rows * rawRow)
		n, err := lzwDecode(whole, bufs[0])
		if err == nil && n < len(whole) {
			err = fmt.Errorf("short data: %d of %d bytes", n, len(whole))
		}
		if err != nil {
			putBuf(whole)
			return nil, d.unitErr(u, err)
		}
		r := 0
		c.row = func(dst []byte) error {
			d.convert(dst, whole[r*rawRow:(r+1)*rawRow], d.Width)
			if r++; r == rows {
				putBuf(whole)
			}
			return nil
		}
		return c, nil
	}
	if !d.Tiled {
		rd, err := d.decompressor(src(0))
		if err != nil {
			return nil, d.unitErr(u, err)
		}
		raw := make([]byte, d.Width*d.spp*d.Bits/8)
		c.row = func(dst []byte) error {
			if _, err := io.ReadFull(rd, raw); err != nil {
				return fmt.Errorf("short data: %w", err)
			}
			d.convert(dst, raw, d.Width)
			return nil
		}
		return c, nil
	}
	// A row of tiles: each tile decoded whole, in parallel when the tiles
	// were fetched, its rows converted into the unit's rows.
	rows := c.end - c.start
	rb := d.RowBytes()
	buf := make([]byte, rows*rb)
	tileRaw := d.tileW * d.spp * d.Bits / 8
	decodeTile := func(i int) error {
		x0 := i * d.tileW
		w := min(d.tileW, d.Width-x0)
		if bufs != nil && d.compression == compLZW {
			whole := getBuf(rows * tileRaw)
			defer putBuf(whole)
			if n, err := lzwDecode(whole, bufs[i]); err != nil || n < len(whole) {
				return fmt.Errorf("tile %d: short or invalid data (%d of %d bytes): %v", pl+i, n, len(whole), err)
			}
			for r := 0; r < rows; r++ {
				d.convert(buf[r*rb+x0*d.Channels:], whole[r*tileRaw:(r+1)*tileRaw], w)
			}
			return nil
		}
		rd, err := d.decompressor(src(i))
		if err != nil {
			return err
		}
		raw := make([]byte, tileRaw)
		for r := 0; r < rows; r++ {
			if _, err := io.ReadFull(rd, raw); err != nil {
				return fmt.Errorf("tile %d: short data: %w", pl+i, err)
			}
			d.convert(buf[r*rb+x0*d.Channels:], raw, w)
		}
		return nil
	}
	var err error
	if bufs != nil {
		errs := make([]error, ph-pl)
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for i := range ph - pl {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				errs[i] = decodeTile(i)
				<-sem
			}()
		}
		wg.Wait()
		err = errors.Join(errs...)
	} else {
		for i := range ph - pl {
			if err = decodeTile(i); err != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, d.unitErr(u, err)
	}
	next := 0
	c.row = func(dst []byte) error {
		copy(dst, buf[next*rb:(next+1)*rb])
		next++
		return nil
	}
	return c, nil
}

// bufPool recycles the buffers strips and tiles are decoded into.
var bufPool sync.Pool

func getBuf(n int) []byte {
	if b, ok := bufPool.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]byte, n)
}

func putBuf(b []byte) { bufPool.Put(&b) }

// decompressor returns the decompressed bytes of one strip or tile, with
// the horizontal predictor undone row by row by convert's caller.
func (d *Decoder) decompressor(r io.Reader) (io.Reader, error) {
	var rd io.Reader
	switch d.compression {
	case compNone:
		rd = r
	case compLZW:
		rd = lzw.NewReader(r, lzw.MSB, 8)
	case compDeflate, compDeflateO:
		z, err := zlib.NewReader(r)
		if err != nil {
			return nil, err
		}
		rd = z
	case compPackBits:
		rd = &packBits{r: asByteReader(r)}
	}
	return rd, nil
}

func asByteReader(r io.Reader) io.ByteReader {
	if br, ok := r.(io.ByteReader); ok {
		return br
	}
	return bufio.NewReader(r)
}

// convert undoes the predictor on one row of w stored pixels (raw, modified)
// and writes it to dst as 8-bit grey or RGB, alpha composed on white.
func (d *Decoder) convert(dst, raw []byte, w int) {
	spp := d.spp
	n := w * spp
	if d.Bits == 16 {
		// Predictor on 16-bit values, then keep the high byte.
		hi, lo := 1, 0
		if d.order == binary.BigEndian {
			hi, lo = 0, 1
		}
		if d.predictor == 2 {
			prev := make([]uint16, spp)
			for i := 0; i < n; i++ {
				v := uint16(raw[2*i+hi])<<8 | uint16(raw[2*i+lo])
				v += prev[i%spp]
				prev[i%spp] = v
				raw[2*i+hi], raw[2*i+lo] = byte(v>>8), byte(v)
			}
		}
		for i := 0; i < n; i++ {
			raw[i] = raw[2*i+hi]
		}
	} else if d.predictor == 2 {
		for i := spp; i < n; i++ {
			raw[i] += raw[i-spp]
		}
	}
	ch := d.Channels
	switch {
	case spp == ch && !d.white:
		copy(dst[:w*ch], raw[:n])
	case d.alpha == 0:
		for x := 0; x < w; x++ {
			copy(dst[x*ch:x*ch+ch], raw[x*spp:x*spp+ch])
		}
	default:
		for x := 0; x < w; x++ {
			p := raw[x*spp:]
			a := uint32(p[ch])
			for c := 0; c < ch; c++ {
				v := uint32(p[c])
				if d.white {
					v = 255 - v
				}
				if d.alpha == 2 { // unassociated: premultiply
					v = (v*a + 127) / 255
				}
				dst[x*ch+c] = byte(min(v+255-a, 255))
			}
		}
		return
	}
	if d.white {
		for i := range dst[:w*ch] {
			dst[i] = 255 - dst[i]
		}
	}
}

// packBits decodes PackBits (TIFF 6.0 section 9) as a stream.
type packBits struct {
	r   io.ByteReader
	run int  // bytes left in the current run
	lit bool // the run is literal bytes (else one byte repeated)
	b   byte
}

func (p *packBits) Read(out []byte) (int, error) {
	n := 0
	for n < len(out) {
		if p.run == 0 {
			h, err := p.r.ReadByte()
			if err != nil {
				if n > 0 {
					return n, nil
				}
				return 0, err
			}
			switch c := int8(h); {
			case c >= 0:
				p.run, p.lit = int(c)+1, true
			case c != -128:
				b, err := p.r.ReadByte()
				if err != nil {
					return n, io.ErrUnexpectedEOF
				}
				p.run, p.lit, p.b = 1-int(c), false, b
			}
			continue
		}
		if p.lit {
			b, err := p.r.ReadByte()
			if err != nil {
				return n, io.ErrUnexpectedEOF
			}
			out[n] = b
		} else {
			out[n] = p.b
		}
		n++
		p.run--
	}
	return n, nil
}
