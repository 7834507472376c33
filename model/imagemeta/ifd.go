// Package imagemeta reads the image file directories (IFDs) of TIFF files
// and of the EXIF blocks that JPEG and PNG files carry: classic TIFF and
// BigTIFF, both byte orders, with typed tag values. It is the one reader of
// IFDs in vitrine: the folder importer reads descriptive tags with it, the
// asset store the orientation, and the streaming TIFF decoder the layout of
// the pixels.
//
// Every read is bounded by the size of the input, so a damaged or hostile
// file gives an error (or a missing tag), never a huge allocation.
package imagemeta

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// ErrFormat is wrapped by every error about a file that is not a readable
// TIFF structure.
var ErrFormat = errors.New("imagemeta: not a valid TIFF structure")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// Type is the field type of an IFD entry (TIFF 6.0 section 2, BigTIFF).
type Type uint16

// The field types.
const (
	Byte      Type = 1
	ASCII     Type = 2
	Short     Type = 3
	Long      Type = 4
	Rational  Type = 5
	SByte     Type = 6
	Undefined Type = 7
	SShort    Type = 8
	SLong     Type = 9
	SRational Type = 10
	Float     Type = 11
	Double    Type = 12
	IFDType   Type = 13 // a 32-bit IFD offset
	Long8     Type = 16 // BigTIFF
	SLong8    Type = 17 // BigTIFF
	IFD8      Type = 18 // BigTIFF: a 64-bit IFD offset
)

// Size is the byte size of one value of type t, 0 for an unknown type.
func (t Type) Size() int {
	switch t {
	case Byte, ASCII, SByte, Undefined:
		return 1
	case Short, SShort:
		return 2
	case Long, SLong, Float, IFDType:
		return 4
	case Rational, SRational, Double, Long8, SLong8, IFD8:
		return 8
	}
	return 0
}

// Some tags, for callers' convenience.
const (
	TagImageWidth                = 256
	TagImageLength               = 257
	TagBitsPerSample             = 258
	TagCompression               = 259
	TagPhotometricInterpretation = 262
	TagImageDescription          = 270
	TagStripOffsets              = 273
	TagOrientation               = 274
	TagSamplesPerPixel           = 277
	TagRowsPerStrip              = 278
	TagStripByteCounts           = 279
	TagPlanarConfiguration       = 284
	TagDateTime                  = 306
	TagArtist                    = 315
	TagPredictor                 = 317
	TagColorMap                  = 320
	TagTileWidth                 = 322
	TagTileLength                = 323
	TagTileOffsets               = 324
	TagTileByteCounts            = 325
	TagExtraSamples              = 338
	TagSampleFormat              = 339
	TagXMP                       = 700
	TagCopyright                 = 33432
	TagIPTC                      = 33723
	TagExifIFD                   = 34665
	TagICCProfile                = 34675
	TagDateTimeOriginal          = 36867
)

// maxEntries bounds the entries of one IFD (real files have tens).
const maxEntries = 4096

// maxValueBytes bounds the values of one entry (the strip offsets of a
// gigapixel image stored one row per strip take 200 KB).
const maxValueBytes = 64 << 20

// File is an opened TIFF structure: its byte order, its flavour and the
// offset of its first IFD. A File reads from its ReaderAt on demand and is
// safe for concurrent use when the ReaderAt is.
type File struct {
	r    io.ReaderAt
	size int64
	// Order is the byte order of every value.
	Order binary.ByteOrder
	// Big is true for BigTIFF (64-bit offsets and counts).
	Big bool
	// First is the offset of the first IFD.
	First int64
}

