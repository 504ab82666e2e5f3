package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/maker"
)

type makerPage struct {
	Page
	*maker.View
	Sort string
}

func (s *Server) makerPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	if q.Sort == "" {
		q.Sort = "newest"
	}
	v, err := s.makers.MakerPage(c.Request().Context(), currentUser(c), c.Param("handle"), q)
	if err != nil {
		return err
	}
	p := &makerPage{Page: s.page(c, ""), View: v, Sort: q.Sort}
	p.RawTitle = v.Studio.Name
	return s.render(c, http.StatusOK, "maker", p)
}

// followSubmit is the follow button without JavaScript.
func (s *Server) followSubmit(c echo.Context) error {
	ctx, handle, u := c.Request().Context(), c.Param("handle"), currentUser(c)
	var err error
	if c.FormValue("on") == "0" {
		err = s.makers.Unfollow(ctx, u.ID, handle)
	} else {
		err = s.makers.Follow(ctx, u, handle)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/@"+handle)
}
