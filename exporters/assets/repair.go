package assets

import (
	"bytes"
	"errors"
	"fmt"
	"image"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/exporters/assets/jpegcoef"
	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

// decodeJPEGSource makes the Source of a JPEG master.
//
// A JPEG that package jpegcoef reads (one sequential scan, YCbCr or grey) is
// entropy-decoded once by it, which also repairs damaged data as libjpeg
// does (see jpegcoef.Damage). Shown as stored, the Source keeps the
// coefficients (lossless tiles, half size by a 4x4 IDCT); turned by its
// EXIF orientation, it is decoded to full-size pixels from those
// coefficients and turned. Other JPEGs (progressive, CMYK, several scans)
// go through the full decoder (image/jpeg, or libjpeg-turbo with the
// turbojpeg tag); when that fails on damaged data, the scans from the
// damaged one on are left out (decodeLeavingOutScans), as a progressive
// JPEG cut short shows in a browser at the quality of the scans it has.
//
// A damaged master's full-size image is never its file: the Source's raw
// bytes become the repaired image written from its coefficients, so
// full/max shows what the tiles show.
func decodeJPEGSource(data []byte, maxPixels int64, t *icc.Transform) (*Source, error) {
	o := imagemeta.Orientation(data)
	c, cerr := jpegcoef.Decode(data, maxPixels)
	if cerr == nil {
		damage := ""
		raw := data
		if c.Damage.Damaged() {
			damage = c.Damage.String()
			var buf bytes.Buffer
			if err := c.WriteCrop(&buf, image.Rect(0, 0, c.Width, c.Height)); err != nil {
				return nil, fmt.Errorf("writing the repaired image: %w", err)
			}
			raw = buf.Bytes()
		}
		if o == 1 && t == nil {
			return &Source{coef: c, w: c.Width, h: c.Height, raw: raw, format: "jpeg", damage: damage}, nil
		}
		// Turned or colour-managed: pixels from the coefficients (about
		// four times faster than image/jpeg), converted, turned.
		img, err := c.Scaled(1)
		if err != nil {
			return nil, err
		}
		src := pixelSource(flatten(orient(convertColour(img, t), o)), raw, "jpeg")
		src.damage = damage
		return src, nil
	}
	if !errors.Is(cerr, jpegcoef.ErrUnsupported) {
		// Damaged beyond repair for jpegcoef (or not a JPEG it could
		// start on): the full decoder may still read it.
		if img, err := decodeWith(data, "jpeg", t); err == nil {
			return pixelSource(img, data, "jpeg"), nil
		}
		return nil, cerr
	}
	img, err := decodeWith(data, "jpeg", t)
	if err == nil {
		return pixelSource(img, data, "jpeg"), nil
	}
	img, damage, rerr := decodeLeavingOutScans(data)
	if rerr != nil {
		return nil, err
	}
	src := pixelSource(img, nil, "jpeg")
	src.damage = damage
	return src, nil
}

// decodeLeavingOutScans decodes a multi-scan JPEG (progressive, or one scan
// per component) whose later scans are damaged or missing: it ends the file
// before the last scan with an end-of-image marker and tries again, one scan
// fewer each time, and says how many scans were used.
func decodeLeavingOutScans(data []byte) (image.Image, string, error) {
	scans := scanOffsets(data)
	for k := len(scans) - 1; k >= 1; k-- {
		cut := append(append([]byte(nil), data[:scans[k]]...), 0xFF, 0xD9)
		img, err := decodeImage(cut, "jpeg")
		if err == nil {
			return img, fmt.Sprintf("scans %d to %d of %d are damaged or missing; the image is shown from the first %d (less detail, as a progressive JPEG cut short shows in a browser)", k+1, len(scans), len(scans), k), nil
		}
	}
	return nil, "", errors.New("no scan of the image can be read")
}

// scanOffsets returns the offsets of the SOS markers of a JPEG, walking the
// marker segments and skipping each scan's entropy-coded data.
func scanOffsets(data []byte) []int {
	var at []int
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return at
		}
		mk := data[p+1]
		switch {
		case mk == 0xFF:
			p++
			continue
		case mk == 0xD9:
			return at
		case mk >= 0xD0 && mk <= 0xD7, mk == 0x01:
			p += 2
			continue
		}
		n := int(data[p+2])<<8 | int(data[p+3])
		if n < 2 || p+2+n > len(data) {
			return at
		}
		if mk != 0xDA {
			p += 2 + n
			continue
		}
		at = append(at, p)
		// Skip the entropy-coded data to the next marker that is not a
		// stuffed byte or a restart marker.
		q := p + 2 + n
		for q+1 < len(data) {
			if data[q] == 0xFF && data[q+1] != 0 && !(data[q+1] >= 0xD0 && data[q+1] <= 0xD7) && data[q+1] != 0xFF {
				break
			}
			q++
		}
		if q+1 >= len(data) {
			return at
		}
		p = q
	}
	return at
}
