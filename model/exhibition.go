package model

import "strings"

// Exhibition is one exhibition: its texts, people, rights, sections and plates.
// Field order here is the order of the exhibition file and of its JSON Schema.
type Exhibition struct {
	// ID is the exhibition's stable identifier as a UUID. When empty, Load
	// derives a name-based (version 5) UUID from Slug, so rebuilds and
	// re-imports keep it.
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// Slug names the exhibition in file names and URLs: [a-z0-9-].
	Slug string `yaml:"slug" json:"slug"`
	// Languages lists the BCP 47 tags the texts are written in; the first is
	// the default for untagged strings.
	Languages    []string   `yaml:"languages" json:"languages"`
	Title        Text       `yaml:"title" json:"title"`
	Subtitle     Text       `yaml:"subtitle,omitempty" json:"subtitle,omitempty"`
	Summary      Text       `yaml:"summary,omitempty" json:"summary,omitempty"`
	Introduction Paragraphs `yaml:"introduction,omitempty" json:"introduction,omitempty"`
	// Opening and Closing are the exhibition's dates, YYYY-MM-DD.
	Opening string `yaml:"opening,omitempty" json:"opening,omitempty"`
	Closing string `yaml:"closing,omitempty" json:"closing,omitempty"`
	// Edition is the date of this edition of the catalogue (YYYY-MM-DD or an
	// RFC 3339 time). It sets dcterms:modified and archive timestamps when
	// SOURCE_DATE_EPOCH is not set; the wall clock is never used.
	Edition string  `yaml:"edition,omitempty" json:"edition,omitempty"`
	Agents  []Agent `yaml:"agents,omitempty" json:"agents,omitempty"`
	// Rights is one licence or rights statement URI (http Creative Commons or
	// rightsstatements.org).
	Rights string `yaml:"rights" json:"rights"`
	// Credit is the credit line that every output must show.
	Credit   Text     `yaml:"credit,omitempty" json:"credit,omitempty"`
	Homepage string   `yaml:"homepage,omitempty" json:"homepage,omitempty"`
	Source   *Source  `yaml:"source,omitempty" json:"source,omitempty"`
	Subjects []string `yaml:"subjects,omitempty" json:"subjects,omitempty"`
	// Cover names the plate whose first image illustrates the cover.
	Cover    string    `yaml:"cover,omitempty" json:"cover,omitempty"`
	Sections []Section `yaml:"sections,omitempty" json:"sections,omitempty"`
	Plates   []Plate   `yaml:"plates" json:"plates"`
	// Notes are the curator's or importer's remarks on the whole exhibition.
	Notes []string `yaml:"notes,omitempty" json:"notes,omitempty"`

	// Dir is the exhibition folder; image paths are relative to it. File is
	// the exhibition file as loaded. Neither is part of the file format.
	Dir  string `yaml:"-" json:"-"`
	File string `yaml:"-" json:"-"`
	// Raw is the exhibition file's bytes as written, kept for the archive.
	Raw []byte `yaml:"-" json:"-"`
	// Positions maps a field path such as "plates[3].date" to where it was
	// written in File, for messages.
	Positions map[string]Pos `yaml:"-" json:"-"`
}

// Agent is a person or organisation with one or more roles.
type Agent struct {
	ID   string `yaml:"id,omitempty" json:"id,omitempty"`
	Name Text   `yaml:"name" json:"name"`
	// Roles: curator, photographer, author, editor, publisher, provider,
	// lender, contributor.
	Roles    []string `yaml:"roles" json:"roles"`
	Homepage string   `yaml:"homepage,omitempty" json:"homepage,omitempty"`
	// Logo is an http(s) URL or a path relative to the exhibition folder.
	Logo string `yaml:"logo,omitempty" json:"logo,omitempty"`
}

// LogoFile reports whether the agent's logo is a file of the exhibition
// folder (not an http(s) URL).
func (a Agent) LogoFile() bool {
	return a.Logo != "" && !strings.HasPrefix(a.Logo, "http://") && !strings.HasPrefix(a.Logo, "https://")
}

