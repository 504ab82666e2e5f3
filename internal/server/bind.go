package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/problem"
)

// decodeJSON reads the request body into v strictly: JSON only, no unknown
// fields, one value, the field named when a type is wrong.
func decodeJSON(c echo.Context, v any) error {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if ct != echo.MIMEApplicationJSON {
		return &problem.Error{Kind: problem.KindUnsupported, Code: "unsupported_media_type",
			Message: "Send the body as application/json."}
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.Malformed("The body must hold one JSON object.", "")
	}
	return nil
}

func jsonProblem(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &problem.Error{Kind: problem.KindTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("The request body is larger than %d bytes.", mbe.Limit)}
	case errors.As(err, &syntax):
		return problem.Malformed(fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset), "")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return problem.Malformed("The body is empty or cut short.", "")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &problem.Error{Kind: problem.KindInvalid, Code: "invalid",
			Message: "Some fields have the wrong type.", Fields: map[string]string{field: "must be " + jsonType(typ.Type.String())}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &problem.Error{Kind: problem.KindInvalid, Code: "unknown_field",
			Message: "The body has a field this endpoint does not take.", Fields: map[string]string{field: "unknown field"}}
	}
	return problem.Malformed("The body could not be read.", "")
}

func jsonType(goType string) string {
	switch {
	case goType == "string", goType == "*string":
		return "a string"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	}
	return "an object"
}
