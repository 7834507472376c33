// Package epub is the epub exporter. Not written yet: Export reports that the
// format is not available rather than writing anything.
package epub

import (
	"context"
	"fmt"

	"github.com/vitrine-tools/vitrine/exporters"
)

// Exporter writes the epub output.
type Exporter struct{}

var _ exporters.Exporter = (*Exporter)(nil)

// New returns the epub exporter.
func New() *Exporter { return &Exporter{} }

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "epub" }

// Export implements exporters.Exporter.
func (*Exporter) Export(ctx context.Context, b *exporters.Build) error {
	return fmt.Errorf("epub: %w in this version", exporters.ErrNotAvailable)
}
