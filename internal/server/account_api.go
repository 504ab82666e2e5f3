package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
)

// userJSON is a user's public face; meJSON adds what only they see.
type userJSON struct {
	ID            string    `json:"id"`
	Handle        string    `json:"handle"`
	DisplayName   string    `json:"display_name"`
	Bio           string    `json:"bio"`
	AvatarMediaID string    `json:"avatar_media_id,omitempty"`
	AvatarURL     string    `json:"avatar_url,omitempty"`
	Roles         []string  `json:"roles"`
	CreatedAt     time.Time `json:"created_at"`
}

type meJSON struct {
	userJSON
	Email     string    `json:"email"`
	Locale    string    `json:"locale"`
	UpdatedAt time.Time `json:"updated_at"`
}

func publicUser(u *account.User) userJSON {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return userJSON{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Bio: u.Bio,
		AvatarMediaID: u.AvatarMediaID, AvatarURL: u.AvatarURL, Roles: roles, CreatedAt: u.CreatedAt}
}

func privateUser(u *account.User) meJSON {
	return meJSON{userJSON: publicUser(u), Email: u.Email, Locale: u.Locale, UpdatedAt: u.UpdatedAt}
}

type authJSON struct {
	User  meJSON `json:"user"`
	Token string `json:"token"`
}

func (s *Server) apiSignUp(c echo.Context) error {
	var in account.SignUp
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.UserAgent = c.Request().UserAgent()
	u, token, err := s.accounts.SignUp(c.Request().Context(), in, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, authJSON{User: privateUser(u), Token: token})
}

func (s *Server) apiSignIn(c echo.Context) error {
	var in account.Credentials
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.UserAgent = c.Request().UserAgent()
	u, token, err := s.accounts.SignIn(c.Request().Context(), in, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, authJSON{User: privateUser(u), Token: token})
}

func (s *Server) apiSignOut(c echo.Context) error {
	token, _ := c.Get(keyToken).(string)
	if err := s.accounts.SignOut(c.Request().Context(), token); err != nil {
		return err
	}
	if !isBearer(c) {
		s.clearSessionCookie(c)
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiMe(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]meJSON{"user": privateUser(currentUser(c))})
}

func (s *Server) apiUpdateMe(c echo.Context) error {
	var in account.ProfileChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.accounts.UpdateProfile(c.Request().Context(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]meJSON{"user": privateUser(u)})
}

func (s *Server) apiUser(c echo.Context) error {
	u, err := s.accounts.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]userJSON{"user": publicUser(u)})
}

func (s *Server) apiNotFound(c echo.Context) error {
	return echo.ErrNotFound
}

type rolesChange struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

func (s *Server) apiChangeRoles(c echo.Context) error {
	var in rolesChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.accounts.ChangeRoles(c.Request().Context(), c.Param("handle"), in.Add, in.Remove)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]userJSON{"user": publicUser(u)})
}

func (s *Server) apiMute(c echo.Context) error {
	ctx, u, handle := c.Request().Context(), currentUser(c), c.Param("handle")
	var err error
	if c.Request().Method == http.MethodDelete {
		err = s.accounts.Unmute(ctx, u, handle)
	} else {
		err = s.accounts.Mute(ctx, u, handle)
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
