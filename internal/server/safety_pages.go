package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/moderation"
	"guildhall/internal/notify"
)

// withQuery adds key=value to a site path, before its #anchor.
func withQuery(path, key, value string) string {
	path, anchor, hasAnchor := strings.Cut(path, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	path += sep + url.QueryEscape(key) + "=" + url.QueryEscape(value)
	if hasAnchor {
		path += "#" + anchor
	}
	return path
}

// reportSubmit files a report on a thread or a reply and goes back to it.
func (s *Server) reportSubmit(c echo.Context) error {
	in := moderation.ReportInput{TargetType: c.FormValue("target_type"), TargetID: c.FormValue("target_id"),
		Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	if _, err := s.moderation.Report(c.Request().Context(), currentUser(c), in); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, withQuery(back(c, "/"), "reported", "1"))
}

// muteSubmit mutes (on=0: unmutes) a user and goes back to where it was
// asked from.
func (s *Server) muteSubmit(c echo.Context) error {
	ctx, u, handle := c.Request().Context(), currentUser(c), c.Param("handle")
	var err error
	if c.FormValue("on") == "0" {
		err = s.accounts.Unmute(ctx, u, handle)
	} else {
		err = s.accounts.Mute(ctx, u, handle)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back(c, "/@"+url.PathEscape(handle)))
}

type moderationPage struct {
	Page
	Queue  *moderation.Page
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

type notificationsPage struct {
	Page
	Box *notify.Page
}

// notificationsPage is the signed-in user's box, newest first.
func (s *Server) notificationsPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p := &notificationsPage{Page: s.page(c, "notifications_title")}
	if p.Box, err = s.notify.List(c.Request().Context(), currentUser(c).ID, q.Cursor, q.Limit); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "notifications", p)
}

// openNotificationSubmit marks one notification read and opens what it is
// about. Opening changes state, so it is a POST (a button styled as a
// link), never a GET.
func (s *Server) openNotificationSubmit(c echo.Context) error {
	if err := s.notify.MarkRead(c.Request().Context(), currentUser(c).ID, []string{c.Param("id")}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back(c, "/notifications"))
}

func (s *Server) readAllSubmit(c echo.Context) error {
	if err := s.notify.MarkAllRead(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}
