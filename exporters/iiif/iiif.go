// Package iiif is the iiif exporter. Not written yet: Export reports that the
// format is not available rather than writing anything.
package iiif

import (
	"context"
	"fmt"

	"github.com/vitrine-tools/vitrine/exporters"
)

// Exporter writes the iiif output.
type Exporter struct{}

var _ exporters.Exporter = (*Exporter)(nil)

// New returns the iiif exporter.
func New() *Exporter { return &Exporter{} }

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "iiif" }

// Export implements exporters.Exporter.
func (*Exporter) Export(ctx context.Context, b *exporters.Build) error {
	return fmt.Errorf("iiif: %w in this version", exporters.ErrNotAvailable)
}
