package imagemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// field is one entry for build: a type and its values.
type field struct {
	tag  uint16
	typ  Type
	vals []uint64 // integers; for ASCII/UNDEFINED use raw
	raw  []byte
}

// build writes a TIFF structure with one IFD (and an optional second,
// chained) in the given order and flavour, values that do not fit in the
// entry placed after the IFD.
func build(order binary.ByteOrder, big bool, pages ...[]field) []byte {
	var b bytes.Buffer
	if order == binary.LittleEndian {
		b.WriteString("II")
	} else {
		b.WriteString("MM")
	}
	u16 := func(v uint16) { binary.Write(&b, order, v) }
	u32 := func(v uint32) { binary.Write(&b, order, v) }
	u64 := func(v uint64) { binary.Write(&b, order, v) }
	off := func(v int64) {
		if big {
			u64(uint64(v))
		} else {
			u32(uint32(v))
		}
	}
	if big {
		u16(43)
		u16(8)
		u16(0)
		u64(16)
	} else {
		u16(42)
		u32(8)
	}
	for pi, fs := range pages {
		start := int64(b.Len())
		entry, head, cnt := int64(12), int64(2), int64(4)
		if big {
			entry, head, cnt = 20, 8, 8
		}
		extra := start + head + entry*int64(len(fs)) + cnt
		var ext bytes.Buffer
		if big {
			u64(uint64(len(fs)))
		} else {
			u16(uint16(len(fs)))
		}
		for _, f := range fs {
			var val bytes.Buffer
			count := uint64(len(f.vals))
			if f.raw != nil {
				val.Write(f.raw)
				count = uint64(len(f.raw))
			} else {
				if f.typ == Rational || f.typ == SRational { // vals are numerator, denominator, ...
					count /= 2
				}
				for _, v := range f.vals {
					switch sz := f.typ.Size(); {
					case f.typ == Rational || f.typ == SRational:
						binary.Write(&val, order, uint32(v))
					case sz == 1:
						val.WriteByte(byte(v))
					case sz == 2:
						binary.Write(&val, order, uint16(v))
					case sz == 4:
						binary.Write(&val, order, uint32(v))
					case sz == 8:
						binary.Write(&val, order, v)
					}
				}
			}
			u16(f.tag)
			u16(uint16(f.typ))
			if big {
				u64(count)
			} else {
				u32(uint32(count))
			}
			room := 4
			if big {
				room = 8
			}
			if val.Len() <= room {
				p := make([]byte, room)
				copy(p, val.Bytes())
				b.Write(p)
			} else {
				off(extra + int64(ext.Len()))
				ext.Write(val.Bytes())
				if ext.Len()%2 == 1 {
					ext.WriteByte(0)
				}
			}
		}
		next := int64(0)
		if pi < len(pages)-1 {
			next = extra + int64(ext.Len())
		}
		off(next)
		b.Write(ext.Bytes())
	}
	return b.Bytes()
}

func TestReadIFD(t *testing.T) {
	fields := []field{
		{tag: TagImageWidth, typ: Short, vals: []uint64{640}},
		{tag: TagImageLength, typ: Long, vals: []uint64{480}},
		{tag: TagBitsPerSample, typ: Short, vals: []uint64{16, 16, 16}},
		{tag: TagOrientation, typ: Short, vals: []uint64{6}},
		{tag: TagStripOffsets, typ: Long8, vals: []uint64{1 << 33, 5}},
		{tag: TagArtist, typ: ASCII, raw: []byte("Ana Ruiz\x00")},
		{tag: 282, typ: Rational, vals: []uint64{300, 1}},
		{tag: 999, typ: 99, vals: nil}, // unknown type: skipped
	}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, big := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/big=%v", order, big), func(t *testing.T) {
				fs := fields
				if !big {
					fs = append([]field(nil), fields...)
					fs[4] = field{tag: TagStripOffsets, typ: Long, vals: []uint64{1 << 31, 5}}
				}
				data := build(order, big, fs, []field{{tag: TagImageWidth, typ: Short, vals: []uint64{320}}})
				f, err := OpenBytes(data)
				if err != nil {
					t.Fatal(err)
				}
				if f.Big != big || f.Order != order {
					t.Fatalf("flavour %v %v", f.Big, f.Order)
				}
				d, err := f.ReadIFD(f.First)
				if err != nil {
					t.Fatal(err)
				}
				if w := d.Uint(TagImageWidth, 0); w != 640 {
					t.Errorf("width %d", w)
				}
				if h := d.Uint(TagImageLength, 0); h != 480 {
					t.Errorf("height %d", h)
				}
				e, _ := d.Get(TagBitsPerSample)
				if v, err := e.Uints(); err != nil || fmt.Sprint(v) != "[16 16 16]" {
					t.Errorf("bits per sample %v %v", v, err)
				}
				e, _ = d.Get(TagStripOffsets)
				want := "[8589934592 5]"
				if !big {
					want = "[2147483648 5]"
				}
				if v, err := e.Uints(); err != nil || fmt.Sprint(v) != want {
					t.Errorf("offsets %v %v, want %s", v, err, want)
				}
				e, _ = d.Get(TagArtist)
				if string(e.Bytes()) != "Ana Ruiz\x00" {
					t.Errorf("artist %q", e.Bytes())
				}
				if _, err := e.Uints(); err == nil {
					t.Errorf("ASCII read as integers")
				}
				e, _ = d.Get(282)
				if r, err := e.Rationals(); err != nil || r[0] != [2]int64{300, 1} {
					t.Errorf("rational %v %v", r, err)
				}
				if _, ok := d.Get(999); ok {
					t.Errorf("entry of unknown type kept")
				}
				if f.Orientation() != 6 || Orientation(data) != 6 {
					t.Errorf("orientation %d", f.Orientation())
				}
				if n := f.CountIFDs(10); n != 2 {
					t.Errorf("%d IFDs, want 2", n)
				}
			})
		}
	}
}

