package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/problem"
)

// What a form may carry besides its files. The longest text a feature
// takes is 20,000 characters; a field holds that in any script.
const (
	maxFieldBytes  = 80 << 10
	maxFormFields  = 200
	uploadFormText = 256 << 10 // every non-file part of an upload form together
	formMemory     = 32 << 20  // files up to this stay in memory while a form is read
)

// requestBody is a request's body as handlers read it: reading stops when
// the request's time is up, and a client too slow to send its body is
// told so (408) rather than taken for a backing service that failed.
type requestBody struct {
	io.ReadCloser
	c         echo.Context
	deadlined bool
}

func (b *requestBody) Read(p []byte) (int, error) {
	ctx := b.c.Request().Context()
	if err := ctx.Err(); err != nil {
		return 0, bodyError(err)
	}
	if !b.deadlined {
		// A read blocked on the connection does not see the context end;
		// the connection's deadline makes it return then.
		b.deadlined = true
		if d, ok := ctx.Deadline(); ok {
			_ = http.NewResponseController(b.c.Response()).SetReadDeadline(d)
		}
	}
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = bodyError(err)
	}
	return n, err
}

// bodyError names a body that did not arrive in time; other errors pass.
func bodyError(err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return &problem.Error{Kind: problem.KindTimeout, Code: "request_timeout", Message: "error_request_timeout", Err: err}
	}
	return err
}

// readForm reads a form body before anything else looks at it, holding
// every non-file field to maxFieldBytes, all of them to textLimit, and
// refusing text no person types (problem.TextFault), each with the field
// named. Handlers and the CSRF check then read the parsed form. A field
// over its cap is answered at once, without reading the rest.
func (s *Server) readForm(textLimit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			ct, params, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
			var err error
			switch ct {
			case echo.MIMEApplicationForm:
				err = readURLEncoded(r)
			case echo.MIMEMultipartForm:
				err = readMultipart(r, params["boundary"], textLimit)
			default:
				return next(c)
			}
			if err != nil {
				return err
			}
			return next(c)
		}
	}
}

func readURLEncoded(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	if len(r.PostForm) > maxFormFields {
		return tooManyFields()
	}
	faults := map[string]string{}
	for name, vs := range r.PostForm {
		for _, v := range vs {
			if len(v) > maxFieldBytes {
				return fieldTooLarge(name)
			}
			problem.CheckText(faults, name, v)
		}
	}
	if len(faults) > 0 {
		return problem.Invalid(faults)
	}
	return nil
}

// readMultipart streams the form's parts through checks into the
// standard form reader, so files are kept as usual (in memory or in
// temporary files) while text fields are bounded as they arrive.
func readMultipart(r *http.Request, boundary string, textLimit int64) error {
	if boundary == "" {
		return problem.Malformed("error_form_unreadable", "")
	}
	pr, pw := io.Pipe()
	dst := multipart.NewWriter(pw)
	copied := make(chan error, 1)
	go func() {
		err := copyParts(multipart.NewReader(r.Body, boundary), dst, textLimit)
		if err == nil {
			err = dst.Close()
		}
		pw.CloseWithError(err)
		copied <- err
	}()
	form, err := multipart.NewReader(pr, dst.Boundary()).ReadForm(formMemory)
	pr.CloseWithError(errors.New("form read")) // unblocks the copier if the reader stopped early
	if cerr := <-copied; cerr != nil {
		if form != nil {
			_ = form.RemoveAll()
		}
		return formError(cerr)
	}
	if err != nil {
		return formError(err)
	}
	r.MultipartForm = form
	r.PostForm = form.Value
	if r.Form == nil {
		r.Form = r.URL.Query()
	}
	for k, vs := range form.Value {
		r.Form[k] = append(r.Form[k], vs...)
	}
	return nil
}

