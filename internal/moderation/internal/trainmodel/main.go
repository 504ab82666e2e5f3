// Command trainmodel rebuilds the moderation detector's corpus
// (testdata/corpus.tsv) and model (model.bin) from testdata/posts.tsv.
// `go generate ./internal/moderation/...` runs it in the package's folder.
package main

import (
	"fmt"
	"os"

	"guildhall/internal/moderation"
)

func main() {
	if err := moderation.GenerateModel("."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
