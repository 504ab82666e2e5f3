package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/moderation"
)

func (s *Server) apiReport(c echo.Context) error {
	var in moderation.ReportInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.moderation.Report(c.Request().Context(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]*moderation.Report{"report": r})
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
	return c.JSON(http.StatusOK, p)
}

type decision struct {
	Action string `json:"action"`
	Note   string `json:"note"`
}

func (s *Server) apiDecide(c echo.Context) error {
	var in decision
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.moderation.Decide(c.Request().Context(), currentUser(c), c.Param("id"), in.Action, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]*moderation.Report{"report": r})
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
	return c.JSON(http.StatusOK, p)
}
