package embedded

import (
	"bytes"
	"encoding/binary"
	"sort"
)

// CameraEXIF is an EXIF block (without the "Exif\0\0" prefix) such as a
// camera writes, for tests and fixtures: Make and Model, an EXIF directory
// with the body and lens serial numbers, the owner's name and maker notes,
// a GPS directory with a position, and IFD1 with a JPEG thumbnail (thumb).
// orientation, when not 0, is written as tag 274.
func CameraEXIF(orientation uint16, thumb []byte) []byte {
	type ent struct {
		tag, typ uint16
		count    uint32
		data     []byte // value bytes
		sub      int    // index of a sub-directory this entry points to, or -1
	}
	ascii := func(tag uint16, s string) ent {
		return ent{tag, 2, uint32(len(s) + 1), append([]byte(s), 0), -1}
	}
	le := binary.LittleEndian
	rational := func(vs ...uint32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			le.PutUint32(b[4*i:], v)
		}
		return b
	}
	short := func(tag, v uint16) ent { b := make([]byte, 2); le.PutUint16(b, v); return ent{tag, 3, 1, b, -1} }
	long := func(tag uint16, v uint32) ent { return ent{tag, 4, 1, rational(v), -1} }
	dirs := [][]ent{
		{ascii(0x010F, "Examplecam"), ascii(0x0110, "EX-1 Mark II"), {0x8769, 4, 1, nil, 1}, {0x8825, 4, 1, nil, 2}},
		{ascii(0xA430, "Jane Photographer"), ascii(0xA431, "SN4410027731"), ascii(0xA435, "LN0099812"), {0x927C, 7, 24, []byte("EXAMPLECAM\x00\x01SN4410027731"), -1}},
		{ascii(1, "N"), {2, 5, 3, rational(37, 1, 33, 1, 2155, 100), -1}, ascii(3, "E"), {4, 5, 3, rational(126, 1, 58, 1, 4012, 100), -1}},
		{short(0x0103, 6), long(0x0201, 0), long(0x0202, uint32(len(thumb)))}, // IFD1: offset filled below
	}
	if orientation != 0 {
		dirs[0] = append(dirs[0], short(0x0112, orientation))
	}
	for _, d := range dirs {
		sort.Slice(d, func(i, j int) bool { return d[i].tag < d[j].tag })
	}
	// Layout: header, then each directory followed by its out-of-line
	// values, then the thumbnail.
	offs := make([]uint32, len(dirs))
	size := uint32(8)
	for i, d := range dirs {
		offs[i] = size
		size += 2 + 12*uint32(len(d)) + 4
		for _, e := range d {
			if len(e.data) > 4 {
				size += uint32(len(e.data)+1) &^ 1
			}
		}
	}
	thumbAt := size
	var b bytes.Buffer
	b.WriteString("II*\x00")
	binary.Write(&b, le, uint32(8))
	for i, d := range dirs {
		valAt := offs[i] + 2 + 12*uint32(len(d)) + 4
		var vals bytes.Buffer
		binary.Write(&b, le, uint16(len(d)))
		for _, e := range d {
			binary.Write(&b, le, e.tag)
			binary.Write(&b, le, e.typ)
			binary.Write(&b, le, e.count)
			v := make([]byte, 4)
			switch {
			case e.sub >= 0:
				le.PutUint32(v, offs[e.sub])
			case i == 3 && e.tag == 0x0201:
				le.PutUint32(v, thumbAt)
			case len(e.data) > 4:
				le.PutUint32(v, valAt+uint32(vals.Len()))
				vals.Write(e.data)
				if vals.Len()%2 == 1 {
					vals.WriteByte(0)
				}
			default:
				copy(v, e.data)
			}
			b.Write(v)
		}
		next := uint32(0)
		if i == 0 {
			next = offs[3] // IFD0 -> IFD1
		}
		binary.Write(&b, le, next)
		b.Write(vals.Bytes())
	}
	b.Write(thumb)
	return b.Bytes()
}

// Segment is a JPEG marker segment with its length.
func Segment(marker byte, payload []byte) []byte {
	out := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(2+len(payload)))
	return append(out, payload...)
}

// InsertSegments returns jpg with segs inserted right after its SOI.
func InsertSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte(nil), jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}
