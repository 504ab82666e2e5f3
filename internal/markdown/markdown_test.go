package markdown

import (
	"strings"
	"testing"
)

func TestWrittenMarkdownBecomesSafeHTML(t *testing.T) {
	r := New()
	cases := []struct {
		name, src string
		want      []string
		never     []string
	}{
		{"emphasis and lists render", "**手工**牛皮\n\n- one\n- two", []string{"<strong>手工</strong>", "<li>one</li>"}, nil},
		{"a script tag is removed", "hi <script>alert(1)</script>", []string{"hi"}, []string{"<script", "alert(1)</script>"}},
		{"an inline handler is removed", `<img src=x onerror="alert(1)">`, nil, []string{"onerror"}},
		{"a javascript link loses its href", "[click](javascript:alert(1))", nil, []string{"javascript:"}},
		{"outside links are nofollow and open apart", "[shop](https://example.com)", []string{`rel="nofollow noopener"`, `target="_blank"`}, nil},
		{"a remote image becomes a link, never fetched", "![our kiln](https://tracker.example/p.png)",
			[]string{`<a href="https://tracker.example/p.png"`, `our kiln</a>`, `rel="nofollow noopener"`}, []string{"<img"}},
		{"a remote image without words links its address", "![](http://tracker.example/p.png)",
			[]string{`>http://tracker.example/p.png</a>`}, []string{"<img"}},
		{"a protocol-relative image is remote", "![x](//tracker.example/p.png)", []string{`<a href="//tracker.example/p.png"`}, []string{"<img"}},
		{"an image of this site stays an image", "![a cup](/media/ab/cd-medium.jpg)", []string{`<img src="/media/ab/cd-medium.jpg" alt="a cup"`}, nil},
		{"a javascript image is neither", "![x](javascript:alert(1))", nil, []string{"javascript:", "<img", "<a "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := r.HTML(c.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("%q lacks %q", out, w)
				}
			}
			for _, n := range c.never {
				if strings.Contains(string(out), n) {
					t.Errorf("%q contains %q", out, n)
				}
			}
		})
	}
}

func TestTextKeepsOnlyTheWords(t *testing.T) {
	got := New().Text("# 钱包\n\nA **leather** wallet & <b>card</b> holder")
	if got != "钱包 A leather wallet & card holder" {
		t.Fatalf("got %q", got)
	}
}
