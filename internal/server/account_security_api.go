package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
)

type sessionJSON struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

type sessionListJSON struct {
	Items      []sessionJSON `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

func sessionsOut(ss []account.Session) sessionListJSON {
	out := sessionListJSON{Items: make([]sessionJSON, 0, len(ss))}
	for _, s := range ss {
		out.Items = append(out.Items, sessionJSON{ID: s.ID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, UserAgent: s.UserAgent, Current: s.Current})
	}
	return out
}

func sessionToken(c echo.Context) string { t, _ := c.Get(keyToken).(string); return t }

func (s *Server) apiChangePassword(c echo.Context) error {
	var in account.PasswordChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.accounts.ChangePassword(c.Request().Context(), currentUser(c), sessionToken(c), in); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiRequestReset answers 202 whether or not an account has the address.
func (s *Server) apiRequestReset(c echo.Context) error {
	var in account.ResetRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.accounts.RequestPasswordReset(c.Request().Context(), in, c.RealIP(), language(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

func (s *Server) apiConfirmReset(c echo.Context) error {
	var in account.ResetConfirm
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.accounts.ConfirmPasswordReset(c.Request().Context(), in); err != nil {
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
