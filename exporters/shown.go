package exporters

import "github.com/vitrine-tools/vitrine/model"

// IIIF is what the IIIF exporter hands on, through the Build, to the
// exporters that run after it and show its images (the site's thumbnails
// and deep-zoom view): typed data, so that no format parses a file another
// one wrote, whatever the Presentation API version written.
type IIIF struct {
	// Manifest is the manifest's URL; "" when none was written (an
	// exhibition without images: a manifest needs at least one canvas).
	Manifest string
	// Canvases are the manifest's canvases in order: one per image of
	// every plate that has images, in plate order.
	Canvases []Canvas
}

// Canvas is one canvas of the manifest. URLs are absolute, under the
// build's base URL, and name files that are in OUT for the version written.
type Canvas struct {
	// Plate is the plate's number; Image is the image's path in the
	// exhibition file and Index its position in the plate, from 0.
	Plate string
	Image string
	Index int
	// Label is the canvas's label by language ("" for a text with no
	// language), as the manifest gives it.
	Label model.Text
	// Width and Height are the canvas's size.
	Width, Height int
	// Full is the painted image: full size.
	Full ImageRef
	// Thumb is the canvas's thumbnail.
	Thumb ImageRef
	// Service is the URL of the level-0 image service (its info.json is
	// Service + "/info.json"); "" when the canvas paints a plain JPEG.
	Service string
}

// ImageRef is an image file with its pixel size.
type ImageRef struct {
	URL           string
	Width, Height int
}
