package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/notify"
)

type notificationsPage struct {
	Page
	Box *notify.NotificationList
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
