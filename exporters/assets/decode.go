package assets

import (
	"bytes"
	"image"
	"image/jpeg"

	"github.com/disintegration/imaging"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/model/imagemeta"

	// Decoders of the master formats vitrine accepts.
	_ "image/png"

	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// jpegDecoder decodes a JPEG. The default is image/jpeg; a build with the
// turbojpeg tag replaces it with libjpeg-turbo (see turbojpeg.go).
var jpegDecoder = func(data []byte) (image.Image, error) {
	return jpeg.Decode(bytes.NewReader(data))
}

// decodeSource makes the Source of a master from its bytes. A JPEG shown as
// stored (no EXIF turn) that package jpegcoef reads (one sequential scan,
// YCbCr or grey) keeps its DCT coefficients: that one entropy decode gives
// the half-size level by a 4x4 inverse DCT per block and the full-size tiles
// by cutting coefficients, so the master is never decoded to full-size
// pixels unless a deriver asks. Anything else (progressive, CMYK, turned,
// PNG, TIFF, ...) is decoded whole by decodeImage.
//
// A master with an ICC profile other than sRGB is converted to sRGB
// (masterColour, convertColour): a JPEG is then decoded to pixels from its
// coefficients, since they are not sRGB. Untagged and sRGB masters are
// published as they are; reading the profile costs them a walk over the
// markers of the file's start.
func decodeSource(data []byte, format string, maxPixels int64) (*Source, error) {
	t, colour := masterColour(data, format)
	if format == "jpeg" {
		s, err := decodeJPEGSource(data, maxPixels, t)
		if err != nil {
			return nil, err
		}
		s.colour = colour
		return s, nil
	}
	img, err := decodeWith(data, format, t)
	if err != nil {
		return nil, err
	}
	s := pixelSource(img, data, format)
	s.colour = colour
	return s, nil
}

// decodeImage decodes data (whose format DecodeConfig named), converts it
// to sRGB when it has an ICC profile other than sRGB, applies the
// orientation of a JPEG (EXIF) or a TIFF (its tag 274), and flattens the
// result (see flatten).
func decodeImage(data []byte, format string) (image.Image, error) {
	t, _ := masterColour(data, format)
	return decodeWith(data, format, t)
}

// decodeWith is decodeImage with the colour transform given (nil: none).
func decodeWith(data []byte, format string, t *icc.Transform) (image.Image, error) {
	var img image.Image
	var err error
	if format == "jpeg" {
		img, err = jpegDecoder(data)
	} else {
		img, _, err = image.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, err
	}
	img = convertColour(img, t)
	switch format {
	case "jpeg":
		img = orient(img, imagemeta.Orientation(data))
	case "tiff":
		// Tag 274 of the first IFD: image/tiff ignores it, but cameras and
		// raw converters write it, and other viewers turn the image.
		img = orient(img, imagemeta.Orientation(data))
	}
	return flatten(img), nil
}

// orient applies an EXIF orientation value (1-8) to img.
func orient(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