func copyParts(src *multipart.Reader, dst *multipart.Writer, textLimit int64) error {
	var text int64
	faults := map[string]string{}
	for n := 0; ; n++ {
		p, err := src.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if n >= maxFormFields {
			return tooManyFields()
		}
		w, err := dst.CreatePart(p.Header)
		if err != nil {
			return err
		}
		if p.FileName() != "" { // bounded by the body's limit and the image pipeline
			if _, err := io.Copy(w, p); err != nil {
				return err
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return err
		}
		if len(v) > maxFieldBytes {
			return fieldTooLarge(p.FormName())
		}
		if text += int64(len(v)); text > textLimit {
			return &problem.Error{Kind: problem.KindTooLarge, Code: "form_too_large", Message: "error_form_text_larger_than", Args: []any{textLimit}}
		}
		problem.CheckText(faults, p.FormName(), string(v))
		if _, err := w.Write(v); err != nil {
			return err
		}
	}
	if len(faults) > 0 {
		return problem.Invalid(faults)
	}
	return nil
}

func formError(err error) error {
	var mbe *http.MaxBytesError
	switch p, ok := problem.As(err); {
	case ok:
		return p
	case errors.As(err, &mbe):
		return &problem.Error{Kind: problem.KindTooLarge, Code: "body_too_large", Message: "error_body_larger_than", Args: []any{mbe.Limit}}
	case errors.Is(err, multipart.ErrMessageTooLarge):
		return tooManyFields()
	}
	return problem.Malformed("error_form_unreadable", "")
}

func fieldTooLarge(name string) error {
	return &problem.Error{Kind: problem.KindTooLarge, Code: "field_too_large", Message: "error_field_larger_than",
		Args: []any{maxFieldBytes}, Fields: map[string]string{name: "too_long"}}
}

func tooManyFields() error {
	return &problem.Error{Kind: problem.KindTooLarge, Code: "form_too_large", Message: "error_form_too_many_fields", Args: []any{maxFormFields}}
}

// checkJSONText names the first field of a JSON document whose text
// problem.TextFault refuses, keys included. Most bodies are plain text
// without escapes, which one pass over the bytes clears; the rest are
// walked token by token, each string checked as written (broken UTF-8,
// which the decoder would quietly replace) and as decoded (escapes such as
// \u0000 or \u202e).
func checkJSONText(body []byte) error {
	if problem.TextFault(string(body)) == "" && !hasRiskyEscape(body) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var path []jsonStep
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the strict decode already read it; nothing left to check
		}
		var top *jsonStep
		if len(path) > 0 {
			top = &path[len(path)-1]
		}
		isKey := top != nil && top.object && top.wantKey
		if !isKey && top != nil && !top.object {
			top.index++
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				path = append(path, jsonStep{object: true, wantKey: true, index: -1})
			case '[':
				path = append(path, jsonStep{index: -1})
			default:
				path = path[:len(path)-1]
				valueDone(path)
			}
			continue
		case string:
			raw := body[start:dec.InputOffset()]
			if isKey {
				top.key, top.wantKey = t, false
			}
			fault := problem.TextFault(t)
			if fault == "" {
				fault = problem.TextFault(string(raw))
			}
			if fault != "" {
				return problem.InvalidField(fieldOf(path), fault)
			}
			if isKey {
				continue
			}
		}
		valueDone(path)
	}
}

type jsonStep struct {
	object  bool
	wantKey bool
	key     string
	index   int
}

func valueDone(path []jsonStep) {
	if len(path) > 0 && path[len(path)-1].object {
		path[len(path)-1].wantKey = true
	}
}

// fieldOf names a place as the API's field errors do: keys joined by dots,
// with the index of an element inside a list of objects ("variants.0.name")
// and none for an element of a list of strings ("tags").
func fieldOf(path []jsonStep) string {
	var parts []string
	for i, st := range path {
		switch {
		case st.object && st.key != "":
			parts = append(parts, st.key)
		case !st.object && i < len(path)-1:
			parts = append(parts, strconv.Itoa(st.index))
		}
	}
	if len(parts) == 0 {
		return "body"
	}
	return strings.Join(parts, ".")
}

// hasRiskyEscape reports a JSON escape that can decode to a character
// TextFault refuses: \u, \b or \f.
func hasRiskyEscape(b []byte) bool {
	for i := bytes.IndexByte(b, '\\'); i >= 0 && i+1 < len(b); {
		switch b[i+1] {
		case 'u', 'b', 'f':
			return true
		}
		j := bytes.IndexByte(b[i+2:], '\\')
		if j < 0 {
			return false
		}
		i += 2 + j
	}
	return false
}