// HasRole reports whether a has role r.
func (a Agent) HasRole(r string) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Source says where the exhibition's text came from.
type Source struct {
	Title Text   `yaml:"title,omitempty" json:"title,omitempty"`
	URL   string `yaml:"url,omitempty" json:"url,omitempty"`
	// File is the name of the text the exhibition was imported from.
	File string `yaml:"file,omitempty" json:"file,omitempty"`
	// Retrieved is when the source was copied, YYYY-MM-DD.
	Retrieved string `yaml:"retrieved,omitempty" json:"retrieved,omitempty"`
	Note      string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Section is an ordered, titled group of plates. Plates name their section
// by its ID; sections appear in the order listed here.
type Section struct {
	ID           string     `yaml:"id" json:"id"`
	Title        Text       `yaml:"title" json:"title"`
	Introduction Paragraphs `yaml:"introduction,omitempty" json:"introduction,omitempty"`
}

// Plate is one numbered exhibit: usually one photograph, possibly several
// images (recto and verso, pages).
type Plate struct {
	// ID is a UUID; when empty Load derives a version 5 UUID from the
	// exhibition's ID and Number.
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// Number is the plate number as the source gives it: "1", "21a".
	Number      string     `yaml:"number" json:"number"`
	Section     string     `yaml:"section,omitempty" json:"section,omitempty"`
	Caption     Text       `yaml:"caption" json:"caption"`
	Description Paragraphs `yaml:"description,omitempty" json:"description,omitempty"`
	Date        Date       `yaml:"date,omitempty" json:"date,omitzero"`
	Creator     string     `yaml:"creator,omitempty" json:"creator,omitempty"`
	Place       string     `yaml:"place,omitempty" json:"place,omitempty"`
	Medium      string     `yaml:"medium,omitempty" json:"medium,omitempty"`
	Dimensions  string     `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	Credit      Text       `yaml:"credit,omitempty" json:"credit,omitempty"`
	// Rights overrides the exhibition's rights for this plate.
	Rights string `yaml:"rights,omitempty" json:"rights,omitempty"`
	// Alt is the short text alternative of the image(s) for readers who
	// cannot see them.
	Alt    Text     `yaml:"alt,omitempty" json:"alt,omitempty"`
	Notes  []string `yaml:"notes,omitempty" json:"notes,omitempty"`
	Images []Image  `yaml:"images,omitempty" json:"images,omitempty"`
	// Attachments are the plate's files that are not images: PDF
	// documents, sound and video recordings (see Attachment).
	Attachments []Attachment `yaml:"attachments,omitempty" json:"attachments,omitempty"`
	// Metadata holds further label/value pairs in order (columns of a sheet
	// that have no field here).
	Metadata []Field `yaml:"metadata,omitempty" json:"metadata,omitempty"`

	// idDerived is set when Load derived ID from Number.
	idDerived bool
}

// Image is one image file of a plate.
type Image struct {
	// Path is relative to the exhibition folder, slash-separated.
	Path  string `yaml:"path" json:"path"`
	Label Text   `yaml:"label,omitempty" json:"label,omitempty"`
	// Alt is this image's own text alternative (a verso, a detail), when
	// the plate's alt does not describe it.
	Alt Text `yaml:"alt,omitempty" json:"alt,omitempty"`
}

// Field is one extra label/value pair of metadata.
type Field struct {
	Label string `yaml:"label" json:"label"`
	Value string `yaml:"value" json:"value"`
}

// Pos is a position in the exhibition file, 1-based.
type Pos struct {
	Line, Col int
}

// PlateByNumber returns the plate with the given number, or nil.
func (e *Exhibition) PlateByNumber(n string) *Plate {
	for i := range e.Plates {
		if e.Plates[i].Number == n {
			return &e.Plates[i]
		}
	}
	return nil
}

// Lang returns the exhibition's default language.
func (e *Exhibition) Lang() string {
	if len(e.Languages) > 0 {
		return e.Languages[0]
	}
	return "und"
}

// Agents with a role, in file order.
func (e *Exhibition) AgentsWithRole(role string) []Agent {
	var out []Agent
	for _, a := range e.Agents {
		if a.HasRole(role) {
			out = append(out, a)
		}
	}
	return out
}

// PlatesIn returns the plates of a section in file order; section "" gives
// the plates that name no section.
func (e *Exhibition) PlatesIn(section string) []*Plate {
	var out []*Plate
	for i := range e.Plates {
		if e.Plates[i].Section == section {
			out = append(out, &e.Plates[i])
		}
	}
	return out
}

// RightsOf returns the plate's rights, or the exhibition's.
func (e *Exhibition) RightsOf(p *Plate) string {
	if p.Rights != "" {
		return p.Rights
	}
	return e.Rights
}
