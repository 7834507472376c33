// Package model is the one description of an exhibition that every exporter reads.
//
// An exhibition is loaded from exhibition.yaml (or exhibition.json, parsed by the
// same YAML decoder so that both give line and column numbers), checked by
// Validate, and then treated as read-only by the asset store and the exporters.
// Data flows one way: Load -> Validate -> assets -> exporters.
package model
