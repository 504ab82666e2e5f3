package server

import (
	"strconv"
	"time"

	"guildhall/internal/community"
)

// personJSON is a post's author, a group's owner.
type personJSON struct {
	ID        string `json:"id"`
	Handle    string `json:"handle"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
}

func personOut(p community.Person) personJSON {
	return personJSON{ID: p.ID, Handle: p.Handle, Name: p.Name, AvatarURL: p.AvatarURL}
}

type groupJSON struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	DescriptionHTML string          `json:"description_html"`
	Rules           string          `json:"rules"`
	RulesHTML       string          `json:"rules_html"`
	CoverURL        string          `json:"cover_url"`
	Visibility      string          `json:"visibility"`
	JoinPolicy      string          `json:"join_policy"`
	Owner           personJSON      `json:"owner"`
	Counts          groupCountsJSON `json:"counts"`
	URL             string          `json:"url"`
	Membership      *membershipJSON `json:"membership"` // the caller's, null without one
	CreatedAt       time.Time       `json:"created_at"`
}

// groupCountsJSON leaves out what a private group's outsiders may not know.
type groupCountsJSON struct {
	Members int  `json:"members"`
	Pending *int `json:"pending,omitempty"`
	Threads *int `json:"threads,omitempty"`
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

func groupOut(g *community.Group, m *community.Membership) groupJSON {
	n := g.Counts
	return groupJSON{ID: g.ID, Name: g.Name, Description: g.Description, DescriptionHTML: string(g.DescriptionHTML),
		Rules: g.Rules, RulesHTML: string(g.RulesHTML), CoverURL: g.CoverURL, Visibility: g.Visibility,
		JoinPolicy: g.JoinPolicy, Owner: personOut(g.Owner),
		Counts: groupCountsJSON{Members: n.Members, Pending: &n.Pending, Threads: &n.Threads}, URL: "/groups/" + g.ID,
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

type groupResponse struct {
	Group groupJSON `json:"group"`
}

type membershipResponse struct {
	Membership *membershipJSON `json:"membership"`
}

// memberCardJSON is a member as the members list shows them.
type memberCardJSON struct {
	Handle    string `json:"handle"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
	Role      string `json:"role"`
	Status    string `json:"status"`
}

func memberCardOut(c community.MemberCard) memberCardJSON {
	return memberCardJSON{Handle: c.Handle, Name: c.Name, AvatarURL: c.AvatarURL, Role: c.Role, Status: c.Status}
}

type threadJSON struct {
	ID             string            `json:"id"`
	GroupID        string            `json:"group_id"`
	GroupName      string            `json:"group_name"`
	Title          string            `json:"title"`
	Body           string            `json:"body"`
	BodyHTML       string            `json:"body_html"`
	Author         personJSON        `json:"author"`
	Images         []threadImageJSON `json:"images"`
	Works          []workRefJSON     `json:"works"`
	Pinned         bool              `json:"pinned"`
	Locked         bool              `json:"locked"`
	Hidden         bool              `json:"hidden"`
	Deleted        bool              `json:"deleted"`
	Edited         bool              `json:"edited"`
	EditedAt       *time.Time        `json:"edited_at"`
	Flags          []string          `json:"flags"`
	Counts         threadCountsJSON  `json:"counts"`
	Pages          int               `json:"pages"`
	Reacted        bool              `json:"reacted"`
	Muted          bool              `json:"muted"`
	URL            string            `json:"url"`
	LastActivityAt time.Time         `json:"last_activity_at"`
	CreatedAt      time.Time         `json:"created_at"`
}

// threadImageJSON is a picture in a thread.
type threadImageJSON struct {
	MediaID string `json:"media_id"`
	Thumb   string `json:"thumb"`
	Medium  string `json:"medium"`
	Large   string `json:"large"`
}

func threadImageOut(i community.Image) threadImageJSON {
	return threadImageJSON{MediaID: i.MediaID, Thumb: i.Thumb, Medium: i.Medium, Large: i.Large}
}

