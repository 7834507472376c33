package folderimport

import (
	"encoding/binary"
	"strings"
)

// readPhotoshop finds the IPTC-NAA resource (0x0404) among the 8BIM
// resources of a JPEG APP13 segment.
func readPhotoshop(d []byte, m *Meta) {
	for len(d) >= 12 && string(d[:4]) == "8BIM" {
		id := binary.BigEndian.Uint16(d[4:])
		nl := int(d[6])
		p := 7 + nl
		if p%2 == 1 {
			p++
		}
		if p+4 > len(d) {
			return
		}
		size := int(binary.BigEndian.Uint32(d[p:]))
		p += 4
		if size < 0 || p+size > len(d) {
			return
		}
		if id == 0x0404 {
			readIIM(d[p:p+size], m)
		}
		p += size
		if p%2 == 1 {
			p++
		}
		if p > len(d) {
			return
		}
		d = d[p:]
	}
}

// readIIM reads IPTC-IIM datasets: 1:90 (character set), 2:05 Object
// Name, 2:25 Keywords (repeated), 2:55 Date Created, 2:80 By-line, 2:116
// Copyright Notice, 2:120 Caption/Abstract. Text is UTF-8 when 1:90 says so or when it is valid
// UTF-8, else Latin-1.
func readIIM(d []byte, m *Meta) {
	var creators []string
	for i := 0; i+5 <= len(d); {
		if d[i] != 0x1C {
			return
		}
		rec, ds := d[i+1], d[i+2]
		n := int(binary.BigEndian.Uint16(d[i+3:]))
		if n&0x8000 != 0 { // extended length: not used for text
			return
		}
		i += 5
		if i+n > len(d) {
			return
		}
		v := decodeText(d[i : i+n])
		i += n
		if rec != 2 {
			continue
		}
		switch ds {
		case 5:
			m.Title = v
		case 25:
			if v = strings.TrimSpace(v); v != "" {
				m.Keywords = append(m.Keywords, v)
			}
		case 55:
			m.Date = v
		case 80:
			creators = append(creators, v)
		case 116:
			m.Rights = v
		case 120:
			m.Description = v
		}
	}
	m.Creator = strings.Join(creators, "; ")
}
