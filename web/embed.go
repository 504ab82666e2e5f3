// Package web holds the templates, static files and locale strings, embedded
// into the binary so that one file is the whole app.
package web

import (
	"embed"
	"io/fs"
)

//go:embed templates static locales mail
var files embed.FS

// Templates returns the page templates.
func Templates() fs.FS { return sub("templates") }

// Static returns the CSS, JavaScript and images.
func Static() fs.FS { return sub("static") }

// Mail returns the e-mail templates, <name>.<lang>.txt and .html.
func Mail() fs.FS { return sub("mail") }

// Locales returns <lang>.json message files.
func Locales() fs.FS { return sub("locales") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the directories are embedded above; this cannot fail
	}
	return f
}
