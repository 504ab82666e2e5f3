package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"
)

// Templates renders messages from files named <name>.<lang>.txt and
// <name>.<lang>.html: the text file's first line is "Subject: …", the rest
// its body; the HTML file is optional and escaped as HTML.
type Templates struct {
	fsys fs.FS
}

// NewTemplates reads templates from fsys.
func NewTemplates(fsys fs.FS) *Templates { return &Templates{fsys: fsys} }

// Render fills template name in lang with data into a message for to.
func (t *Templates) Render(name, lang, to string, data any) (Message, error) {
	m := Message{To: to}
	src, err := fs.ReadFile(t.fsys, name+"."+lang+".txt")
	if err != nil {
		return m, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	txt, err := texttemplate.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return m, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	var b bytes.Buffer
	if err := txt.Execute(&b, data); err != nil {
		return m, fmt.Errorf("mail template %s.%s: %w", name, lang, err)
	}
	first, rest, _ := strings.Cut(b.String(), "\n")
	subject, ok := strings.CutPrefix(first, "Subject: ")
	if !ok {
		return m, fmt.Errorf("mail template %s.%s: the first line must be \"Subject: …\"", name, lang)
	}
	m.Subject, m.Text = strings.TrimSpace(subject), strings.TrimLeft(rest, "\n")
	if src, err := fs.ReadFile(t.fsys, name+"."+lang+".html"); err == nil {
		h, err := htmltemplate.New(name).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return m, fmt.Errorf("mail template %s.%s.html: %w", name, lang, err)
		}
		b.Reset()
		if err := h.Execute(&b, data); err != nil {
			return m, fmt.Errorf("mail template %s.%s.html: %w", name, lang, err)
		}
		m.HTML = b.String()
	}
	return m, nil
}
