package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/community"
	"guildhall/internal/moderation"
	"guildhall/internal/problem"
)

// postFormPage is the form for a new thread, an edited thread, a reply and
// an edited reply.
type postFormPage struct {
	fieldsPage
	Kind       string // thread, edit_thread, reply, edit_reply
	Action     string // where the form posts
	Back       string // the page the form belongs to
	Subject    string // the group's name or the thread's title
	PostTitle  string
	Body       string
	Works      string
	QuoteID    string
	NeedsTitle bool
}

// NewThread reports whether the form starts a thread, which may link works
// and carry images.
func (p *postFormPage) NewThread() bool { return p.Kind == "thread" }

func (s *Server) postForm(c echo.Context, kind, action, back, subject string) *postFormPage {
	return &postFormPage{fieldsPage: fieldsPage{Page: s.page(c, "post_"+kind+"_title")}, Kind: kind,
		Action: action, Back: back, Subject: subject, NeedsTitle: kind == "thread" || kind == "edit_thread"}
}

// postFailed shows why a post was refused on its form: what formFailed
// shows, plus a locked thread, a post the viewer may not make and a state
// conflict, which have no field to point at.
func (s *Server) postFailed(c echo.Context, err error, p *postFormPage) error {
	if pr, ok := problem.As(err); ok {
		switch {
		case pr.Kind == problem.KindLocked, pr.Kind == problem.KindForbidden,
			pr.Kind == problem.KindConflict && len(pr.Fields) == 0:
			p.FormError = pr.Message
			return s.render(c, statusOf[pr.Kind], "post_form", p)
		}
	}
	return s.formFailed(c, err, "post_form", p)
}

func threadPath(id string) string { return "/threads/" + url.PathEscape(id) }

func replyLink(threadID string, n int) string { return community.ReplyURL(url.PathEscape(threadID), n) }

// newThreadPage is the new-thread form on a page of its own (the group
// page carries the same form).
func (s *Server) newThreadPage(c echo.Context) error {
	v, err := s.community.Group(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	back := "/groups/" + url.PathEscape(v.Group.ID)
	if !v.Access.Post {
		return c.Redirect(http.StatusSeeOther, back)
	}
	p := s.postForm(c, "thread", back+"/threads/new", back, v.Group.Name)
	return s.render(c, http.StatusOK, "post_form", p)
}

// workIDs reads the works a thread links: one per line (or separated by
// spaces or commas), each a work's id or the address of its page. The
// field is bounded (readForm), and duplicates are found through a map, so
// this is linear in its length; the feature then counts them.
func workIDs(text string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ' ' || r == '\t' || r == ',' || r == '，' || r == '、'
	}) {
		if _, rest, ok := strings.Cut(f, "/works/"); ok {
			f = rest
		}
		f, _, _ = strings.Cut(f, "/")
		f, _, _ = strings.Cut(f, "?")
		f, _, _ = strings.Cut(f, "#")
		if f = strings.TrimSpace(f); f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) newThreadSubmit(c echo.Context) error {
	ctx, u, id := c.Request().Context(), currentUser(c), c.Param("id")
	back := "/groups/" + url.PathEscape(id)
	p := s.postForm(c, "thread", back+"/threads/new", back, c.FormValue("subject"))
	p.PostTitle, p.Body, p.Works = c.FormValue("title"), c.FormValue("body"), c.FormValue("works")
	works := workIDs(p.Works)
	in := community.ThreadInput{Title: &p.PostTitle, Body: &p.Body, WorkIDs: &works}
	media, err := s.uploadFiles(c, "images")
	if err != nil {
		return s.postFailed(c, err, p)
	}
	if len(media) > 0 {
		in.MediaIDs = &media
	}
	t, err := s.community.CreateThread(ctx, u, id, in)
	if err != nil {
		return s.postFailed(c, err, p)
	}
	return c.Redirect(http.StatusSeeOther, threadPath(t.ID))
}

type threadPage struct {
	Page
	Thread   *community.Thread
	Access   community.Access
	Replies  []community.ReplyView
	PageNo   int
	Pages    int
	Liked    bool
	Muted    bool
	Withheld bool
	// Quote is the reply the reply form quotes (?quote=N), QuoteHandle its
	// author when it is on this page.
	Quote       int
	QuoteHandle string
	Reported    bool
}

