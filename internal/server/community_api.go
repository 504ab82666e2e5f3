package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/community"
)

type groupJSON struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Description     string           `json:"description"`
	DescriptionHTML string           `json:"description_html"`
	Rules           string           `json:"rules"`
	RulesHTML       string           `json:"rules_html"`
	CoverURL        string           `json:"cover_url"`
	Visibility      string           `json:"visibility"`
	JoinPolicy      string           `json:"join_policy"`
	Owner           community.Person `json:"owner"`
	Counts          groupCountsJSON  `json:"counts"`
	URL             string           `json:"url"`
	Membership      *membershipJSON  `json:"membership"` // the caller's, null without one
	CreatedAt       time.Time        `json:"created_at"`
}

type membershipJSON struct {
	Group  string `json:"group_id"`
	Handle string `json:"handle"`
	Role   string `json:"role"`
	Status string `json:"status"`
}

func membershipOut(m *community.Membership) *membershipJSON {
	if m == nil {
		return nil
	}
	return &membershipJSON{Group: m.GroupID, Handle: m.User.Handle, Role: m.Role, Status: m.Status}
}

// groupCountsJSON leaves out what a private group's outsiders may not know.
type groupCountsJSON struct {
	Members int  `json:"members"`
	Pending *int `json:"pending,omitempty"`
	Threads *int `json:"threads,omitempty"`
}

func groupOut(g *community.Group, m *community.Membership) groupJSON {
	return groupJSON{ID: g.ID, Name: g.Name, Description: g.Description, DescriptionHTML: string(g.DescriptionHTML),
		Rules: g.Rules, RulesHTML: string(g.RulesHTML), CoverURL: g.CoverURL, Visibility: g.Visibility,
		JoinPolicy: g.JoinPolicy, Owner: g.Owner, URL: "/groups/" + g.ID,
		Counts:     groupCountsJSON{Members: g.Counts.Members, Pending: &g.Counts.Pending, Threads: &g.Counts.Threads},
		Membership: membershipOut(m), CreatedAt: g.CreatedAt}
}

// groupViewOut is a group as its viewer may see it.
func groupViewOut(v *community.GroupView) groupJSON {
	out := groupOut(v.Group, v.Access.Member)
	if v.Limited() {
		out.Counts.Pending, out.Counts.Threads = nil, nil
	}
	return out
}

type threadJSON struct {
	ID             string                 `json:"id"`
	GroupID        string                 `json:"group_id"`
	GroupName      string                 `json:"group_name"`
	Title          string                 `json:"title"`
	Body           string                 `json:"body"`
	BodyHTML       string                 `json:"body_html"`
	Author         community.Person       `json:"author"`
	Images         []community.Image      `json:"images"`
	Works          []community.WorkRef    `json:"works"`
	Pinned         bool                   `json:"pinned"`
	Locked         bool                   `json:"locked"`
	Hidden         bool                   `json:"hidden"`
	Deleted        bool                   `json:"deleted"`
	Edited         bool                   `json:"edited"`
	EditedAt       *time.Time             `json:"edited_at"`
	Flags          []string               `json:"flags"`
	Counts         community.ThreadCounts `json:"counts"`
	Pages          int                    `json:"pages"`
	Reacted        bool                   `json:"reacted"`
	Muted          bool                   `json:"muted"`
	URL            string                 `json:"url"`
	LastActivityAt time.Time              `json:"last_activity_at"`
	CreatedAt      time.Time              `json:"created_at"`
}

func threadOut(v *community.ThreadView) threadJSON {
	t := v.Thread
	out := threadJSON{ID: t.ID, GroupID: t.GroupID, GroupName: t.GroupName, Title: t.Title, Body: t.Body,
		BodyHTML: string(t.BodyHTML), Author: t.Author, Images: t.Images, Works: t.Works, Pinned: t.Pinned,
		Locked: t.Locked, Hidden: t.Hidden, Deleted: t.Deleted, Edited: t.EditedAt != nil, EditedAt: t.EditedAt,
		Flags: nonNil(t.Flags), Counts: t.Counts, Pages: t.Pages(), Reacted: v.Liked, Muted: v.Muted, URL: t.Path(),
		LastActivityAt: t.LastActivityAt, CreatedAt: t.CreatedAt}
	if v.Withheld {
		out.Title, out.Body, out.BodyHTML, out.Images, out.Works = "", "", "", []community.Image{}, []community.WorkRef{}
	}
	return out
}

