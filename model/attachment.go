package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	pathpkg "path"
	"sort"
	"strings"
)

// Attachment is a file of a plate that is not an image: a PDF document, a
// sound or a video recording (a digitised pamphlet, an oral history, a
// film). It is copied byte for byte into the bag, published beside the
// IIIF manifest (linked as the plate's rendering) and linked from the
// catalogue; it is never decoded. Its kind is known from the name's
// extension (see AttachmentKinds).
type Attachment struct {
	// Path is relative to the exhibition folder, slash-separated.
	Path  string `yaml:"path" json:"path"`
	Label Text   `yaml:"label,omitempty" json:"label,omitempty"`
}

// AttachmentKind is what a file name extension says an attachment is.
type AttachmentKind struct {
	// MediaType is the IANA media type, e.g. application/pdf.
	MediaType string
	// Type is the IIIF resource type: Text, Sound or Video.
	Type string
	// Name is the kind in a message or a caption: "PDF", "audio", "video".
	Name string
}

// AttachmentKinds maps a lower-case file name extension to the kind of
// attachment it names. Other extensions are not accepted as attachments.
var AttachmentKinds = map[string]AttachmentKind{
	".pdf":  {"application/pdf", "Text", "PDF"},
	".mp3":  {"audio/mpeg", "Sound", "audio"},
	".m4a":  {"audio/mp4", "Sound", "audio"},
	".wav":  {"audio/wav", "Sound", "audio"},
	".flac": {"audio/flac", "Sound", "audio"},
	".oga":  {"audio/ogg", "Sound", "audio"},
	".ogg":  {"audio/ogg", "Sound", "audio"},
	".opus": {"audio/ogg", "Sound", "audio"},
	".mp4":  {"video/mp4", "Video", "video"},
	".m4v":  {"video/mp4", "Video", "video"},
	".mov":  {"video/quicktime", "Video", "video"},
	".webm": {"video/webm", "Video", "video"},
	".ogv":  {"video/ogg", "Video", "video"},
}

// Kind returns the attachment's kind from its extension, and whether the
// extension is one of AttachmentKinds.
func (a Attachment) Kind() (AttachmentKind, bool) {
	k, ok := AttachmentKinds[strings.ToLower(pathpkg.Ext(a.Path))]
	return k, ok
}

// IsAttachmentName reports whether a file name's extension is that of an
// attachment (PDF, audio, video).
func IsAttachmentName(name string) bool {
	_, ok := AttachmentKinds[strings.ToLower(pathpkg.Ext(name))]
	return ok
}

// attachmentExts lists the accepted extensions for messages.
func attachmentExts() string {
	var l []string
	for k := range AttachmentKinds {
		l = append(l, k)
	}
	sort.Strings(l)
	return strings.Join(l, " ")
}

// attachment checks one attachment: a known kind, inside the folder, a
// regular non-empty file; a .pdf must start as a PDF does.
func (v *validator) attachment(path, rel string) {
	k, ok := Attachment{Path: rel}.Kind()
	if !ok {
		v.err(path, fmt.Sprintf("%q is not a PDF, audio or video file name", rel), "attachments may end in "+attachmentExts()+"; images go under images:")
		return
	}
	f, err := v.e.OpenImage(rel)
	if err != nil {
		switch {
		case errors.Is(err, ErrUnsafePath):
			v.err(path, err.Error(), "keep attachments inside the exhibition folder")
		case errors.Is(err, fs.ErrNotExist):
			v.err(path, fmt.Sprintf("%s file %q not found in %s", k.Name, rel, v.e.Dir), "check the file name and its case, relative to the exhibition folder")
		default:
			v.err(path, fmt.Sprintf("cannot open %q: %v", rel, err), "check the file's permissions")
		}
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		v.err(path, fmt.Sprintf("%q is a folder, not a file", rel), "name a file")
		return
	}
	if err == nil && st.Size() == 0 {
		v.err(path, fmt.Sprintf("%q is empty (0 bytes)", rel), "copy the file again from its source; the copy or download did not finish")
		return
	}
	if k.MediaType == "application/pdf" {
		head := make([]byte, 1024)
		n, _ := io.ReadFull(f, head)
		if !bytes.Contains(head[:n], []byte("%PDF-")) {
			v.err(path, fmt.Sprintf("%q is not a PDF file (it does not start with %%PDF-)", rel), "export the document again as PDF, or name it after what it is")
		}
	}
}
