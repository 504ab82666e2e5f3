package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
	"guildhall/internal/i18n"
	"guildhall/internal/logging"
	"guildhall/internal/problem"
)

const (
	sessionCookie = "guildhall_session"
	csrfCookie    = "guildhall_csrf"
	langCookie    = "guildhall_lang"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "_csrf"

	keyUser     = "user"
	keyToken    = "token"
	keyBearer   = "bearer"
	keyCSRF     = "csrf"
	keyLanguage = "lang"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestID accepts a well-formed X-Request-ID from a proxy or makes one.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !requestIDPattern.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		c.SetRequest(c.Request().WithContext(logging.WithRequestID(c.Request().Context(), id)))
		return next(c)
	}
}

// answerErrors hands an error to the error handler here, inside the
// logging and metrics middleware, so they see the status it answered.
func (s *Server) answerErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
}

// accessLog writes one line per request.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		_ = next(c)
		s.log.InfoContext(c.Request().Context(), "request",
			"method", c.Request().Method, "route", c.Path(), "path", c.Request().URL.Path,
			"status", c.Response().Status, "bytes", c.Response().Size,
			"duration_ms", float64(time.Since(start).Microseconds())/1000, "ip", c.RealIP())
		return nil
	}
}

func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		return next(c)
	}
}

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", s.csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.cfg.SecureCookies() {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// limitBody refuses a declared oversize body at once and caps the rest.
func (s *Server) limitBody(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > limit {
				return &problem.Error{Kind: problem.KindTooLarge, Code: "body_too_large",
					Message: "error_body_larger_than", Args: []any{limit}}
			}
			r.Body = http.MaxBytesReader(c.Response(), &requestBody{ReadCloser: r.Body, c: c}, limit)
			return next(c)
		}
	}
}

// timeout bounds the work a request may cause, MongoDB and search included.
func (s *Server) timeout(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// authenticate finds the user from a bearer token or the session cookie.
// A wrong bearer token is an error (the client meant to sign in); a stale
// cookie just means a visitor, and is cleared.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return problem.Unauthorized("unauthenticated", "error_bearer_format")
			}
			u, err := s.accounts.Authenticate(ctx, strings.TrimSpace(token))
			if err != nil {
				return err
			}
			c.Set(keyUser, u)
			c.Set(keyToken, strings.TrimSpace(token))
			c.Set(keyBearer, true)
			privateAnswer(c)
			return next(c)
		}
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			u, err := s.accounts.Authenticate(ctx, ck.Value)
			switch {
			case err == nil:
				c.Set(keyUser, u)
				c.Set(keyToken, ck.Value)
				privateAnswer(c)
			case problem.KindOf(err) == problem.KindUnauthorized:
				s.clearSessionCookie(c)
			default:
				return err
			}
		}
		return next(c)
	}
}

// csrf is a double-submit token: a random value in an HttpOnly cookie that
// forms echo back in _csrf and scripts in X-CSRF-Token. Bearer clients carry
// no ambient authority and skip it; so do cookie-less API calls, since the
// API takes only JSON, which a cross-site form cannot send.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) == 64 {
			token = ck.Value
			c.Set(keyCSRF, token)
		} else {
			token = s.rotateCSRF(c)
		}
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if isBearer(c) {
			return next(c)
		}
		if isAPI(c) {
			if _, err := c.Cookie(sessionCookie); err != nil {
				return next(c)
			}
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
			return csrfError()
		}
		sent := r.Header.Get(csrfHeader)
		if sent == "" {
			sent = c.FormValue(csrfField)
		}
		if subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			return csrfError()
		}
		return next(c)
	}
}

// privateAnswer keeps an answer for a signed-in caller out of every cache:
// it carries what only they may see.
func privateAnswer(c echo.Context) {
	if isAPI(c) {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	}
}

// rotateCSRF gives the browser a new CSRF token: at first sight, and
// whenever who is signed in changes, so a token seen before sign-in is
// worth nothing after it.
func (s *Server) rotateCSRF(c echo.Context) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: 7 * 24 * 3600})
	c.Set(keyCSRF, token)
	return token
}

func csrfError() error {
	return &problem.Error{Kind: problem.KindForbidden, Code: "csrf_failed", Message: "error_csrf"}
}

func (s *Server) negotiateLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		pref := ""
		if u := currentUser(c); u != nil {
			pref = u.Locale
		}
		// A visitor's ?lang= choice is remembered in a cookie, so it holds
		// on the next page; the browser's languages come after it.
		chosen := c.QueryParam("lang")
		if l := i18n.Match(chosen); l != "" {
			s.rememberLanguage(c, l)
		} else if ck, err := c.Cookie(langCookie); err == nil {
			chosen = ck.Value
		}
		c.Set(keyLanguage, i18n.Negotiate(pref, chosen, c.Request().Header.Get("Accept-Language")))
		c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
		return next(c)
	}
}

func (s *Server) rememberLanguage(c echo.Context, lang string) {
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
}

func (s *Server) requireAPIUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return problem.Unauthorized("unauthenticated", "sign_in_required")
		}
		return next(c)
	}
}

// requireRole lets only users holding role through (after requireAPIUser).
func (s *Server) requireRole(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !currentUser(c).HasRole(role) {
				return problem.Forbidden("needs_role_" + role)
			}
			return next(c)
		}
	}
}

func (s *Server) requirePageUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return c.Redirect(http.StatusSeeOther, "/signin?next="+urlQueryEscape(c.Request().URL.RequestURI()))
		}
		return next(c)
	}
}

func currentUser(c echo.Context) *account.User {
	u, _ := c.Get(keyUser).(*account.User)
	return u
}

func language(c echo.Context) string {
	if l, ok := c.Get(keyLanguage).(string); ok {
		return l
	}
	return i18n.Supported[0]
}

func isBearer(c echo.Context) bool { b, _ := c.Get(keyBearer).(bool); return b }

func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }

func (s *Server) setSessionCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: 30 * 24 * 3600})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int(max(1, d.Round(time.Second)/time.Second)))
}
