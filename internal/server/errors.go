package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/logging"
	"guildhall/internal/problem"
)

var statusOf = map[problem.Kind]int{
	problem.KindInternal:     http.StatusInternalServerError,
	problem.KindInvalid:      http.StatusUnprocessableEntity,
	problem.KindMalformed:    http.StatusBadRequest,
	problem.KindUnauthorized: http.StatusUnauthorized,
	problem.KindForbidden:    http.StatusForbidden,
	problem.KindNotFound:     http.StatusNotFound,
	problem.KindConflict:     http.StatusConflict,
	problem.KindLocked:       http.StatusLocked,
	problem.KindTooLarge:     http.StatusRequestEntityTooLarge,
	problem.KindUnsupported:  http.StatusUnsupportedMediaType,
	problem.KindTooMany:      http.StatusTooManyRequests,
	problem.KindUnavailable:  http.StatusServiceUnavailable,
	problem.KindTimeout:      http.StatusRequestTimeout,
}

// handleError is the one place errors become responses: it maps the kind to
// a status, answers JSON for the API and HTML for pages, and logs only what
// is the server's fault.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := classify(err)
	status := statusOf[p.Kind]
	ctx := c.Request().Context()
	switch {
	case status >= 500 && p.Kind == problem.KindUnavailable:
		s.log.WarnContext(ctx, "backing service unavailable", "err", err)
	case status >= 500:
		s.log.ErrorContext(ctx, "internal error", "err", err, "method", c.Request().Method, "path", c.Request().URL.Path)
		p = &problem.Error{Kind: problem.KindInternal, Code: "internal", Message: "error_internal"}
	}
	if p.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", retryAfterSeconds(p.RetryAfter))
	}
	if p.Kind == problem.KindUnavailable {
		c.Response().Header().Set("Retry-After", "5")
	}
	lang := language(c)
	if isAPI(c) || !acceptsHTML(c) {
		fields := map[string]string{}
		for k, v := range p.Fields {
			fields[k] = s.text("en", v)
		}
		if len(fields) == 0 {
			fields = nil
		}
		detail := errorDetailJSON{Code: p.Code, Message: s.text("en", p.Message, p.Args...), Fields: fields}
		_ = c.JSON(status, errorJSON{Error: detail.withData(p.Data)})
		return
	}
	page := &errorPage{Page: s.page(c, "error_title"), Message: pageMessage(p), RequestID: logging.RequestID(ctx)}
	switch p.Kind {
	case problem.KindTooLarge, problem.KindTimeout, problem.KindInvalid:
		// Said as is: a form's field or size is the person's to fix.
		page.Message, page.Args, page.Fields = p.Message, p.Args, p.Fields
	}
	page.Lang = lang
	if rerr := s.render(c, status, "error", page); rerr != nil {
		s.log.ErrorContext(ctx, "render error page", "err", rerr)
		_ = c.String(status, http.StatusText(status))
	}
}

// classify turns any error into a problem: Echo's own (404 route, 405,
// 413 from a body reader) and context errors included.
func classify(err error) *problem.Error {
	if p, ok := problem.As(err); ok {
		return p
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return problem.NotFound("page")
		case http.StatusMethodNotAllowed:
			return &problem.Error{Kind: problem.KindMalformed, Code: "method_not_allowed", Message: "error_method_not_allowed"}
		case http.StatusRequestEntityTooLarge:
			return &problem.Error{Kind: problem.KindTooLarge, Code: "body_too_large", Message: "error_body_too_large"}
		case http.StatusUnsupportedMediaType:
			return &problem.Error{Kind: problem.KindUnsupported, Code: "unsupported_media_type", Message: "error_send_json"}
		}
		if he.Code >= 400 && he.Code < 500 {
			return &problem.Error{Kind: problem.KindMalformed, Code: "bad_request", Message: "error_bad_request"}
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &problem.Error{Kind: problem.KindTooLarge, Code: "body_too_large", Message: "error_body_too_large"}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return problem.Unavailable("a backing service", err)
	}
	return &problem.Error{Kind: problem.KindInternal, Code: "internal", Message: "error_internal", Err: err}
}

// text translates a message key. A key no locale has is a bug: it is
// logged, and the test rig fails the test that met it.
func (s *Server) text(lang, key string, args ...any) string {
	if !s.catalog.Has(key) {
		s.log.Error("untranslated message key", "key", key)
	}
	return s.catalog.T(lang, key, args...)
}

func pageMessage(p *problem.Error) string {
	switch p.Kind {
	case problem.KindNotFound:
		return "error_not_found"
	case problem.KindForbidden:
		if p.Code == "csrf_failed" {
			return "error_csrf"
		}
		return "error_forbidden"
	case problem.KindUnavailable:
		return "error_unavailable"
	case problem.KindTooMany:
		return "rate_limited"
	case problem.KindUnauthorized:
		return "sign_in_required"
	case problem.KindInternal:
		return "error_internal"
	}
	return "error_bad_request"
}

func acceptsHTML(c echo.Context) bool {
	a := c.Request().Header.Get("Accept")
	return a == "" || containsFold(a, "text/html") || containsFold(a, "*/*")
}