// workRefJSON is a work linked from a thread.
type workRefJSON struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	URL   string    `json:"url"`
	Image string    `json:"image"`
	Price moneyJSON `json:"price"`
	Maker string    `json:"maker"`
}

func workRefOut(w community.WorkRef) workRefJSON {
	return workRefJSON{ID: w.ID, Title: w.Title, URL: w.URL, Image: w.Image, Price: moneyOut(w.Price), Maker: w.Maker}
}

type threadCountsJSON struct {
	Replies   int `json:"replies"`
	Reactions int `json:"reactions"`
}

func threadOut(v *community.ThreadView) threadJSON {
	t := v.Thread
	out := threadJSON{ID: t.ID, GroupID: t.GroupID, GroupName: t.GroupName, Title: t.Title, Body: t.Body,
		BodyHTML: string(t.BodyHTML), Author: personOut(t.Author), Images: listOut(t.Images, threadImageOut),
		Works: listOut(t.Works, workRefOut), Pinned: t.Pinned, Locked: t.Locked, Hidden: t.Hidden, Deleted: t.Deleted,
		Edited: t.EditedAt != nil, EditedAt: t.EditedAt, Flags: nonNil(t.Flags),
		Counts: threadCountsJSON{Replies: t.Counts.Replies, Reactions: t.Counts.Reactions}, Pages: t.Pages(),
		Reacted: v.Liked, Muted: v.Muted, URL: t.Path(), LastActivityAt: t.LastActivityAt, CreatedAt: t.CreatedAt}
	if v.Withheld {
		out.Title, out.Body, out.BodyHTML, out.Images, out.Works = "", "", "", []threadImageJSON{}, []workRefJSON{}
	}
	return out
}

type threadResponse struct {
	Thread threadJSON `json:"thread"`
}

// threadCardJSON is a thread as lists show it.
type threadCardJSON struct {
	ID             string            `json:"id"`
	Title          string            `json:"title"`
	URL            string            `json:"url"`
	GroupID        string            `json:"group_id"`
	GroupName      string            `json:"group_name"`
	AuthorHandle   string            `json:"author_handle"`
	AuthorName     string            `json:"author_name"`
	Excerpt        string            `json:"excerpt"`
	Replies        int               `json:"replies"`
	Reactions      int               `json:"reactions"`
	Pinned         bool              `json:"pinned"`
	Locked         bool              `json:"locked"`
	State          string            `json:"state"`
	LastActivityAt time.Time         `json:"last_activity_at"`
	CreatedAt      time.Time         `json:"created_at"`
	Highlights     map[string]string `json:"highlights,omitempty"`
}

func threadCardOut(c community.ThreadCard) threadCardJSON {
	return threadCardJSON{ID: c.ID, Title: c.Title, URL: c.URL, GroupID: c.GroupID, GroupName: c.GroupName,
		AuthorHandle: c.AuthorHandle, AuthorName: c.AuthorName, Excerpt: c.Excerpt, Replies: c.Replies,
		Reactions: c.Reactions, Pinned: c.Pinned, Locked: c.Locked, State: c.State,
		LastActivityAt: c.LastActivityAt, CreatedAt: c.CreatedAt, Highlights: c.Highlights}
}

type replyJSON struct {
	ID        string     `json:"id"`
	ThreadID  string     `json:"thread_id"`
	Author    personJSON `json:"author"`
	Body      string     `json:"body"`
	BodyHTML  string     `json:"body_html"`
	Quote     *quoteJSON `json:"quote"`
	Reactions int        `json:"reactions"`
	Reacted   bool       `json:"reacted"`
	Muted     bool       `json:"muted"`
	Flags     []string   `json:"flags"`
	Deleted   bool       `json:"deleted"`
	Edited    bool       `json:"edited"`
	EditedAt  *time.Time `json:"edited_at"`
	URL       string     `json:"url"`
	CreatedAt time.Time  `json:"created_at"`
}

