package icctest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// EmbedJPEG returns jpg with profile inserted after its SOI (and JFIF APP0
// if any) as APP2 ICC_PROFILE segments of at most chunk bytes of profile
// each (0 means the largest, 65519), written in the order given by order
// (a permutation of the chunk numbers from 1; nil means in order), as some
// writers do.
func EmbedJPEG(jpg, profile []byte, chunk int, order []int) []byte {
	if chunk <= 0 || chunk > 65519 {
		chunk = 65519
	}
	var parts [][]byte
	for p := 0; p < len(profile); p += chunk {
		parts = append(parts, profile[p:min(p+chunk, len(profile))])
	}
	if order == nil {
		for i := range parts {
			order = append(order, i+1)
		}
	}
	var segs bytes.Buffer
	for _, n := range order {
		part := parts[n-1]
		segs.Write([]byte{0xFF, 0xE2})
		binary.Write(&segs, binary.BigEndian, uint16(2+14+len(part)))
		segs.WriteString("ICC_PROFILE\x00")
		segs.Write([]byte{byte(n), byte(len(parts))})
		segs.Write(part)
	}
	at := 2
	if len(jpg) > 6 && jpg[2] == 0xFF && jpg[3] == 0xE0 {
		at = 4 + int(binary.BigEndian.Uint16(jpg[4:]))
	}
	out := append([]byte(nil), jpg[:at]...)
	out = append(out, segs.Bytes()...)
	return append(out, jpg[at:]...)
}

// EmbedPNG returns png with an iCCP chunk holding profile after its IHDR.
func EmbedPNG(png, profile []byte, name string) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(profile)
	zw.Close()
	body := append(append([]byte(name), 0, 0), z.Bytes()...)
	at := 8 + 8 + 13 + 4 // signature, IHDR
	out := append([]byte(nil), png[:at]...)
	out = append(out, PNGChunk("iCCP", body)...)
	return append(out, png[at:]...)
}

// PNGChunk is one PNG chunk with its length and CRC.
func PNGChunk(typ string, body []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(body)))
	b.WriteString(typ)
	b.Write(body)
	c := crc32.NewIEEE()
	c.Write([]byte(typ))
	c.Write(body)
	binary.Write(&b, binary.BigEndian, c.Sum32())
	return b.Bytes()
}

// TIFF writes an uncompressed, single-strip, little-endian TIFF of w x h
// pixels of spp samples (1 grey, 3 RGB) of 8 or 16 bits: samples holds
// them interleaved, row by row (bytes for 8 bits, uint16 values for 16).
// profile, when not nil, is written as tag 34675; extra tags (tag number ->
// ASCII value) are added, for fixtures that carry metadata.
func TIFF(w, h, spp, bits int, samples8 []byte, samples16 []uint16, profile []byte, extra map[uint16]string) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // written inline when it fits in 4 bytes
	}
	le := binary.LittleEndian
	u16 := func(vs ...uint16) []byte {
		b := make([]byte, 2*len(vs))
		for i, v := range vs {
			le.PutUint16(b[2*i:], v)
		}
		return b
	}
	u32 := func(v uint32) []byte { b := make([]byte, 4); le.PutUint32(b, v); return b }
	var pix []byte
	if bits == 16 {
		pix = u16(samples16...)
	} else {
		pix = samples8
	}
	photometric := uint16(2)
	if spp == 1 {
		photometric = 1
	}
	bps := make([]uint16, spp)
	for i := range bps {
		bps[i] = uint16(bits)
	}
	entries := []entry{
		{256, 4, 1, u32(uint32(w))},
		{257, 4, 1, u32(uint32(h))},
		{258, 3, uint32(spp), u16(bps...)},
		{259, 3, 1, u16(1, 0)},
		{262, 3, 1, u16(photometric, 0)},
		{273, 4, 1, nil}, // strip offset, filled below
		{277, 3, 1, u16(uint16(spp), 0)},
		{278, 4, 1, u32(uint32(h))},
		{279, 4, 1, u32(uint32(len(pix)))},
		{284, 3, 1, u16(1, 0)},
	}
	for tag, v := range extra {
		entries = append(entries, entry{tag, 2, uint32(len(v) + 1), append([]byte(v), 0)})
	}
	if profile != nil {
		entries = append(entries, entry{34675, 7, uint32(len(profile)), profile})
	}
	// sort by tag, as TIFF requires
	for i := range entries {
		for j := i + 1; j < len(entries); j++ {
			if entries[j].tag < entries[i].tag {
				entries[i], entries[j] = entries[j], entries[i]
			}
		}
	}
	ifdSize := 2 + 12*len(entries) + 4
	dataAt := 8 + ifdSize
	var data bytes.Buffer
	offsets := make([]uint32, len(entries))
	for i, e := range entries {
		if len(e.value) > 4 {
			if data.Len()%2 == 1 {
				data.WriteByte(0)
			}
			offsets[i] = uint32(dataAt + data.Len())
			data.Write(e.value)
		}
	}
	if data.Len()%2 == 1 {
		data.WriteByte(0)
	}
	stripAt := uint32(dataAt + data.Len())
	var out bytes.Buffer
	out.WriteString("II*\x00")
	out.Write(u32(8))
	out.Write(u16(uint16(len(entries))))
	for i, e := range entries {
		out.Write(u16(e.tag, e.typ))
		out.Write(u32(e.count))
		switch {
		case e.tag == 273:
			out.Write(u32(stripAt))
		case len(e.value) > 4:
			out.Write(u32(offsets[i]))
		default:
			v := make([]byte, 4)
			copy(v, e.value)
			out.Write(v)
		}
	}
	out.Write(u32(0))
	out.Write(data.Bytes())
	out.Write(pix)
	return out.Bytes()
}
