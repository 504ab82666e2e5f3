package server

import (
	"io/fs"
	"regexp"
	"testing"

	"guildhall/web"
)

// Every string a template asks for exists in both languages (Load already
// holds the two locales to the same keys).
func TestEveryStringATemplateUsesIsTranslated(t *testing.T) {
	catalog, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`\.T "([a-z0-9_]+)"`)
	err = fs.WalkDir(web.Templates(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Templates(), p)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllSubmatch(b, -1) {
			if !catalog.Has(string(m[1])) {
				t.Errorf("%s uses %q, which no locale has", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{"status_draft", "status_published", "status_archived"} {
		if !catalog.Has(status) {
			t.Errorf("missing %s", status)
		}
	}
}
