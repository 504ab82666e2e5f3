package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) apiCreateWork(c echo.Context) error {
	var in workInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	w, err := s.works.Create(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, workResponse{Work: workOut(w)})
}

func (s *Server) apiWork(c echo.Context) error {
	w, err := s.works.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, workResponse{Work: workOut(w)})
}

func (s *Server) apiUpdateWork(c echo.Context) error {
	var in workInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	w, err := s.works.Update(c.Request().Context(), currentUser(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, workResponse{Work: workOut(w)})
}

func (s *Server) apiDeleteWork(c echo.Context) error {
	if err := s.works.Delete(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiMyWorks(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	page, err := s.works.Studio(c.Request().Context(), currentUser(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOut(page.Items, page.NextCursor, page.Total, workCardOut))
}

func (s *Server) apiFavourite(c echo.Context) error {
	if err := s.works.Favourite(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnfavourite(c echo.Context) error {
	if err := s.works.Unfavourite(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
