package model

import "github.com/google/uuid"

// Namespace is vitrine's UUID namespace for name-based identifiers: the
// version 5 UUID of the URL "urn:vitrine" in the URL namespace. Changing it
// would change every identifier ever derived, so it is fixed.
var Namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:vitrine"))

// ExhibitionID derives the exhibition's stable UUID from its slug.
func ExhibitionID(slug string) uuid.UUID {
	return uuid.NewSHA1(Namespace, []byte("exhibition:"+slug))
}

// PlateID derives a plate's stable UUID from the exhibition's ID and the
// plate number as written.
func PlateID(exhibitionID, number string) uuid.UUID {
	ns, err := uuid.Parse(exhibitionID)
	if err != nil {
		ns = uuid.NewSHA1(Namespace, []byte(exhibitionID))
	}
	return uuid.NewSHA1(ns, []byte("plate:"+number))
}

// URN returns the exhibition's id as urn:uuid:..., the form EPUB and BagIt use.
func (e *Exhibition) URN() string {
	if u, err := uuid.Parse(e.ID); err == nil {
		return u.URN()
	}
	return e.ID
}
