package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

func (s *Server) apiNotifications(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	p, err := s.notify.List(c.Request().Context(), currentUser(c).ID, c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, notificationsOut(p))
}

func (s *Server) apiMarkRead(c echo.Context) error {
	var in markReadJSON
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	ctx, uid := c.Request().Context(), currentUser(c).ID
	var err error
	if len(in.IDs) == 0 {
		err = s.notify.MarkAllRead(ctx, uid)
	} else {
		err = s.notify.MarkRead(ctx, uid, in.IDs)
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnread(c echo.Context) error {
	n, err := s.accounts.Unread(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, unreadJSON{Unread: n})
}

// apiNotificationStream sends the unread count as Server-Sent Events: at
// once, whenever this instance delivers or reads a notification for the
// user, and on a periodic re-read that catches other instances' writes.
func (s *Server) apiNotificationStream(c echo.Context) error {
	ctx, uid := c.Request().Context(), currentUser(c).ID
	wake, cancel := s.notify.Subscribe(uid)
	defer cancel()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	last := -1
	tick := time.NewTicker(s.streamEvery)
	defer tick.Stop()
	for {
		n, err := s.accounts.Unread(ctx, uid)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			// The stream is already answered; the browser reconnects.
			s.log.WarnContext(ctx, "notification stream", "err", err)
			return nil
		case n != last:
			_, err = fmt.Fprintf(w, "event: unread\ndata: {\"unread\":%d}\n\n", n)
			last = n
		default:
			_, err = fmt.Fprint(w, ": still here\n\n") // keeps proxies from closing an idle stream
		}
		if err != nil {
			return nil
		}
		w.Flush()
		select {
		case <-ctx.Done():
			return nil
		case <-s.stopping:
			return nil
		case <-wake:
		case <-tick.C:
		}
	}
}