// PageLinks are the numbers of the thread's pages.
func (p *threadPage) PageLinks() []int {
	out := make([]int, p.Pages)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// ReplyLink is where reply n is, whichever page it is on.
func (p *threadPage) ReplyLink(n int) string { return replyLink(p.Thread.ID, n) }

// HereLink is this page of the thread, with an anchor, for forms to come
// back to.
func (p *threadPage) HereLink(anchor string) string {
	return threadPath(p.Thread.ID) + "?page=" + strconv.Itoa(p.PageNo) + "#" + anchor
}

// post is one post of a thread page, the thread itself (Reply nil) or one
// of its replies, as the post_meta, like_form, report_form and mute_form
// partials (web/templates/common/post.html) show it.
type post struct {
	*threadPage
	Reply        *community.ReplyView
	Key          string // names the post in element and test ids: "thread" or "r<n>"
	Anchor       string // where a form on the post comes back to
	Author       community.Person
	CreatedAt    time.Time
	EditedAt     *time.Time
	AvatarSize   int
	AuthorTestID string
	Liked        bool // by the viewer
	LikeAPI      string
	LikeCountID  string // the element showing its likes, which the button updates
	TargetType   string // the post in a report
	TargetID     string
	AuthorMuted  bool
	MuteTestID   string
}

// ThreadPost is the thread as a post of its page.
func (p *threadPage) ThreadPost() post {
	t := p.Thread
	return post{threadPage: p, Key: "thread", Anchor: "top", Author: t.Author, CreatedAt: t.CreatedAt,
		EditedAt: t.EditedAt, AvatarSize: 32, AuthorTestID: "thread-author", Liked: p.Liked,
		LikeAPI: "/api/v1/threads/" + t.ID + "/reactions", LikeCountID: "thread-likes",
		TargetType: moderation.TargetThread, TargetID: t.ID, AuthorMuted: p.Muted, MuteTestID: "mute-thread-author"}
}

// ReplyPost is reply r as a post of the page.
func (p *threadPage) ReplyPost(r community.ReplyView) post {
	key := "r" + r.ID
	return post{threadPage: p, Reply: &r, Key: key, Anchor: key, Author: r.Author, CreatedAt: r.CreatedAt,
		EditedAt: r.EditedAt, AvatarSize: 24, Liked: r.Liked,
		LikeAPI: "/api/v1/threads/" + p.Thread.ID + "/replies/" + r.ID + "/reactions", LikeCountID: "likes-" + key,
		TargetType: moderation.TargetReply, TargetID: p.Thread.ID + ":" + r.ID, AuthorMuted: r.Muted, MuteTestID: "mute-" + key}
}

// threadPage is one page of a thread: the thread, the viewer's
// membership (and the group only when the membership does not decide),
// one bucket of replies and the viewer's likes, each read by _id.
func (s *Server) threadPage(c echo.Context) error {
	v, err := s.community.ThreadPage(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("page"))
	if err != nil {
		return err
	}
	p := &threadPage{Page: s.page(c, ""), Thread: v.Thread, Access: v.Access, Replies: v.Replies, PageNo: v.Page,
		Pages: v.Pages, Liked: v.Liked, Muted: v.Muted, Withheld: v.Withheld, Reported: c.QueryParam("reported") == "1"}
	p.RawTitle = v.Thread.Title
	if v.Withheld {
		p.RawTitle, p.Title = "", "thread_deleted_title"
	}
	if n, err := strconv.Atoi(c.QueryParam("quote")); err == nil && n > 0 {
		p.Quote = n
		for _, r := range v.Replies {
			if r.N == n && !r.Withheld {
				p.QuoteHandle = r.Author.Handle
			}
		}
	}
	return s.render(c, http.StatusOK, "thread", p)
}

// likeSubmit is the like button without JavaScript, for the thread or,
// with reply, one of its replies.
func (s *Server) likeSubmit(c echo.Context) error {
	ctx, u, id, reply := c.Request().Context(), currentUser(c), c.Param("id"), c.FormValue("reply")
	var err error
	if c.FormValue("on") == "0" {
		err = s.community.Unreact(ctx, u, id, reply)
	} else {
		err = s.community.React(ctx, u, id, reply)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back(c, threadPath(id)))
}

// moderateSubmit pins, locks or hides a thread, or undoes it.
func (s *Server) moderateSubmit(c echo.Context) error {
	id := c.Param("id")
	yes, no := true, false
	var in community.ThreadInput
	switch c.FormValue("set") {
	case "pin":
		in.Pinned = &yes
	case "unpin":
		in.Pinned = &no
	case "lock":
		in.Locked = &yes
	case "unlock":
		in.Locked = &no
	case "hide":
		in.Hidden = &yes
	case "unhide":
		in.Hidden = &no
	default:
		return problem.InvalidField("set", "action_unknown")
	}
	if _, _, err := s.community.UpdateThread(c.Request().Context(), currentUser(c), id, in); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, threadPath(id))
}