// quoteJSON is the reply a reply quotes, as it was when quoted.
type quoteJSON struct {
	ID      string `json:"id"` // the quoted reply's number
	Handle  string `json:"handle"`
	Excerpt string `json:"excerpt"`
}

func quoteOut(q *community.Quote) *quoteJSON {
	if q == nil {
		return nil
	}
	return &quoteJSON{ID: strconv.Itoa(q.N), Handle: q.Handle, Excerpt: q.Excerpt}
}

func replyOut(threadID string, v community.ReplyView) replyJSON {
	r := v.Reply
	out := replyJSON{ID: v.ID, ThreadID: threadID, Author: personOut(r.Author), Body: r.Body, BodyHTML: string(r.BodyHTML),
		Quote: quoteOut(r.Quote), Reactions: r.Reactions, Reacted: v.Liked, Muted: v.Muted, Flags: nonNil(r.Flags), Deleted: r.Deleted,
		Edited: r.EditedAt != nil, EditedAt: r.EditedAt, CreatedAt: r.CreatedAt,
		URL: community.ReplyURL(threadID, r.N)}
	if v.Withheld {
		out.Body, out.BodyHTML = "", ""
	}
	return out
}

type replyResponse struct {
	Reply replyJSON `json:"reply"`
}

// repliesJSON is one page of a thread's replies: pages are numbered, not
// cursors, so a reply's link names its page.
type repliesJSON struct {
	Items []replyJSON `json:"items"`
	Page  int         `json:"page"`
	Pages int         `json:"pages"`
}

func repliesOut(v *community.ThreadView) repliesJSON {
	out := repliesJSON{Items: make([]replyJSON, 0, len(v.Replies)), Page: v.Page, Pages: v.Pages}
	for _, r := range v.Replies {
		out.Items = append(out.Items, replyOut(v.Thread.ID, r))
	}
	return out
}

// groupInputJSON creates a group (POST) or changes one (PATCH: absent
// fields stay).
type groupInputJSON struct {
	Name         *string `json:"name"`
	Description  *string `json:"description"`
	Rules        *string `json:"rules"`
	CoverMediaID *string `json:"cover_media_id"`
	Visibility   *string `json:"visibility"`
	JoinPolicy   *string `json:"join_policy"`
}

func (in groupInputJSON) input() community.GroupInput {
	return community.GroupInput{Name: in.Name, Description: in.Description, Rules: in.Rules,
		CoverMediaID: in.CoverMediaID, Visibility: in.Visibility, JoinPolicy: in.JoinPolicy}
}

type memberChangeJSON struct {
	Role   *string `json:"role"`
	Status *string `json:"status"`
}

func (in memberChangeJSON) change() community.MemberChange {
	return community.MemberChange{Role: in.Role, Status: in.Status}
}

// threadInputJSON starts a thread or changes one: authors edit title and
// body, moderators pin, lock and hide; absent fields stay.
type threadInputJSON struct {
	Title    *string   `json:"title"`
	Body     *string   `json:"body"`
	WorkIDs  *[]string `json:"work_ids"`
	MediaIDs *[]string `json:"media_ids"`
	Pinned   *bool     `json:"pinned"`
	Locked   *bool     `json:"locked"`
	Hidden   *bool     `json:"hidden"`
}

func (in threadInputJSON) input() community.ThreadInput {
	return community.ThreadInput{Title: in.Title, Body: in.Body, WorkIDs: in.WorkIDs, MediaIDs: in.MediaIDs,
		Pinned: in.Pinned, Locked: in.Locked, Hidden: in.Hidden}
}

type replyInputJSON struct {
	Body    string `json:"body"`
	QuoteID string `json:"quote_id"`
}

func (in replyInputJSON) input() community.ReplyInput {
	return community.ReplyInput{Body: in.Body, QuoteID: in.QuoteID}
}
