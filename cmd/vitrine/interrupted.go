package main

import "fmt"

// interrupted is the error of a build stopped by SIGINT or SIGTERM: the
// staging folder is removed on the way out, so OUT is as it was.
func interrupted(out string) error {
	return fmt.Errorf("interrupted: nothing was written; the previous outputs in %s are unchanged", out)
}
