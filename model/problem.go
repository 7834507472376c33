package model

import (
	"errors"
	"fmt"
	"strings"
)

// Severity of a Problem.
type Severity int

const (
	// Error stops a build.
	Error Severity = iota
	// Warning is reported but does not stop a build.
	Warning
	// Notice informs (what a build will do that may surprise); nothing
	// is wrong.
	Notice
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Notice:
		return "notice"
	}
	return "error"
}

// ErrInvalid is wrapped by the error Load and Validate return when the
// exhibition has errors; use errors.As with *Problems for the details.
var ErrInvalid = errors.New("invalid exhibition")

// Problem is one thing wrong with an exhibition, with where it is and what to
// do about it.
type Problem struct {
	File     string
	Pos      Pos
	Severity Severity
	// Path is the field, such as plates[3].date; empty for the whole file.
	Path string
	Msg  string
	// Hint says how to fix it.
	Hint string
}

// Error formats the problem as file:line:col: severity: path: message (hint).
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Pos.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", p.Pos.Line, p.Pos.Col)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Severity.String())
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(p.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Problems is every problem found in one pass, in file order.
type Problems []Problem

// Error lists every problem, one per line.
func (ps *Problems) Error() string {
	lines := make([]string, len(*ps))
	for i, p := range *ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is(err, ErrInvalid) succeed when there is an error.
func (ps *Problems) Unwrap() error {
	if ps.HasErrors() {
		return ErrInvalid
	}
	return nil
}

// HasErrors reports whether any problem is an Error.
func (ps *Problems) HasErrors() bool {
	for _, p := range *ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Errors and Warnings split the list.
func (ps *Problems) Errors() Problems   { return ps.filter(Error) }
func (ps *Problems) Warnings() Problems { return ps.filter(Warning) }

func (ps *Problems) filter(s Severity) Problems {
	var out Problems
	for _, p := range *ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}
