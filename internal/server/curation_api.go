package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) apiCreateCollection(c echo.Context) error {
	var in collectionInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	col, err := s.curation.Create(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, collectionOut(col))
}

func (s *Server) apiCollection(c echo.Context) error {
	col, err := s.curation.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, collectionOut(col))
}

func (s *Server) apiUpdateCollection(c echo.Context) error {
	var in collectionInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	col, err := s.curation.Update(c.Request().Context(), currentUser(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, collectionOut(col))
}

func (s *Server) apiDeleteCollection(c echo.Context) error {
	if err := s.curation.Delete(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiAddItem(c echo.Context) error {
	var in collectionItemInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	col, err := s.curation.AddItem(c.Request().Context(), currentUser(c), c.Param("id"), in.WorkID, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, collectionOut(col))
}

func (s *Server) apiRemoveItem(c echo.Context) error {
	col, err := s.curation.RemoveItem(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("work_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, collectionOut(col))
}

func (s *Server) apiFeature(c echo.Context) error {
	if err := s.curation.Feature(c.Request().Context(), c.Param("id"), true); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnfeature(c echo.Context) error {
	if err := s.curation.Feature(c.Request().Context(), c.Param("id"), false); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
