// Package bagit is the bagit exporter. Not written yet: Export reports that the
// format is not available rather than writing anything.
package bagit

import (
	"context"
	"fmt"

	"github.com/vitrine-tools/vitrine/exporters"
)

// Exporter writes the bagit output.
type Exporter struct{}

var _ exporters.Exporter = (*Exporter)(nil)

// New returns the bagit exporter.
func New() *Exporter { return &Exporter{} }

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "bagit" }

// Export implements exporters.Exporter.
func (*Exporter) Export(ctx context.Context, b *exporters.Build) error {
	return fmt.Errorf("bagit: %w in this version", exporters.ErrNotAvailable)
}
