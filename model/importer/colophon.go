package importer

import (
	"fmt"

	"github.com/vitrine-tools/vitrine/model"
)

// Colophon sets what the outputs' colophon and bag need and no input
// holds: the edition date (YYYY-MM-DD or RFC 3339; without it the outputs
// are dated 2000-01-01) and the publisher, added as an agent with the role
// publisher (it is the bag's Source-Organization). Empty values are left
// out. It refuses an edition date that is not a date.
func Colophon(ex *model.Exhibition, edition, publisher string) error {
	if edition != "" {
		if _, err := model.EditionTime(edition); err != nil {
			return fmt.Errorf("--edition: %w", err)
		}
		ex.Edition = edition
	}
	if publisher != "" {
		ex.Agents = append(ex.Agents, model.Agent{Name: model.Text{ex.Lang(): publisher}, Roles: []string{"publisher"}})
	}
	return nil
}
