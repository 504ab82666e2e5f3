package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/curation"
)

type collectionPage struct {
	Page
	Collection *curation.Collection
}

func (s *Server) collectionPage(c echo.Context) error {
	col, err := s.curation.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	p := &collectionPage{Page: s.page(c, ""), Collection: col}
	p.RawTitle = col.Title
	return s.render(c, http.StatusOK, "collection", p)
}

// saveSubmit is the work page's "save to a list" form.
func (s *Server) saveSubmit(c echo.Context) error {
	id := c.Param("id")
	_, err := s.curation.Save(c.Request().Context(), currentUser(c), id, c.FormValue("collection_id"), c.FormValue("new_title"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/works/"+id+"?saved=1")
}