type replyJSON struct {
	ID        string           `json:"id"`
	ThreadID  string           `json:"thread_id"`
	Author    community.Person `json:"author"`
	Body      string           `json:"body"`
	BodyHTML  string           `json:"body_html"`
	Quote     *community.Quote `json:"quote"`
	Reactions int              `json:"reactions"`
	Reacted   bool             `json:"reacted"`
	Muted     bool             `json:"muted"`
	Flags     []string         `json:"flags"`
	Deleted   bool             `json:"deleted"`
	Edited    bool             `json:"edited"`
	EditedAt  *time.Time       `json:"edited_at"`
	URL       string           `json:"url"`
	CreatedAt time.Time        `json:"created_at"`
}

func replyOut(threadID string, v community.ReplyView) replyJSON {
	r := v.Reply
	out := replyJSON{ID: v.ID, ThreadID: threadID, Author: r.Author, Body: r.Body, BodyHTML: string(r.BodyHTML),
		Quote: r.Quote, Reactions: r.Reactions, Reacted: v.Liked, Muted: v.Muted, Flags: nonNil(r.Flags), Deleted: r.Deleted,
		Edited: r.EditedAt != nil, EditedAt: r.EditedAt, CreatedAt: r.CreatedAt,
		URL: community.ReplyURL(threadID, r.N)}
	if v.Withheld {
		out.Body, out.BodyHTML = "", ""
	}
	return out
}

func (s *Server) apiCreateGroup(c echo.Context) error {
	var in community.GroupInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.community.CreateGroup(c.Request().Context(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]groupJSON{"group": groupOut(g, nil)})
}

func (s *Server) apiGroup(c echo.Context) error {
	v, err := s.community.Group(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]groupJSON{"group": groupViewOut(v)})
}

func (s *Server) apiUpdateGroup(c echo.Context) error {
	var in community.GroupInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.community.UpdateGroup(c.Request().Context(), currentUser(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]groupJSON{"group": groupOut(g, nil)})
}

func (s *Server) apiJoinGroup(c echo.Context) error {
	m, err := s.community.Join(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]*membershipJSON{"membership": membershipOut(m)})
}

func (s *Server) apiLeaveGroup(c echo.Context) error {
	if err := s.community.Leave(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiMembers(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	p, err := s.community.Members(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("status"), c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiSetMember(c echo.Context) error {
	var in community.MemberChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.community.SetMember(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("handle"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]*membershipJSON{"membership": membershipOut(m)})
}

func (s *Server) apiRemoveMember(c echo.Context) error {
	if err := s.community.RemoveMember(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiGroupThreads(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	l, err := s.community.GroupThreads(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("sort"),
		c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

func (s *Server) apiCreateThread(c echo.Context) error {
	var in community.ThreadInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.community.CreateThread(c.Request().Context(), currentUser(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]threadJSON{"thread": threadOut(&community.ThreadView{Thread: t})})
}

func (s *Server) apiThread(c echo.Context) error {
	v, err := s.community.Thread(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]threadJSON{"thread": threadOut(v)})
}

func (s *Server) apiUpdateThread(c echo.Context) error {
	var in community.ThreadInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, a, err := s.community.UpdateThread(c.Request().Context(), currentUser(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]threadJSON{"thread": threadOut(&community.ThreadView{Thread: t, Access: a})})
}

func (s *Server) apiDeleteThread(c echo.Context) error {
	if err := s.community.DeleteThread(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type repliesJSON struct {
	Items []replyJSON `json:"items"`
	Page  int         `json:"page"`
	Pages int         `json:"pages"`
}

func (s *Server) apiReplies(c echo.Context) error {
	v, err := s.community.ThreadPage(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("page"))
	if err != nil {
		return err
	}
	out := repliesJSON{Items: make([]replyJSON, 0, len(v.Replies)), Page: v.Page, Pages: v.Pages}
	for _, r := range v.Replies {
		out.Items = append(out.Items, replyOut(v.Thread.ID, r))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiAddReply(c echo.Context) error {
	var in community.ReplyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, r, err := s.community.AddReply(c.Request().Context(), currentUser(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]replyJSON{"reply": replyOut(t.ID, community.ReplyView{Reply: *r, ID: strconv.Itoa(r.N)})})
}

func (s *Server) apiEditReply(c echo.Context) error {
	var in community.ReplyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.community.EditReply(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("reply_id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]replyJSON{"reply": replyOut(c.Param("id"), community.ReplyView{Reply: *r, ID: strconv.Itoa(r.N)})})
}

func (s *Server) apiDeleteReply(c echo.Context) error {
	if err := s.community.DeleteReply(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("reply_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiReact likes (POST) or unlikes (DELETE) a thread or, with reply_id,
// one of its replies.
func (s *Server) apiReact(c echo.Context) error {
	ctx, u, id, reply := c.Request().Context(), currentUser(c), c.Param("id"), c.Param("reply_id")
	var err error
	if c.Request().Method == http.MethodDelete {
		err = s.community.Unreact(ctx, u, id, reply)
	} else {
		err = s.community.React(ctx, u, id, reply)
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
