// Package markdown turns what makers and members write into safe HTML:
// goldmark renders it, bluemonday keeps only what user content may carry.
package markdown

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Renderer renders and sanitises Markdown. Safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	strip  *bluemonday.Policy
}

// New returns a renderer for user content: GitHub-flavoured Markdown
// without raw HTML, links marked nofollow and opened safely.
func New() *Renderer {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &Renderer{
		md: goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(remoteImages{}, 100)))),
		policy: p,
		strip:  bluemonday.StrictPolicy(),
	}
}

// HTML renders src to sanitised HTML.
func (r *Renderer) HTML(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	// #nosec: the policy has just removed everything unsafe.
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes())), nil
}

// Text renders src and keeps only its words, for search and link previews.
func (r *Renderer) Text(src string) string {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return src
	}
	return strings.Join(strings.Fields(html.UnescapeString(r.strip.Sanitize(buf.String()))), " ")
}

// Excerpt is plain text on one line, cut to at most n characters with an
// ellipsis, for previews.
func Excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(strings.ToValidUTF8(text, "")), " ")
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}