// Open reads the header of a TIFF structure of size bytes: "II" or "MM",
// then 42 (classic) or 43 (BigTIFF).
func Open(r io.ReaderAt, size int64) (*File, error) {
	var h [16]byte
	n, err := r.ReadAt(h[:min(int64(len(h)), size)], 0)
	if n < 8 {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, bad("header: %v", err)
	}
	f := &File{r: r, size: size}
	switch string(h[:2]) {
	case "II":
		f.Order = binary.LittleEndian
	case "MM":
		f.Order = binary.BigEndian
	default:
		return nil, bad("byte order mark %q", h[:2])
	}
	switch f.Order.Uint16(h[2:]) {
	case 42:
		f.First = int64(f.Order.Uint32(h[4:]))
	case 43:
		if n < 16 || f.Order.Uint16(h[4:]) != 8 || f.Order.Uint16(h[6:]) != 0 {
			return nil, bad("BigTIFF header")
		}
		f.Big = true
		off := f.Order.Uint64(h[8:])
		if off > math.MaxInt64 {
			return nil, bad("IFD offset %d", off)
		}
		f.First = int64(off)
	default:
		return nil, bad("version %d (42 is TIFF, 43 BigTIFF)", f.Order.Uint16(h[2:]))
	}
	return f, nil
}

// OpenBytes is Open on a byte slice (an EXIF block, a TIFF file in memory).
func OpenBytes(b []byte) (*File, error) { return Open(bytesReaderAt(b), int64(len(b))) }

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Size is the size given to Open.
func (f *File) Size() int64 { return f.size }

// Entry is one tag of an IFD with its values, as stored (in the file's
// byte order).
type Entry struct {
	Tag   uint16
	Type  Type
	Count uint64
	raw   []byte
	order binary.ByteOrder
}

// Bytes returns the entry's values as stored, Count*Type.Size() bytes
// (ASCII text with its NUL, UNDEFINED blocks such as an XMP packet). The
// slice must not be modified.
func (e Entry) Bytes() []byte { return e.raw }

// Uints returns integer values (BYTE, SHORT, LONG, LONG8, IFD, IFD8 and
// their signed forms as unsigned bit patterns); an error for other types.
func (e Entry) Uints() ([]uint64, error) {
	out := make([]uint64, e.Count)
	switch e.Type {
	case Byte, SByte, Undefined:
		for i := range out {
			out[i] = uint64(e.raw[i])
		}
	case Short, SShort:
		for i := range out {
			out[i] = uint64(e.order.Uint16(e.raw[2*i:]))
		}
	case Long, SLong, IFDType:
		for i := range out {
			out[i] = uint64(e.order.Uint32(e.raw[4*i:]))
		}
	case Long8, SLong8, IFD8:
		for i := range out {
			out[i] = e.order.Uint64(e.raw[8*i:])
		}
	default:
		return nil, bad("tag %d: type %d is not an integer type", e.Tag, e.Type)
	}
	return out, nil
}

// Uint returns the first integer value, false when there is none.
func (e Entry) Uint() (uint64, bool) {
	if e.Count == 0 {
		return 0, false
	}
	switch e.Type {
	case Byte, SByte, Undefined:
		return uint64(e.raw[0]), true
	case Short, SShort:
		return uint64(e.order.Uint16(e.raw)), true
	case Long, SLong, IFDType:
		return uint64(e.order.Uint32(e.raw)), true
	case Long8, SLong8, IFD8:
		return e.order.Uint64(e.raw), true
	}
	return 0, false
}

// Rationals returns RATIONAL or SRATIONAL values as numerator and
// denominator pairs.
func (e Entry) Rationals() ([][2]int64, error) {
	if e.Type != Rational && e.Type != SRational {
		return nil, bad("tag %d: type %d is not a rational", e.Tag, e.Type)
	}
	out := make([][2]int64, e.Count)
	for i := range out {
		n, d := e.order.Uint32(e.raw[8*i:]), e.order.Uint32(e.raw[8*i+4:])
		if e.Type == SRational {
			out[i] = [2]int64{int64(int32(n)), int64(int32(d))}
		} else {
			out[i] = [2]int64{int64(n), int64(d)}
		}
	}
	return out, nil
}

// IFD is one image file directory.
type IFD struct {
	// Offset is where the IFD starts.
	Offset int64
	// Entries are the IFD's tags in file order.
	Entries []Entry
	// Next is the offset of the next IFD, 0 at the last.
	Next int64
}

