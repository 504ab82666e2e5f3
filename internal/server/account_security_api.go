package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func sessionToken(c echo.Context) string { t, _ := c.Get(keyToken).(string); return t }

func (s *Server) apiChangePassword(c echo.Context) error {
	var in passwordChangeJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.accounts.ChangePassword(c.Request().Context(), currentUser(c), sessionToken(c), in.input()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiRequestReset answers 202 whether or not an account has the address.
func (s *Server) apiRequestReset(c echo.Context) error {
	var in resetRequestJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.accounts.RequestPasswordReset(c.Request().Context(), in.input(), c.RealIP(), language(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

func (s *Server) apiConfirmReset(c echo.Context) error {
	var in resetConfirmJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.accounts.ConfirmPasswordReset(c.Request().Context(), in.input()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiSessions(c echo.Context) error {
	return c.JSON(http.StatusOK, sessionsOut(s.accounts.Sessions(currentUser(c), sessionToken(c))))
}

func (s *Server) apiEndSession(c echo.Context) error {
	if err := s.accounts.EndSession(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiEndOtherSessions signs the caller out everywhere else.
func (s *Server) apiEndOtherSessions(c echo.Context) error {
	if err := s.accounts.EndOtherSessions(c.Request().Context(), currentUser(c), sessionToken(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
