package model

import (
	"bytes"
	"encoding/binary"
	"image"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

// ftyp returns the start of an ISO base media file (HEIF, AVIF, CR3) with
// the given major brand.
func ftyp(brand string) []byte {
	b := []byte{0, 0, 0, 24}
	b = append(b, "ftyp"+brand+"\x00\x00\x00\x00mif1"...)
	return b
}

// tiffWithMake returns a small real TIFF (image/tiff's encoder) whose first
// IFD gains a Make tag, as the raw formats built on TIFF carry.
func tiffWithMake(t *testing.T, maker string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	d := buf.Bytes()
	bo := binary.ByteOrder(binary.LittleEndian)
	off := int(bo.Uint32(d[4:]))
	n := int(bo.Uint16(d[off:]))
	// Write the IFD again at the end of the file with a Make entry in
	// its sorted place, its value after the IFD.
	var ifd bytes.Buffer
	newOff := len(d)
	binary.Write(&ifd, bo, uint16(n+1))
	val := []byte(maker + "\x00")
	valOff := newOff + 2 + 12*(n+1) + 4
	entry := make([]byte, 12)
	bo.PutUint16(entry, 0x010F)
	bo.PutUint16(entry[2:], 2)
	bo.PutUint32(entry[4:], uint32(len(val)))
	bo.PutUint32(entry[8:], uint32(valOff))
	placed := false
	for i := 0; i < n; i++ {
		e := d[off+2+12*i : off+14+12*i]
		if !placed && bo.Uint16(e) > 0x010F {
			ifd.Write(entry)
			placed = true
		}
		ifd.Write(e)
	}
	if !placed {
		ifd.Write(entry)
	}
	binary.Write(&ifd, bo, uint32(0))
	ifd.Write(val)
	out := append(append([]byte(nil), d...), ifd.Bytes()...)
	bo.PutUint32(out[4:], uint32(newOff))
	return out
}

func TestSniffForeign(t *testing.T) {
	cr2 := tiffWithMake(t, "Canon")
	copy(cr2[8:], "CR")
	cases := []struct {
		name string
		head []byte
		want string // "" = not foreign
		hint string
	}{
		{"iPhone HEIC", ftyp("heic"), "HEIC", "heif-convert"},
		{"HEIF mif1", ftyp("mif1"), "HEIC", "heif-convert"},
		{"AVIF", ftyp("avif"), "AVIF", "avifdec"},
		{"Canon CR3", ftyp("crx "), "CR3", "16-bit TIFF"},
		{"JPEG 2000 (JP2)", []byte("\x00\x00\x00\x0cjP  \r\n\x87\n\x00\x00\x00\x14ftypjp2 "), "JPEG 2000", "opj_decompress"},
		{"JPEG 2000 codestream", []byte("\xff\x4f\xff\x51\x00\x2f"), "JPEG 2000", "opj_decompress"},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3"), "PDF", "pdftoppm"},
		{"Photoshop", []byte("8BPS\x00\x01"), "Photoshop", "flattened TIFF"},
		{"Canon CR2", cr2, "Canon CR2", "dcraw"},
		{"Nikon NEF", tiffWithMake(t, "NIKON CORPORATION"), "Nikon NEF", "raw converter"},
		{"Fujifilm RAF", []byte("FUJIFILMCCD-RAW 0201"), "RAF", "raw"},
		{"JPEG XL", []byte("\xff\x0a\xfa"), "JPEG XL", "djxl"},
		{"plain TIFF", tiffWithMake(t, "Epson"), "", ""},
		{"JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "", ""},
		{"PNG", []byte("\x89PNG\r\n\x1a\n"), "", ""},
		{"text", []byte("hello"), "", ""},
		{"empty", nil, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := SniffForeign(bytes.NewReader(tc.head), int64(len(tc.head)))
			if tc.want == "" {
				if ok {
					t.Fatalf("recognized as %s", f.Name)
				}
				return
			}
			if !ok || !strings.Contains(f.Name, tc.want) || !strings.Contains(f.Hint, tc.hint) {
				t.Fatalf("got %+v, %v; want %q with a hint naming %q", f, ok, tc.want, tc.hint)
			}
		})
	}
	// A CR2 is a TIFF that image.DecodeConfig reads (its first image is a
	// preview): sniffing must come first.
	if _, _, err := image.DecodeConfig(bytes.NewReader(cr2)); err != nil {
		t.Fatalf("the CR2 stand-in does not read as a TIFF (%v): the test shows nothing", err)
	}
}

func FuzzSniffForeign(f *testing.F) {
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x0f\x01\x02\x00\x40\x00\x00\x00\xff\xff\xff\x7f"))
	f.Add(ftyp("heic"))
	f.Fuzz(func(t *testing.T, head []byte) {
		SniffForeign(bytes.NewReader(head), int64(len(head)))
	})
}