// Get returns the entry of tag.
func (d *IFD) Get(tag uint16) (Entry, bool) {
	for _, e := range d.Entries {
		if e.Tag == tag {
			return e, true
		}
	}
	return Entry{}, false
}

// Uint returns the first integer value of tag, or def when the tag is
// absent or not an integer.
func (d *IFD) Uint(tag uint16, def uint64) uint64 {
	if e, ok := d.Get(tag); ok {
		if v, ok := e.Uint(); ok {
			return v
		}
	}
	return def
}

// ReadIFD reads the IFD at off with every entry's values. Entries of an
// unknown type, or whose values lie outside the file, are skipped (readers
// ignore what they do not know); an IFD that is itself outside the file is
// an error.
func (f *File) ReadIFD(off int64) (*IFD, error) {
	head, entrySize, countSize := int64(2), int64(12), 4
	if f.Big {
		head, entrySize, countSize = 8, 20, 8
	}
	if off < 8 || off > f.size-head {
		return nil, bad("IFD offset %d outside the %d-byte file", off, f.size)
	}
	var hb [8]byte
	if _, err := f.r.ReadAt(hb[:head], off); err != nil {
		return nil, bad("IFD at %d: %v", off, err)
	}
	var n uint64
	if f.Big {
		n = f.Order.Uint64(hb[:])
	} else {
		n = uint64(f.Order.Uint16(hb[:]))
	}
	if n > maxEntries {
		return nil, bad("IFD at %d has %d entries", off, n)
	}
	body := make([]byte, int64(n)*entrySize+int64(countSize))
	if off+head+int64(len(body)) > f.size {
		return nil, bad("IFD at %d (%d entries) runs past the end of the file", off, n)
	}
	if _, err := f.r.ReadAt(body, off+head); err != nil {
		return nil, bad("IFD at %d: %v", off, err)
	}
	d := &IFD{Offset: off}
	for i := 0; i < int(n); i++ {
		b := body[int64(i)*entrySize:]
		e := Entry{Tag: f.Order.Uint16(b), Type: Type(f.Order.Uint16(b[2:])), order: f.Order}
		var field []byte
		if f.Big {
			e.Count, field = f.Order.Uint64(b[4:]), b[12:20]
		} else {
			e.Count, field = uint64(f.Order.Uint32(b[4:])), b[8:12]
		}
		sz := e.Type.Size()
		if sz == 0 || e.Count > uint64(f.size) || e.Count > maxValueBytes/uint64(sz) {
			continue
		}
		total := int64(e.Count) * int64(sz)
		if total <= int64(len(field)) {
			e.raw = append([]byte(nil), field[:total]...)
		} else {
			var p int64
			if f.Big {
				p = int64(f.Order.Uint64(field))
			} else {
				p = int64(f.Order.Uint32(field))
			}
			if p < 0 || p > f.size-total {
				continue
			}
			e.raw = make([]byte, total)
			if _, err := f.r.ReadAt(e.raw, p); err != nil && !(errors.Is(err, io.EOF) && p+total == f.size) {
				continue
			}
		}
		d.Entries = append(d.Entries, e)
	}
	var next uint64
	if f.Big {
		next = f.Order.Uint64(body[len(body)-8:])
	} else {
		next = uint64(f.Order.Uint32(body[len(body)-4:]))
	}
	if next != 0 && (next > uint64(f.size) || int64(next) == off) {
		next = 0 // a damaged or looping chain ends here
	}
	d.Next = int64(next)
	return d, nil
}

// CountIFDs counts the IFDs of the main chain (the pages of a multi-page
// file), stopping at max or at a loop.
func (f *File) CountIFDs(max int) int {
	seen := map[int64]bool{}
	n := 0
	for off := f.First; off != 0 && n < max && !seen[off]; n++ {
		seen[off] = true
		d, err := f.ReadIFD(off)
		if err != nil {
			return n
		}
		off = d.Next
	}
	return n
}
