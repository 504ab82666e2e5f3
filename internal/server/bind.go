package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// decodeJSON reads the request body into v strictly: JSON only, no unknown
// fields, one value, the field named when a type is wrong, and every
// string held to problem.TextFault. Every JSON endpoint reads its body
// through here, so each gets the same checks.
func decodeJSON(c echo.Context, v any) error {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if ct != echo.MIMEApplicationJSON {
		return &problem.Error{Kind: problem.KindUnsupported, Code: "unsupported_media_type",
			Message: "error_send_json"}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return jsonProblem(err)
	}
	return unmarshalStrict(body, v)
}

func unmarshalStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.Malformed("error_one_json_object", "")
	}
	return checkJSONText(body)
}

func jsonProblem(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	if p, ok := problem.As(err); ok { // a body that came too slowly
		return p
	}
	switch {
	case errors.As(err, &mbe):
		return &problem.Error{Kind: problem.KindTooLarge, Code: "body_too_large",
			Message: "error_body_larger_than", Args: []any{mbe.Limit}}
	case errors.As(err, &syntax):
		e := problem.Malformed("error_json_syntax", "")
		e.Args = []any{syntax.Offset}
		return e
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return problem.Malformed("error_body_cut_short", "")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &problem.Error{Kind: problem.KindInvalid, Code: "invalid",
			Message: "error_wrong_type", Fields: map[string]string{field: jsonType(typ.Type)}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &problem.Error{Kind: problem.KindInvalid, Code: "unknown_field",
			Message: "error_unknown_field", Fields: map[string]string{field: "field_unknown"}}
	}
	return problem.Malformed("error_body_unreadable", "")
}

// jsonType names the JSON type a field wants by its Go kind, whatever
// the request type it is declared in is called.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "field_must_be_string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "field_must_be_number"
	case reflect.Bool:
		return "field_must_be_bool"
	case reflect.Slice, reflect.Array:
		return "field_must_be_array"
	}
	return "field_must_be_object"
}

// safeNext keeps redirects after sign-in on this site: a path of its own,
// or "/". Browsers drop tabs and newlines from a Location and read a
// backslash as a slash, so "/\t/evil.example" and "/\\evil.example" are
// other hosts to them; such a next is refused before it is parsed, and the
// decoded path is held to the same rules, so "/%2f%2fevil.example" is too.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || unsafeInRedirect(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || unsafeInRedirect(u.Path) {
		return "/"
	}
	return next
}

// unsafeInRedirect reports what a browser may drop or rewrite in a
// Location: control characters, whitespace, backslashes, broken UTF-8.
func unsafeInRedirect(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r)
	})
}

func limitParam(c echo.Context) (int, error) {
	q, err := listQuery(c)
	return q.Limit, err
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// withQuery adds key=value to a site path, before its #anchor.
func withQuery(path, key, value string) string {
	path, anchor, hasAnchor := strings.Cut(path, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	path += sep + url.QueryEscape(key) + "=" + url.QueryEscape(value)
	if hasAnchor {
		path += "#" + anchor
	}
	return path
}

// back is where a form asked to return to, on this site, or fallback.
func back(c echo.Context, fallback string) string {
	if next := c.FormValue("next"); next != "" {
		return safeNext(next)
	}
	return fallback
}

func listQuery(c echo.Context) (work.ListQuery, error) {
	q := work.ListQuery{Sort: c.QueryParam("sort"), Cursor: c.QueryParam("cursor")}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return q, problem.InvalidField("limit", "out_of_range")
		}
		q.Limit = n
	}
	return q, nil
}

// parseMoney reads "129", "129.5" or "129.50" as minor units.
func parseMoney(v string) (int64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimLeft(v, "¥$€ ")), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f > 1e10 {
		return 0, false
	}
	return int64(math.Round(f * 100)), true
}

// uploadFiles sends the files of a multipart field through the media
// pipeline and returns their ids, in the order the browser sent them.
func (s *Server) uploadFiles(c echo.Context, field string) ([]string, error) {
	form, err := c.MultipartForm()
	if err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			return nil, nil
		}
		return nil, problem.Malformed("error_form_unreadable", field)
	}
	var ids []string
	for _, fh := range form.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		id, err := s.uploadOne(c, fh)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Server) uploadOne(c echo.Context, fh *multipart.FileHeader) (string, error) {
	f, err := fh.Open()
	if err != nil {
		return "", problem.Malformed("error_upload_unreadable", "file")
	}
	defer f.Close()
	m, err := s.media.Upload(c.Request().Context(), currentUser(c).ID, f)
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

func splitList(v string) []string {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
