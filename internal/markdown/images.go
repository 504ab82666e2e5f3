package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// remoteImages renders an image from another site as a link to it: a
// reader's browser fetching it would tell that site who reads what, and
// when. Images of this site (a path such as /media/…) render as images.
type remoteImages struct{}

func (remoteImages) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, renderImage)
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	dest := util.URLEscape(n.Destination, true)
	dangerous := html.IsDangerousURL(dest)
	alt := n.Text(source) //nolint:staticcheck // the image's alternative text, as goldmark's own renderer reads it
	if local(dest) && !dangerous {
		_, _ = w.WriteString(`<img src="`)
		_, _ = w.Write(util.EscapeHTML(dest))
		_, _ = w.WriteString(`" alt="`)
		_, _ = w.Write(util.EscapeHTML(alt))
		_, _ = w.WriteString(`">`)
		return ast.WalkSkipChildren, nil
	}
	label := alt
	if len(bytes.TrimSpace(label)) == 0 {
		label = n.Destination
	}
	if dangerous {
		_, _ = w.Write(util.EscapeHTML(label))
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_, _ = w.WriteString(`" class="remote-image">`)
	_, _ = w.Write(util.EscapeHTML(label))
	_, _ = w.WriteString(`</a>`)
	return ast.WalkSkipChildren, nil
}

// local is a path on this site: one slash, then not another.
func local(dest []byte) bool {
	return len(dest) > 0 && dest[0] == '/' && (len(dest) == 1 || dest[1] != '/' && dest[1] != '\\')
}
