package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
	"guildhall/internal/problem"
)

type passwordPage struct{ fieldsPage }

func (s *Server) passwordPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "password", &passwordPage{fieldsPage{Page: s.page(c, "password_title")}})
}

func (s *Server) passwordSubmit(c echo.Context) error {
	in := account.PasswordChange{Current: c.FormValue("current_password"), New: c.FormValue("new_password")}
	err := s.accounts.ChangePassword(c.Request().Context(), currentUser(c), sessionToken(c), in)
	if problem.KindOf(err) == problem.KindUnauthorized {
		err = problem.InvalidField("current_password", "wrong_password")
	}
	if err != nil {
		return s.formFailed(c, err, "password", &passwordPage{fieldsPage{Page: s.page(c, "password_title")}})
	}
	return c.Redirect(http.StatusSeeOther, "/settings/sessions?password=1")
}

type forgotPage struct {
	fieldsPage
	Email string
	Sent  bool
}

func (s *Server) forgotPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "forgot", &forgotPage{fieldsPage: fieldsPage{Page: s.page(c, "forgot_title")}, Sent: c.QueryParam("sent") == "1"})
}

// forgotSubmit says the same whether or not an account has the address.
func (s *Server) forgotSubmit(c echo.Context) error {
	in := account.ResetRequest{Email: c.FormValue("email")}
	if err := s.accounts.RequestPasswordReset(c.Request().Context(), in, c.RealIP(), language(c)); err != nil {
		return s.formFailed(c, err, "forgot", &forgotPage{fieldsPage: fieldsPage{Page: s.page(c, "forgot_title")}, Email: in.Email})
	}
	return c.Redirect(http.StatusSeeOther, "/forgot?sent=1")
}

type resetPage struct {
	fieldsPage
	Token string
}

func (s *Server) resetPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "reset", &resetPage{fieldsPage: fieldsPage{Page: s.page(c, "reset_title")}, Token: c.QueryParam("token")})
}

func (s *Server) resetSubmit(c echo.Context) error {
	in := account.ResetConfirm{Token: c.FormValue("token"), NewPassword: c.FormValue("new_password")}
	err := s.accounts.ConfirmPasswordReset(c.Request().Context(), in)
	p := &resetPage{fieldsPage: fieldsPage{Page: s.page(c, "reset_title")}, Token: in.Token}
	if pr, ok := problem.As(err); ok && pr.Code == "reset_token_invalid" {
		p.FormError = pr.Message
		return s.render(c, http.StatusBadRequest, "reset", p)
	}
	if err != nil {
		return s.formFailed(c, err, "reset", p)
	}
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/signin?reset=1")
}

type sessionsPage struct {
	Page
	Sessions        []account.Session
	PasswordChanged bool
	Ended           bool
}

func (s *Server) sessionsPage(c echo.Context) error {
	p := &sessionsPage{Page: s.page(c, "sessions_title"), Sessions: s.accounts.Sessions(currentUser(c), sessionToken(c)),
		PasswordChanged: c.QueryParam("password") == "1", Ended: c.QueryParam("ended") == "1"}
	return s.render(c, http.StatusOK, "sessions", p)
}

func (s *Server) endSessionSubmit(c echo.Context) error {
	if err := s.accounts.EndSession(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/sessions?ended=1")
}

func (s *Server) endOtherSessionsSubmit(c echo.Context) error {
	if err := s.accounts.EndOtherSessions(c.Request().Context(), currentUser(c), sessionToken(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/sessions?ended=1")
}
