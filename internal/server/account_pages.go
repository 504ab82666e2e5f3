package server

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
	"guildhall/internal/i18n"
	"guildhall/internal/problem"
)

type signUpPage struct {
	fieldsPage
	Form account.SignUp
}

func (s *Server) signUpPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "signup", &signUpPage{fieldsPage: fieldsPage{Page: s.page(c, "signup_title")}})
}

func (s *Server) signUpSubmit(c echo.Context) error {
	var form signUpJSON
	if err := c.Bind(&form); err != nil {
		return problem.Malformed("error_form_unreadable", "")
	}
	in := form.signUp(c.Request().UserAgent())
	// No language setting at sign-up: "as my browser asks" is the settings
	// page's default, and the language switch sets one when it is used.
	in.Locale = ""
	u, token, err := s.accounts.SignUp(c.Request().Context(), in, c.RealIP())
	if err != nil {
		return s.formFailed(c, err, "signup", &signUpPage{fieldsPage: fieldsPage{Page: s.page(c, "signup_title")}, Form: in})
	}
	s.mergeVisitorCart(c, u)
	s.setSessionCookie(c, token)
	s.rotateCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

type signInPage struct {
	fieldsPage
	Form  account.Credentials
	Next  string
	Reset bool // the password was just reset
}

func (s *Server) signInPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "signin", &signInPage{fieldsPage: fieldsPage{Page: s.page(c, "signin_title")}, Next: safeNext(c.QueryParam("next")),
		Reset: c.QueryParam("reset") == "1"})
}

func (s *Server) signInSubmit(c echo.Context) error {
	var form credentialsJSON
	if err := c.Bind(&form); err != nil {
		return problem.Malformed("error_form_unreadable", "")
	}
	in := form.credentials(c.Request().UserAgent())
	next := safeNext(c.FormValue("next"))
	u, token, err := s.accounts.SignIn(c.Request().Context(), in, c.RealIP())
	if err != nil {
		return s.formFailed(c, err, "signin", &signInPage{fieldsPage: fieldsPage{Page: s.page(c, "signin_title")}, Form: in, Next: next})
	}
	s.mergeVisitorCart(c, u)
	s.setSessionCookie(c, token)
	s.rotateCSRF(c)
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) signOutSubmit(c echo.Context) error {
	token, _ := c.Get(keyToken).(string)
	if err := s.accounts.SignOut(c.Request().Context(), token); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	s.rotateCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

type settingsPage struct {
	fieldsPage
	DisplayName, Bio, Locale string
	Saved                    bool
}

func (s *Server) settingsPage(c echo.Context) error {
	u := currentUser(c)
	return s.render(c, http.StatusOK, "settings", &settingsPage{fieldsPage: fieldsPage{Page: s.page(c, "settings_title")},
		DisplayName: u.DisplayName, Bio: u.Bio, Locale: u.Locale, Saved: c.QueryParam("saved") == "1"})
}

func (s *Server) settingsSubmit(c echo.Context) error {
	name, bio, locale := c.FormValue("display_name"), c.FormValue("bio"), c.FormValue("locale")
	_, err := s.accounts.UpdateProfile(c.Request().Context(), currentUser(c),
		account.ProfileChange{DisplayName: &name, Bio: &bio, Locale: &locale})
	if err != nil {
		return s.formFailed(c, err, "settings", &settingsPage{fieldsPage: fieldsPage{Page: s.page(c, "settings_title")},
			DisplayName: name, Bio: bio, Locale: locale})
	}
	return c.Redirect(http.StatusSeeOther, "/settings?saved=1")
}

// languageSubmit is the language switch in the header. A visitor's choice
// is kept in a cookie; a signed-in user's becomes their setting, which
// outranks everything else, so the switch has to change it.
func (s *Server) languageSubmit(c echo.Context) error {
	lang := i18n.Match(c.FormValue("lang"))
	if lang == "" {
		return problem.InvalidField("lang", "locale_unknown")
	}
	s.rememberLanguage(c, lang)
	if u := currentUser(c); u != nil && u.Locale != lang {
		if _, err := s.accounts.UpdateProfile(c.Request().Context(), u, account.ProfileChange{Locale: &lang}); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
}

// muteSubmit mutes (on=0: unmutes) a user and goes back to where it was
// asked from.
func (s *Server) muteSubmit(c echo.Context) error {
	ctx, u, handle := c.Request().Context(), currentUser(c), c.Param("handle")
	var err error
	if c.FormValue("on") == "0" {
		err = s.accounts.Unmute(ctx, u, handle)
	} else {
		err = s.accounts.Mute(ctx, u, handle)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back(c, "/@"+url.PathEscape(handle)))
}
