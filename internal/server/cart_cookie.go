package server

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// A visitor's cart lives in a cookie: no account, no document. It is not
// signed: every line is checked on the way in (commerce.ValidateCartLines)
// and every price again at the cart and at checkout, so a visitor who edits
// it gains nothing, and a cookie that does not read is an empty cart.
const (
	cartCookie = "guildhall_cart"
	// maxCartCookie keeps the cookie under the 4 KB browsers keep.
	maxCartCookie = 3800
)

// Each line is "work~option~quantity~amount~currency", lines joined by
// "."; the option is base64url, so a maker's words never break the format.
func encodeCart(lines []commerce.CartLine) string {
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		parts = append(parts, strings.Join([]string{l.WorkID, base64.RawURLEncoding.EncodeToString([]byte(l.OptionID)),
			strconv.Itoa(l.Quantity), strconv.FormatInt(l.UnitPriceSeen.Amount, 10), l.UnitPriceSeen.Currency}, "~"))
	}
	return strings.Join(parts, ".")
}

func decodeCart(v string) ([]commerce.CartLine, bool) {
	if v == "" || len(v) > maxCartCookie {
		return nil, v == ""
	}
	var lines []commerce.CartLine
	for _, part := range strings.Split(v, ".") {
		f := strings.Split(part, "~")
		if len(f) != 5 {
			return nil, false
		}
		opt, err := base64.RawURLEncoding.DecodeString(f[1])
		q, qerr := strconv.Atoi(f[2])
		amount, aerr := strconv.ParseInt(f[3], 10, 64)
		if err != nil || qerr != nil || aerr != nil {
			return nil, false
		}
		lines = append(lines, commerce.CartLine{WorkID: f[0], OptionID: string(opt), Quantity: q,
			UnitPriceSeen: work.Money{Amount: amount, Currency: f[4]}})
	}
	lines, err := commerce.ValidateCartLines(lines)
	return lines, err == nil
}

// visitorCart reads the visitor's cart; a cookie that does not read is an
// empty cart.
func visitorCart(c echo.Context) []commerce.CartLine {
	ck, err := c.Cookie(cartCookie)
	if err != nil {
		return nil
	}
	lines, _ := decodeCart(ck.Value)
	return lines
}

func cartCount(lines []commerce.CartLine) int {
	n := 0
	for _, l := range lines {
		n += l.Quantity
	}
	return n
}

// headerCartCount is the header's count: the user's own (kept on the user
// document, so no read) or the cookie's.
func headerCartCount(c echo.Context) int {
	if u := currentUser(c); u != nil {
		return u.CartCount
	}
	return cartCount(visitorCart(c))
}

// putVisitorLine replaces (or, with quantity 0, removes) one line of the
// visitor's cart.
func (s *Server) putVisitorLine(c echo.Context, l commerce.CartLine, remove bool) error {
	lines := visitorCart(c)
	out := make([]commerce.CartLine, 0, len(lines)+1)
	for _, old := range lines {
		if old.Key() != l.Key() {
			out = append(out, old)
		}
	}
	if !remove {
		out = append(out, l)
	}
	if len(out) > commerce.MaxCartLines {
		return problem.Conflict("too_many_lines", "cart", "too_many_lines")
	}
	v := encodeCart(out)
	if len(v) > maxCartCookie {
		return problem.Conflict("too_many_lines", "cart", "too_many_lines")
	}
	s.setCartCookie(c, v)
	return nil
}

func (s *Server) setCartCookie(c echo.Context, v string) {
	ck := &http.Cookie{Name: cartCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: 30 * 24 * 3600}
	if v == "" {
		ck.MaxAge = -1
	}
	c.SetCookie(ck)
}

// mergeVisitorCart moves a visitor's cart into the account they just
// signed in to, then forgets the cookie. A merge that fails is logged and
// the cookie kept: signing in must not fail because of a cart.
func (s *Server) mergeVisitorCart(c echo.Context, u *account.User) {
	if _, err := c.Cookie(cartCookie); err != nil {
		return
	}
	lines := visitorCart(c)
	if err := s.commerce.MergeCart(c.Request().Context(), u, lines); err != nil {
		s.log.WarnContext(c.Request().Context(), "merge the visitor's cart", "user", u.ID, "err", err)
		return
	}
	s.setCartCookie(c, "")
}