func TestDamaged(t *testing.T) {
	good := build(binary.LittleEndian, false, []field{{tag: TagImageWidth, typ: Long, vals: []uint64{7, 8, 9}}})
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not TIFF", []byte("GIF89a..........")},
		{"version", []byte("II\x2c\x00\x08\x00\x00\x00")},
		{"short BigTIFF", []byte("MM\x00\x2b\x00\x08\x00\x00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := OpenBytes(tc.data); !errors.Is(err, ErrFormat) {
				t.Errorf("error %v, want ErrFormat", err)
			}
			if o := Orientation(tc.data); o != 1 {
				t.Errorf("orientation %d", o)
			}
		})
	}
	t.Run("IFD past the end", func(t *testing.T) {
		f, err := OpenBytes(good[:12])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ReadIFD(f.First); !errors.Is(err, ErrFormat) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("value past the end", func(t *testing.T) {
		f, _ := OpenBytes(good[:len(good)-4])
		d, err := f.ReadIFD(f.First)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := d.Get(TagImageWidth); ok {
			t.Errorf("entry whose values lie outside the file kept")
		}
	})
	t.Run("loop", func(t *testing.T) {
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint32(b[8+2+12:], 8) // next IFD = itself
		f, _ := OpenBytes(b)
		if n := f.CountIFDs(100); n != 1 {
			t.Errorf("%d IFDs in a loop", n)
		}
	})
}

func TestJPEGExif(t *testing.T) {
	exif := build(binary.BigEndian, false, []field{{tag: TagOrientation, typ: Short, vals: []uint64{8}}})
	seg := append([]byte("Exif\x00\x00"), exif...)
	jpg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	jpg = append(append(jpg, seg...), 0xFF, 0xDA, 0, 2, 0xFF, 0xD9)
	if !bytes.Equal(JPEGExif(jpg), exif) {
		t.Fatalf("EXIF block not found")
	}
	if o := Orientation(jpg); o != 8 {
		t.Errorf("orientation %d, want 8", o)
	}
	if o := Orientation(jpg[:14]); o != 1 {
		t.Errorf("truncated: orientation %d", o)
	}
	if JPEGExif([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2}) != nil {
		t.Errorf("EXIF found after the start of scan")
	}
}

// FuzzReadIFD: no input makes the reader panic or allocate beyond the
// input's size.
func FuzzReadIFD(f *testing.F) {
	f.Add(build(binary.LittleEndian, false, []field{{tag: TagImageWidth, typ: Long, vals: []uint64{1, 2, 3}}}))
	f.Add(build(binary.BigEndian, true, []field{{tag: TagArtist, typ: ASCII, raw: []byte("someone\x00")}}, []field{{tag: 1, typ: Short, vals: []uint64{3}}}))
	seeds, _ := filepath.Glob("testdata/*.tif")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := OpenBytes(data)
		if err != nil {
			return
		}
		file.CountIFDs(8)
		d, err := file.ReadIFD(file.First)
		if err != nil {
			return
		}
		for _, e := range d.Entries {
			if int64(len(e.Bytes())) > int64(len(data)) {
				t.Fatalf("tag %d: %d bytes from a %d-byte input", e.Tag, len(e.Bytes()), len(data))
			}
			e.Uints()
			e.Rationals()
		}
		Orientation(data)
	})
}

// TestBigTIFFConfig: image.DecodeConfig reads a BigTIFF's header through
// this package's registration; decoding it whole is refused clearly.
func TestBigTIFFConfig(t *testing.T) {
	for _, tc := range []struct {
		order binary.ByteOrder
		pm    uint64
		bits  uint64
		model string
	}{
		{binary.LittleEndian, 2, 8, "rgba"},
		{binary.BigEndian, 1, 16, "gray16"},
	} {
		data := build(tc.order, true, []field{
			{tag: TagImageWidth, typ: Long, vals: []uint64{70000}},
			{tag: TagImageLength, typ: Long8, vals: []uint64{50000}},
			{tag: TagBitsPerSample, typ: Short, vals: []uint64{tc.bits, tc.bits, tc.bits}},
			{tag: TagPhotometricInterpretation, typ: Short, vals: []uint64{tc.pm}},
		})
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || format != "tiff" || cfg.Width != 70000 || cfg.Height != 50000 {
			t.Errorf("%v: %+v %q %v", tc.order, cfg, format, err)
		}
		want := map[string]color.Model{"rgba": color.RGBAModel, "gray16": color.Gray16Model}[tc.model]
		if cfg.ColorModel != want {
			t.Errorf("%v: colour model %v", tc.order, cfg.ColorModel)
		}
		if _, _, err := image.Decode(bytes.NewReader(data)); !errors.Is(err, ErrWholeBigTIFF) {
			t.Errorf("Decode: %v", err)
		}
	}
}