func (s *Server) deleteThreadSubmit(c echo.Context) error {
	id := c.Param("id")
	if err := s.community.DeleteThread(c.Request().Context(), currentUser(c), id); err != nil {
		return err
	}
	to := threadPath(id)
	if g := c.FormValue("group_id"); g != "" {
		to = "/groups/" + url.PathEscape(g)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

func (s *Server) editThreadPage(c echo.Context) error {
	t, err := s.community.ThreadToEdit(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	p := s.postForm(c, "edit_thread", threadPath(t.ID)+"/edit", threadPath(t.ID), t.GroupName)
	p.PostTitle, p.Body = t.Title, t.Body
	return s.render(c, http.StatusOK, "post_form", p)
}

func (s *Server) editThreadSubmit(c echo.Context) error {
	id := c.Param("id")
	p := s.postForm(c, "edit_thread", threadPath(id)+"/edit", threadPath(id), c.FormValue("subject"))
	p.PostTitle, p.Body = c.FormValue("title"), c.FormValue("body")
	if _, _, err := s.community.UpdateThread(c.Request().Context(), currentUser(c), id,
		community.ThreadInput{Title: &p.PostTitle, Body: &p.Body}); err != nil {
		return s.postFailed(c, err, p)
	}
	return c.Redirect(http.StatusSeeOther, threadPath(id))
}

func (s *Server) replySubmit(c echo.Context) error {
	id := c.Param("id")
	p := s.postForm(c, "reply", threadPath(id)+"/replies", threadPath(id)+"?page=last", c.FormValue("subject"))
	p.Body, p.QuoteID = c.FormValue("body"), c.FormValue("quote_id")
	t, r, err := s.community.AddReply(c.Request().Context(), currentUser(c), id,
		community.ReplyInput{Body: p.Body, QuoteID: p.QuoteID})
	if err != nil {
		return s.postFailed(c, err, p)
	}
	return c.Redirect(http.StatusSeeOther, replyLink(t.ID, r.N))
}

func replyNumber(c echo.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		return 0, problem.NotFound("reply")
	}
	return n, nil
}

func (s *Server) editReplyPage(c echo.Context) error {
	t, r, err := s.community.ReplyToEdit(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("n"))
	if err != nil {
		return err
	}
	p := s.postForm(c, "edit_reply", c.Request().URL.Path, replyLink(t.ID, r.N), t.Title)
	p.Body = r.Body
	return s.render(c, http.StatusOK, "post_form", p)
}

func (s *Server) editReplySubmit(c echo.Context) error {
	id := c.Param("id")
	n, err := replyNumber(c)
	if err != nil {
		return err
	}
	p := s.postForm(c, "edit_reply", c.Request().URL.Path, replyLink(id, n), c.FormValue("subject"))
	p.Body = c.FormValue("body")
	if _, err := s.community.EditReply(c.Request().Context(), currentUser(c), id, strconv.Itoa(n),
		community.ReplyInput{Body: p.Body}); err != nil {
		return s.postFailed(c, err, p)
	}
	return c.Redirect(http.StatusSeeOther, replyLink(id, n))
}

func (s *Server) deleteReplySubmit(c echo.Context) error {
	id := c.Param("id")
	n, err := replyNumber(c)
	if err != nil {
		return err
	}
	if err := s.community.DeleteReply(c.Request().Context(), currentUser(c), id, strconv.Itoa(n)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, replyLink(id, n))
}
