package account

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"guildhall/internal/problem"
)

var handlePattern = regexp.MustCompile(`^[a-z0-9_]{3,30}$`)

// reservedHandles would shadow pages, roles or the staff.
var reservedHandles = map[string]bool{
	"admin": true, "administrator": true, "root": true, "system": true, "support": true,
	"help": true, "api": true, "www": true, "static": true, "media": true, "login": true,
	"logout": true, "signup": true, "signin": true, "settings": true, "studio": true,
	"search": true, "feed": true, "discover": true, "notifications": true, "works": true,
	"makers": true, "groups": true, "threads": true, "collections": true, "moderation": true,
	"guildhall": true, "me": true, "null": true, "undefined": true, "staff": true, "official": true,
}

// NormaliseHandle lower-cases and trims a handle as typed.
func NormaliseHandle(h string) string { return strings.ToLower(strings.TrimSpace(h)) }

// NormaliseEmail lower-cases and trims an email; it is the key of its alias.
func NormaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func checkHandle(h string, fields map[string]string) {
	switch {
	case h == "":
		fields["handle"] = "required"
	case !handlePattern.MatchString(h):
		fields["handle"] = "handle_format"
	case reservedHandles[h]:
		fields["handle"] = "handle_reserved"
	}
}

func checkEmail(e string, fields map[string]string) {
	if e == "" {
		fields["email"] = "required"
		return
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || len(e) > 254 || !strings.Contains(e[strings.LastIndexByte(e, '@'):], ".") {
		fields["email"] = "email_format"
	}
}

// checkPassword follows NIST SP 800-63B: at least 10 characters, any
// characters at all, but not only spaces, not the account's own email or
// handle, and none of the 10,000 most common passwords.
func checkPassword(p, email, handle string, fields map[string]string) {
	checkPasswordAs("password", p, email, handle, fields)
}

func checkPasswordAs(field, p, email, handle string, fields map[string]string) {
	n := utf8.RuneCountInString(p)
	switch {
	case p == "":
		fields[field] = "required"
	case strings.TrimSpace(p) == "":
		fields[field] = "password_spaces"
	case n < 10:
		fields[field] = "password_short"
	case len(p) > 256:
		fields[field] = "password_long"
	case strings.EqualFold(p, email) || strings.EqualFold(p, handle) || isCommonPassword(p):
		fields[field] = "password_common"
	}
}

func checkText(field, v string, min, max int, fields map[string]string) {
	n := utf8.RuneCountInString(strings.TrimSpace(v))
	switch {
	case n < min && n == 0:
		fields[field] = "required"
	case n < min:
		fields[field] = "too_short"
	case n > max:
		fields[field] = "too_long"
	default:
		problem.CheckText(fields, field, v)
	}
}
