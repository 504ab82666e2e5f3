package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/moderation"
)

// reportSubmit files a report on a thread or a reply and goes back to it.
func (s *Server) reportSubmit(c echo.Context) error {
	in := moderation.ReportInput{TargetType: c.FormValue("target_type"), TargetID: c.FormValue("target_id"),
		Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	if _, err := s.moderation.Report(c.Request().Context(), currentUser(c), in); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, withQuery(back(c, "/"), "reported", "1"))
}

type moderationPage struct {
	Page
	Queue  *moderation.ReportList
	Status string
}

// Statuses are the queue's tabs.
func (p *moderationPage) Statuses() []string {
	return []string{moderation.StatusOpen, moderation.StatusResolved, moderation.StatusDismissed}
}

func (s *Server) moderationPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if status == "" {
		status = moderation.StatusOpen
	}
	p := &moderationPage{Page: s.page(c, "moderation_title"), Status: status}
	if p.Queue, err = s.moderation.Queue(c.Request().Context(), currentUser(c), status, q.Cursor, q.Limit); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "moderation", p)
}

func (s *Server) decideSubmit(c echo.Context) error {
	if _, err := s.moderation.Decide(c.Request().Context(), currentUser(c), c.Param("id"),
		c.FormValue("action"), c.FormValue("note")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/moderation")
}
