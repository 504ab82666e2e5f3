package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/curation"
)

type collectionJSON struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	CoverURL    string          `json:"cover_url"`
	Visibility  string          `json:"visibility"`
	Curated     bool            `json:"curated"`
	Featured    bool            `json:"featured"`
	Owner       curation.Owner  `json:"owner"`
	Items       []curation.Item `json:"items"`
	URL         string          `json:"url"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func collectionOut(c *curation.Collection) map[string]collectionJSON {
	items := c.Items
	if items == nil {
		items = []curation.Item{}
	}
	return map[string]collectionJSON{"collection": {ID: c.ID, Title: c.Title, Description: c.Description,
		CoverURL: c.CoverURL, Visibility: c.Visibility, Curated: c.Curated, Featured: c.Featured, Owner: c.Owner,
		Items: items, URL: "/collections/" + c.ID, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}}
}

func (s *Server) apiCreateCollection(c echo.Context) error {
	var in curation.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	col, err := s.curation.Create(c.Request().Context(), currentUser(c), in)
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
	var in curation.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	col, err := s.curation.Update(c.Request().Context(), currentUser(c), c.Param("id"), in)
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

type itemInput struct {
	WorkID string `json:"work_id"`
	Note   string `json:"note"`
}

func (s *Server) apiAddItem(c echo.Context) error {
	var in itemInput
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
