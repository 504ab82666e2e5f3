package server

import (
	"time"

	"guildhall/internal/notify"
)

// notificationJSON is one item in a user's box. Whether its group was
// private is the server's to know, never the client's.
type notificationJSON struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Actor     actorJSON `json:"actor"`
	GroupID   string    `json:"group_id"`
	ThreadID  string    `json:"thread_id"`
	ReplyID   string    `json:"reply_id"`
	OrderID   string    `json:"order_id,omitempty"`
	Title     string    `json:"title"`
	Excerpt   string    `json:"excerpt"`
	URL       string    `json:"url"`
	Read      bool      `json:"read"`
	Hidden    bool      `json:"hidden"` // the preview is withheld: its group is private and no longer readable
	CreatedAt time.Time `json:"created_at"`
}

// actorJSON is who did what a notification tells of.
type actorJSON struct {
	ID        string `json:"id"`
	Handle    string `json:"handle"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
}

func notificationOut(n notify.Notification) notificationJSON {
	a := n.Actor
	return notificationJSON{ID: n.ID, Type: n.Type,
		Actor:   actorJSON{ID: a.ID, Handle: a.Handle, Name: a.Name, AvatarURL: a.AvatarURL},
		GroupID: n.GroupID, ThreadID: n.ThreadID, ReplyID: n.ReplyID, OrderID: n.OrderID, Title: n.Title,
		Excerpt: n.Excerpt, URL: n.URL, Read: n.Read, Hidden: n.Hidden, CreatedAt: n.CreatedAt}
}

// notificationsJSON is one page of a user's box, with the whole box's
// unread count.
type notificationsJSON struct {
	Items      []notificationJSON `json:"items"`
	NextCursor *string            `json:"next_cursor"`
	Unread     int                `json:"unread"`
}

func notificationsOut(l *notify.NotificationList) notificationsJSON {
	return notificationsJSON{Items: listOut(l.Items, notificationOut), NextCursor: l.NextCursor, Unread: l.Unread}
}

// unreadJSON is the unread count, answered and streamed.
type unreadJSON struct {
	Unread int `json:"unread"`
}

// markReadJSON is the body of POST /notifications/read: the ids to mark,
// or none (or an empty body) for all of them.
type markReadJSON struct {
	IDs []string `json:"ids"`
}
