package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) apiMakerGroups(c echo.Context) error {
	st, err := s.makers.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, makerGroupsJSON{Items: nonNil(listOut(st.Groups, groupRefOut))})
}

func (s *Server) apiPutStudio(c echo.Context) error {
	var in studioInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	st, err := s.makers.PutStudio(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, makerResponse{Maker: makerOut(st)})
}

func (s *Server) apiMaker(c echo.Context) error {
	st, err := s.makers.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, makerResponse{Maker: makerOut(st)})
}

func (s *Server) apiMakerWorks(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	works, err := s.makers.WorksOf(c.Request().Context(), c.Param("handle"), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOut(works.Items, works.NextCursor, works.Total, workCardOut))
}

func (s *Server) apiFollow(c echo.Context) error {
	if err := s.makers.Follow(c.Request().Context(), currentUser(c), c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnfollow(c echo.Context) error {
	if err := s.makers.Unfollow(c.Request().Context(), currentUser(c).ID, c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
