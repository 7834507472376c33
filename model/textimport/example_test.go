package textimport_test

import (
	"fmt"

	"github.com/vitrine-tools/vitrine/model/textimport"
)

func ExampleImport() {
	listing := `Photographs of the harbour, 1950-1960.

1. Fishing boats at the quay
in June 1951.

2. The lighthouse keeper and his
`
	ex, notices, err := textimport.Import([]byte(listing), textimport.Options{Title: "The harbour"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range ex.Plates {
		fmt.Printf("%s. %s [%s]\n", p.Number, p.Caption.Get("en"), p.Date.Normalized)
	}
	for _, n := range notices {
		fmt.Println(n)
	}
	// Output:
	// 1. Fishing boats at the quay in June 1951. [1951-06]
	// 2. The lighthouse keeper and his []
	// guess: rights set to http://rightsstatements.org/vocab/UND/1.0/ (copyright status undetermined); give --rights or edit rights: when the status is known
	// line 6: cut short: caption 2: it ends on "his"; kept as published, with a note on the plate
}
