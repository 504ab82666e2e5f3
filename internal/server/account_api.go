package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) apiSignUp(c echo.Context) error {
	var in signUpJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, token, err := s.accounts.SignUp(c.Request().Context(), in.signUp(c.Request().UserAgent()), c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, authJSON{User: privateUser(u), Token: token})
}

func (s *Server) apiSignIn(c echo.Context) error {
	var in credentialsJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, token, err := s.accounts.SignIn(c.Request().Context(), in.credentials(c.Request().UserAgent()), c.RealIP())
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
	return c.JSON(http.StatusOK, meResponse{User: privateUser(currentUser(c))})
}

func (s *Server) apiUpdateMe(c echo.Context) error {
	var in profileChangeJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.accounts.UpdateProfile(c.Request().Context(), currentUser(c), in.profileChange())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, meResponse{User: privateUser(u)})
}

func (s *Server) apiUser(c echo.Context) error {
	u, err := s.accounts.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userResponse{User: publicUser(u)})
}

func (s *Server) apiNotFound(c echo.Context) error {
	return echo.ErrNotFound
}

func (s *Server) apiChangeRoles(c echo.Context) error {
	var in rolesChangeJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.accounts.ChangeRoles(c.Request().Context(), c.Param("handle"), in.Add, in.Remove)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userResponse{User: publicUser(u)})
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
