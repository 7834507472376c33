//go:build !unix

package model

import "errors"

func mkfifo(path string) error { return errors.New("not supported") }
