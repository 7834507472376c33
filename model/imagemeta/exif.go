package imagemeta

import (
	"bytes"
	"encoding/binary"
)

// JPEGExif returns the TIFF structure of a JPEG's EXIF block (the APP1
// segment that begins "Exif\0\0"), nil when there is none. It reads only
// the markers before the image data; the result aliases data.
func JPEGExif(data []byte) []byte {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return nil
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil
		}
		if marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 { // no length
			p += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return nil
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg[6:]
		}
		p += 2 + n
	}
	return nil
}

// Orientation returns tag 274 of the first IFD of f (1-8), 1 when it is
// absent, out of range or unreadable.
func (f *File) Orientation() int {
	d, err := f.ReadIFD(f.First)
	if err != nil {
		return 1
	}
	if v := d.Uint(TagOrientation, 1); v >= 1 && v <= 8 {
		return int(v)
	}
	return 1
}

// Orientation returns the EXIF orientation (1-8) of a JPEG file, or the
// orientation tag of a TIFF file (classic or BigTIFF) or of a bare EXIF
// block: 1 when absent or unreadable.
func Orientation(data []byte) int {
	if e := JPEGExif(data); e != nil {
		data = e
	}
	f, err := OpenBytes(data)
	if err != nil {
		return 1
	}
	return f.Orientation()
}
