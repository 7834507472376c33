package assets

import (
	"bytes"
	"image"
	"image/jpeg"

	"github.com/disintegration/imaging"

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
func decodeSource(data []byte, format string, maxPixels int64) (*Source, error) {
	if format == "jpeg" {
		return decodeJPEGSource(data, maxPixels)
	}
	img, err := decodeImage(data, format)
	if err != nil {
		return nil, err
	}
	return pixelSource(img, data, format), nil
}

// decodeImage decodes data (whose format DecodeConfig named), applies the
// orientation of a JPEG (EXIF) or a TIFF (its tag 274), and flattens the result (see flatten).
func decodeImage(data []byte, format string) (image.Image, error) {
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
