package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) apiReport(c echo.Context) error {
	var in reportInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.moderation.Report(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, reportResponseOut(r))
}

func (s *Server) apiReports(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	p, err := s.moderation.Queue(c.Request().Context(), currentUser(c), c.QueryParam("status"), c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOut(p.Items, p.NextCursor, p.Total, reportOut))
}

func (s *Server) apiDecide(c echo.Context) error {
	var in decisionJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.moderation.Decide(c.Request().Context(), currentUser(c), c.Param("id"), in.Action, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, reportResponseOut(r))
}

func (s *Server) apiAudit(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	p, err := s.moderation.Audit(c.Request().Context(), currentUser(c), c.QueryParam("group_id"), c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOut(p.Items, p.NextCursor, p.Total, auditEntryOut))
}
