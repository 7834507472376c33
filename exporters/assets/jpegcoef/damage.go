package jpegcoef

import (
	"fmt"
	"strings"
)

// Damage says what Decode repaired in a damaged JPEG. The zero value (and
// the Damage of a sound file) reports nothing.
//
// Decode repairs as libjpeg does: the MCUs whose entropy-coded data is
// corrupt or missing keep zero coefficients (mid-grey), from the damaged MCU
// to the next restart marker, or to the end of the image when the file has
// none; a file that ends without its end-of-image marker is noted. An image
// with no usable MCU at all is an error, not a Damage.
type Damage struct {
	// MCUs is the number of MCUs in the image, Lost the number filled with
	// mid-grey.
	MCUs, Lost int
	// Notes say what was wrong and where, in the order found.
	Notes []string
}

// Damaged reports whether anything was repaired or is missing.
func (d Damage) Damaged() bool { return d.Lost > 0 || len(d.Notes) > 0 }

// String sums up the damage in one line, e.g. "12% of the image filled with
// mid-grey: bad Huffman code at pixel row 512".
func (d Damage) String() string {
	if !d.Damaged() {
		return "no damage"
	}
	notes := strings.Join(d.Notes, "; ")
	if d.Lost == 0 {
		return notes
	}
	pct := 100 * float64(d.Lost) / float64(max(d.MCUs, 1))
	share := fmt.Sprintf("%.0f%%", pct)
	if pct < 1 {
		share = "less than 1%"
	}
	return fmt.Sprintf("%s of the image filled with mid-grey: %s", share, notes)
}

// lose records that n MCUs from first on are filled with mid-grey because
// of what.
func (m *Image) lose(first, n int, what string) {
	if n <= 0 {
		return
	}
	m.Damage.Lost += n
	row := first / m.mcusX * 8 * m.vmax
	if len(m.Damage.Notes) < 8 {
		m.Damage.Notes = append(m.Damage.Notes, fmt.Sprintf("%s at pixel row %d", what, row))
	} else if len(m.Damage.Notes) == 8 {
		m.Damage.Notes = append(m.Damage.Notes, "more damage further down")
	}
}

// usable returns an error when no MCU of the image could be decoded.
func (d Damage) usable() error {
	if d.MCUs > 0 && d.Lost >= d.MCUs {
		first := "no image data"
		if len(d.Notes) > 0 {
			first = d.Notes[0]
		}
		return corrupt("no usable image data (" + first + ")")
	}
	return nil
}
