// Package problem defines the kinds of failure the features report, so that
// one HTTP error handler can turn each kind into a status code and a body
// without the features knowing about HTTP.
package problem

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind classifies an error for the caller.
type Kind int

const (
	KindInternal     Kind = iota // a bug or an unexpected failure: 500, logged
	KindInvalid                  // bad input: 422 (or 400 for malformed requests)
	KindMalformed                // the request could not be read: 400
	KindUnauthorized             // not signed in or wrong credentials: 401
	KindForbidden                // signed in but not allowed: 403
	KindNotFound                 // missing, or not to be known to exist: 404
	KindConflict                 // already taken / state conflict: 409
	KindLocked                   // resource is locked: 423
	KindTooLarge                 // body too large: 413
	KindUnsupported              // unsupported media type: 415
	KindTooMany                  // rate limited: 429
	KindUnavailable              // a backing service is down: 503
	KindTimeout                  // the client was too slow sending its request: 408
)

// Error is a classified error with a stable snake_case code, a message for
// people and per-field messages. Message and every Fields value are i18n
// keys of web/locales, never text: the HTTP layer translates them, and a
// test holds every key the code uses to both languages.
type Error struct {
	Kind    Kind
	Code    string
	Message string // an i18n key
	Args    []any  // for the %-verbs of Message's text
	Fields  map[string]string
	// Data are facts the caller needs to act on the failure (the new total
	// of a checkout whose prices changed), rendered with the error.
	Data       map[string]any
	RetryAfter time.Duration
	Err        error // the cause, for logs
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// As finds the classified error in err's chain.
func As(err error) (*Error, bool) {
	var p *Error
	ok := errors.As(err, &p)
	return p, ok
}

// KindOf returns the kind of err, KindInternal when it is not classified.
func KindOf(err error) Kind {
	if p, ok := As(err); ok {
		return p.Kind
	}
	return KindInternal
}

// Invalid reports bad input; fields maps each field name to what is wrong.
func Invalid(fields map[string]string) *Error {
	return &Error{Kind: KindInvalid, Code: "invalid", Message: "error_invalid", Fields: fields}
}

// InvalidField reports one bad field.
func InvalidField(field, message string) *Error {
	return Invalid(map[string]string{field: message})
}

// Malformed reports a request body that could not be read; key says why.
func Malformed(key string, field string) *Error {
	e := &Error{Kind: KindMalformed, Code: "malformed_request", Message: key}
	if field != "" {
		e.Fields = map[string]string{field: key}
	}
	return e
}

// NotFound reports that what (e.g. "user") does not exist for this caller;
// its message is the key "<what>_not_found".
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: what + "_not_found"}
}

// Conflict reports a taken unique value or a state conflict; key is the
// message, and the field's when field is set.
func Conflict(code, field, key string) *Error {
	e := &Error{Kind: KindConflict, Code: code, Message: key}
	if field != "" {
		e.Fields = map[string]string{field: key}
	}
	return e
}

// Unauthorized reports a missing or wrong credential; key is the message.
func Unauthorized(code, key string) *Error {
	return &Error{Kind: KindUnauthorized, Code: code, Message: key}
}

// Forbidden reports a signed-in caller who may not do this; code is also
// the message key.
func Forbidden(code string) *Error {
	return &Error{Kind: KindForbidden, Code: code, Message: code}
}

// TooMany reports a rate limit hit; retry after d.
func TooMany(d time.Duration) *Error {
	return &Error{Kind: KindTooMany, Code: "rate_limited", Message: "rate_limited", RetryAfter: d}
}

// Unavailable reports that service (e.g. "search") cannot be reached. The
// service is named in the logs, not to people.
func Unavailable(service string, cause error) *Error {
	return &Error{Kind: KindUnavailable, Code: "service_unavailable", Message: "error_unavailable",
		Err: fmt.Errorf("%s unavailable: %w", service, cause)}
}

// CheckLength adds to fields what is wrong with the length of text v
// (trimmed, in characters): "required" under min, "too_long" over max.
func CheckLength(fields map[string]string, field, v string, min, max int) {
	n := utf8.RuneCountInString(strings.TrimSpace(v))
	switch {
	case n == 0 && min > 0:
		fields[field] = "required"
	case n > max:
		fields[field] = "too_long"
	}
}

// TextFault is the i18n key of what makes s unfit as text a person typed,
// or "" when nothing does: broken UTF-8, control characters other than
// tab, newline and carriage return (C0, DEL, C1), and the bidirectional
// overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make text
// read differently from how it is stored.
func TextFault(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return "control_characters"
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return "invalid_utf8"
		case r >= 0x80 && r <= 0x9f:
			return "control_characters"
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return "bidi_override"
		}
		i += n
	}
	return ""
}

// CheckText adds to fields what TextFault finds in v.
func CheckText(fields map[string]string, field, v string) {
	if fault := TextFault(v); fault != "" {
		fields[field] = fault
	}
}
