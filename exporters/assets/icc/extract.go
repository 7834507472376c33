package icc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

// MaxProfile bounds the size of an embedded profile this package reads
// (the largest real ones, CMYK printer profiles, are a few megabytes).
const MaxProfile = 16 << 20

// Extract returns the ICC profile embedded in an image file of the given
// format (the names image.DecodeConfig gives: jpeg, png, tiff, webp), or
// nil when there is none. An error means a profile is there but damaged
// (a missing JPEG chunk, a corrupt PNG iCCP).
func Extract(data []byte, format string) ([]byte, error) {
	switch format {
	case "jpeg":
		return FromJPEG(data)
	case "png":
		return FromPNG(data)
	case "tiff":
		return FromTIFF(data)
	case "webp":
		return FromWebP(data)
	}
	return nil, nil
}

// FromJPEG returns the profile of a JPEG: the APP2 segments starting
// "ICC_PROFILE\0", each with its sequence number and the count of chunks,
// joined in the order of their numbers (ICC.1 Annex B.4). Only the markers
// before the first scan are read.
func FromJPEG(data []byte) ([]byte, error) {
	type chunk struct {
		seq  int
		data []byte
	}
	var chunks []chunk
	count := 0
	err := JPEGSegments(data, func(marker byte, seg []byte) bool {
		if marker == 0xE2 && len(seg) >= 14 && string(seg[:12]) == "ICC_PROFILE\x00" {
			chunks = append(chunks, chunk{int(seg[12]), seg[14:]})
			count = max(count, int(seg[13]))
		}
		return true
	})
	if len(chunks) == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(chunks, func(i, j int) bool { return chunks[i].seq < chunks[j].seq })
	if len(chunks) != count {
		return nil, fmt.Errorf("icc: JPEG has %d of the %d ICC_PROFILE chunks its segments announce", len(chunks), count)
	}
	var out []byte
	for i, c := range chunks {
		if c.seq != i+1 {
			return nil, fmt.Errorf("icc: JPEG ICC_PROFILE chunk %d is missing or repeated", i+1)
		}
		out = append(out, c.data...)
	}
	return out, nil
}

// JPEGSegments calls f with each marker segment's marker and payload (after
// its length) from the start of a JPEG up to the first SOS (excluded), and
// stops early when f returns false. It reports a damaged marker structure.
func JPEGSegments(data []byte, f func(marker byte, payload []byte) bool) error {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return errors.New("icc: not a JPEG (no SOI marker)")
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return fmt.Errorf("icc: JPEG marker expected at byte %d", p)
		}
		m := data[p+1]
		if m == 0xFF {
			p++
			continue
		}
		if m == 0xDA || m == 0xD9 {
			return nil
		}
		if m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			p += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return fmt.Errorf("icc: JPEG segment at byte %d runs past the end", p)
		}
		if !f(m, data[p+4:p+2+n]) {
			return nil
		}
		p += 2 + n
	}
	return errors.New("icc: JPEG ends before its first scan")
}

// FromPNG returns the profile of a PNG's iCCP chunk (a name, a NUL, the
// compression method 0, zlib data), read before the first IDAT.
func FromPNG(data []byte) ([]byte, error) {
	if len(data) < 8 || string(data[:8]) != "\x89PNG\r\n\x1a\n" {
		return nil, errors.New("icc: not a PNG")
	}
	p := 8
	for p+12 <= len(data) {
		n := int(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		if n < 0 || n > len(data)-p-12 {
			if typ == "iCCP" {
				return nil, fmt.Errorf("icc: PNG iCCP chunk at byte %d runs past the end", p)
			}
			return nil, nil // a file cut short before any profile: none
		}
		body := data[p+8 : p+8+n]
		switch typ {
		case "iCCP":
			z := bytes.IndexByte(body, 0)
			if z < 1 || z > 79 || z+2 > len(body) || body[z+1] != 0 {
				return nil, errors.New("icc: PNG iCCP chunk has no profile name or an unknown compression")
			}
			r, err := zlib.NewReader(bytes.NewReader(body[z+2:]))
			if err != nil {
				return nil, fmt.Errorf("icc: PNG iCCP: %w", err)
			}
			out, err := io.ReadAll(io.LimitReader(r, MaxProfile+1))
			if err != nil {
				return nil, fmt.Errorf("icc: PNG iCCP: %w", err)
			}
			if len(out) > MaxProfile {
				return nil, fmt.Errorf("icc: PNG iCCP profile is larger than %d bytes", MaxProfile)
			}
			return out, nil
		case "IDAT", "IEND":
			return nil, nil
		}
		p += 12 + n
	}
	return nil, nil
}

// FromTIFF returns the profile of a TIFF's first image (tag 34675,
// InterColorProfile), classic TIFF or BigTIFF, read by model/imagemeta.
func FromTIFF(data []byte) ([]byte, error) {
	f, err := imagemeta.OpenBytes(data)
	if err != nil {
		return nil, fmt.Errorf("icc: %w", err)
	}
	d, err := f.ReadIFD(f.First)
	if err != nil {
		return nil, fmt.Errorf("icc: %w", err)
	}
	e, ok := d.Get(imagemeta.TagICCProfile)
	if !ok {
		return nil, nil
	}
	if e.Count > MaxProfile {
		return nil, fmt.Errorf("icc: TIFF profile of %d bytes is too large", e.Count)
	}
	return e.Bytes(), nil
}

// FromWebP returns the profile of a WebP's ICCP chunk (extended format).
func FromWebP(data []byte) ([]byte, error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, errors.New("icc: not a WebP")
	}
	p := 12
	for p+8 <= len(data) {
		typ := string(data[p : p+4])
		n := int(binary.LittleEndian.Uint32(data[p+4:]))
		if n < 0 || n > len(data)-p-8 {
			if typ == "ICCP" {
				return nil, fmt.Errorf("icc: WebP ICCP chunk runs past the end")
			}
			return nil, nil // a file cut short before any profile: none
		}
		switch typ {
		case "ICCP":
			return data[p+8 : p+8+n], nil
		case "VP8 ", "VP8L", "ANIM":
			return nil, nil
		}
		p += 8 + n + n&1
	}
	return nil, nil
}
