// Package community is makers' groups: memberships, threads, replies and
// reactions. Every page is a few reads by _id: a membership is keyed
// "<group>:<user>", a thread's replies live in buckets of 50 keyed
// "<thread>:<n>" (bucket n holds page n), and lists of threads and members
// come from search.
// Who may read, post and moderate is decided in one place, policy.go.
package community

import (
	"context"
	"html/template"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/account"
	"guildhall/internal/maker"
	"guildhall/internal/markdown"
	"guildhall/internal/media"
	"guildhall/internal/moderation"
	"guildhall/internal/notify"
	"guildhall/internal/platform/search"
	"guildhall/internal/work"
)

// Collections owned by this feature.
const (
	GroupsCollection      = "groups"
	MembershipsCollection = "memberships"
	// UserGroupsCollection holds, per user (_id), the groups they are an
	// active member of and those they moderate: the feed, thread search and
	// the moderation queue read it once instead of scanning memberships.
	UserGroupsCollection    = "user_groups"
	ThreadsCollection       = "threads"
	ReplyBucketsCollection  = "reply_buckets"
	ReactionsCollection     = "reactions"
	ReactionEdgesCollection = "reaction_edges"
	ThreadsKind             = "threads"
	MembersKind             = "members"
)

// RepliesPerPage is the size of a page of replies, and of the bucket that
// holds it.
const RepliesPerPage = 50

// Limits that keep documents bounded and posts readable.
const (
	maxGroupsPerMaker  = 20 // the maker document lists them all
	maxMentionsPerPost = 10
	maxImagesPerThread = 4
	maxWorksPerThread  = 6
	excerptRunes       = 140
)

// Values stored in documents and the index.
const (
	visibilityPublic     = "public"
	visibilityPrivate    = "private"
	joinOpen             = "open"
	joinApproval         = "approval"
	stateVisible         = "visible"
	stateHidden          = "hidden"
	stateDeleted         = "deleted"
	threadReactionTarget = "t"
)

// Membership roles and statuses.
const (
	RoleOwner     = "owner"
	RoleModerator = "moderator"
	RoleMember    = "member"

	StatusActive  = "active"
	StatusPending = "pending"
	StatusBanned  = "banned"
)

// ThreadsSchema declares the threads index: group pages, thread search,
// the feed and active threads on the discover page.
var ThreadsSchema = search.Schema{
	Kind:       ThreadsKind,
	Searchable: []string{"title", "body", "group_name", "author_name", "author_handle"},
	// audience is "public" for public groups' threads and "group:<id>" for
	// private ones; every query for people goes through it (see Audience).
	// feed holds "group:<id>" and, for public groups, "maker:<owner id>".
	Filterable:   []string{"group_id", "audience", "feed", "state", "author_id", "work_ids"},
	Sortable:     []string{"pinned", "last_activity_at", "created_at", "replies", "reactions"},
	RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness"},
}

// MembersSchema declares the members index (a group's member lists).
var MembersSchema = search.Schema{
	Kind:         MembersKind,
	Searchable:   []string{"handle", "name"},
	Filterable:   []string{"group_id", "status", "role"},
	Sortable:     []string{"since", "role_rank"},
	RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness"},
}

// Person is how a post or a membership shows its user (Extended Reference).
type Person struct {
	ID        string `bson:"id"`
	Handle    string `bson:"handle"`
	Name      string `bson:"name"`
	AvatarURL string `bson:"avatar_url"`
}

func personOf(u *account.User) Person {
	return Person{ID: u.ID, Handle: u.Handle, Name: u.DisplayName, AvatarURL: u.AvatarURL}
}

// Counts of a group, kept with $inc.
type GroupCounts struct {
	Members int `bson:"members"`
	Pending int `bson:"pending"`
	Threads int `bson:"threads"`
}

// Group is a maker's circle of fans.
type Group struct {
	ID              string        `bson:"_id"`
	Owner           Person        `bson:"owner"`
	Name            string        `bson:"name"`
	Description     string        `bson:"description"`
	DescriptionHTML template.HTML `bson:"description_html"`
	Rules           string        `bson:"rules"`
	RulesHTML       template.HTML `bson:"rules_html"`
	CoverMediaID    string        `bson:"cover_media_id,omitempty"`
	CoverURL        string        `bson:"cover_url,omitempty"`
	Visibility      string        `bson:"visibility"`
	JoinPolicy      string        `bson:"join_policy"`
	Counts          GroupCounts   `bson:"counts"`
	// Carried is the name and visibility last copied into all the group's
	// threads; a change whose carrying failed half-way is carried again on
	// the next update.
	Carried   string    `bson:"carried"`
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
}

// Private reports whether only members may read the group's threads.
func (g *Group) Private() bool { return g.Visibility == visibilityPrivate }

// Membership is a user's place in a group; _id "<group>:<user>".
type Membership struct {
	ID        string    `bson:"_id"`
	GroupID   string    `bson:"group_id"`
	User      Person    `bson:"user"`
	Role      string    `bson:"role"`
	Status    string    `bson:"status"`
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
}

// Active reports whether m is a member in good standing.
func (m *Membership) Active() bool { return m != nil && m.Status == StatusActive }

func membershipID(groupID, userID string) string { return groupID + ":" + userID }

// Image is a picture in a thread.
type Image struct {
	MediaID string `bson:"media_id"`
	Thumb   string `bson:"thumb"`
	Medium  string `bson:"medium"`
	Large   string `bson:"large"`
}

// ThreadCounts are kept with $inc.
type ThreadCounts struct {
	Replies   int `bson:"replies"`
	Reactions int `bson:"reactions"`
}

// Thread is a discussion in a group. It carries what its page and the
// index need of its group (Extended Reference): the group's name,
// visibility and owner, refreshed when the group changes.
type Thread struct {
	ID              string        `bson:"_id"`
	GroupID         string        `bson:"group_id"`
	GroupName       string        `bson:"group_name"`
	GroupVisibility string        `bson:"group_visibility"`
	GroupOwnerID    string        `bson:"group_owner_id"`
	Author          Person        `bson:"author"`
	Title           string        `bson:"title"`
	Body            string        `bson:"body"`
	BodyHTML        template.HTML `bson:"body_html"`
	Images          []Image       `bson:"images"`
	Works           []WorkRef     `bson:"works"`
	Pinned          bool          `bson:"pinned"`
	Locked          bool          `bson:"locked"`
	Hidden          bool          `bson:"hidden"`
	Deleted         bool          `bson:"deleted"`
	Flags           []string      `bson:"flags"`
	Mentions        []string      `bson:"mentions"` // user ids
	// DeletedReplies are the numbers of deleted replies, so that quotes of
	// them are withheld wherever they appear without reading their pages.
	DeletedReplies []int        `bson:"deleted_replies,omitempty"`
	Counts         ThreadCounts `bson:"counts"`
	// Seq is the last reply number handed out; numbers missing from the
	// buckets belong to replies whose write crashed half-way.
	Seq            int        `bson:"seq"`
	LastActivityAt time.Time  `bson:"last_activity_at"`
	LastReplyBy    string     `bson:"last_reply_by,omitempty"`
	EditedAt       *time.Time `bson:"edited_at,omitempty"`
	CreatedAt      time.Time  `bson:"created_at"`
	UpdatedAt      time.Time  `bson:"updated_at"`
}

// GroupPrivate reports whether the thread's group is for members only, as
// the thread's copy of the group has it.
func (t *Thread) GroupPrivate() bool { return t.GroupVisibility == visibilityPrivate }

// Pages is how many pages of replies the thread has (at least one).
func (t *Thread) Pages() int { return max(1, (t.Seq+RepliesPerPage-1)/RepliesPerPage) }

// Path is the thread's page.
func (t *Thread) Path() string { return "/threads/" + t.ID }

func (t *Thread) state() string {
	switch {
	case t.Deleted:
		return stateDeleted
	case t.Hidden:
		return stateHidden
	}
	return stateVisible
}

// WorkRef is a work linked from a thread, shown as a card.
type WorkRef struct {
	ID    string     `bson:"id"`
	Title string     `bson:"title"`
	URL   string     `bson:"url"`
	Image string     `bson:"image"`
	Price work.Money `bson:"price"`
	Maker string     `bson:"maker"`
}

// Quote is the reply a reply quotes, as it was when quoted.
type Quote struct {
	N       int    `bson:"n"`
	Handle  string `bson:"handle"`
	Excerpt string `bson:"excerpt"`
}

// Reply is one post in a thread, stored in its bucket under "r<n>".
type Reply struct {
	N         int           `bson:"n"`
	Author    Person        `bson:"author"`
	Body      string        `bson:"body"`
	BodyHTML  template.HTML `bson:"body_html"`
	Quote     *Quote        `bson:"quote,omitempty"`
	Mentions  []string      `bson:"mentions"`
	Reactions int           `bson:"reactions"`
	Flags     []string      `bson:"flags"`
	Deleted   bool          `bson:"deleted"`
	EditedAt  *time.Time    `bson:"edited_at,omitempty"`
	CreatedAt time.Time     `bson:"created_at"`
}

// replyBucket holds up to 50 replies, those of one page; _id
// "<thread>:<n>".
type replyBucket struct {
	ID      string           `bson:"_id"`
	Thread  string           `bson:"thread"`
	N       int              `bson:"n"`
	Replies map[string]Reply `bson:"replies"`
}

// Notifier delivers notifications; key makes each one idempotent.
type Notifier interface {
	Notify(ctx context.Context, recipientID, key string, n notify.Notification) error
}

// Moderation records moderators' actions and files flagged posts.
type Moderation interface {
	Record(ctx context.Context, e moderation.Entry) error
	Flag(ctx context.Context, t moderation.Target, reason string) error
}

// Limiter counts attempts per key.
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) error
}

// Rate is limit events per window.
type Rate struct {
	Limit  int
	Window time.Duration
}

// Options configure the service.
type Options struct {
	// PostRate bounds threads and replies per account; NewAccountPostRate
	// applies instead to accounts younger than a day, where spam comes from.
	PostRate, NewAccountPostRate Rate
	Logger                       *slog.Logger
}

// Service implements groups, memberships, threads and replies.
type Service struct {
	groups, memberships, userGroups, threads, buckets, reactions, reactionEdges *mongo.Collection
	accounts                                                                    *account.Service
	makers                                                                      *maker.Service
	works                                                                       *work.Service
	media                                                                       *media.Service
	index                                                                       search.Index
	queue                                                                       search.Indexer
	notifier                                                                    Notifier
	moderation                                                                  Moderation
	limiter                                                                     Limiter
	md                                                                          *markdown.Renderer
	opt                                                                         Options
	log                                                                         *slog.Logger
	now                                                                         func() time.Time
	onPublicChange                                                              []func(ctx context.Context) error
}

// Deps are the features and services community builds on.
type Deps struct {
	Accounts   *account.Service
	Makers     *maker.Service
	Works      *work.Service
	Media      *media.Service
	Index      search.Index
	Queue      search.Indexer
	Notifier   Notifier
	Moderation Moderation
	Limiter    Limiter
	Markdown   *markdown.Renderer
}

// New returns the community service.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Service{
		groups: db.Collection(GroupsCollection), memberships: db.Collection(MembershipsCollection),
		userGroups: db.Collection(UserGroupsCollection), threads: db.Collection(ThreadsCollection),
		buckets: db.Collection(ReplyBucketsCollection), reactions: db.Collection(ReactionsCollection),
		reactionEdges: db.Collection(ReactionEdgesCollection),
		accounts:      d.Accounts, makers: d.Makers, works: d.Works, media: d.Media, index: d.Index, queue: d.Queue,
		notifier: d.Notifier, moderation: d.Moderation, limiter: d.Limiter, md: d.Markdown,
		opt: o, log: o.Logger, now: time.Now,
	}
	d.Queue.Register(ThreadsKind, ThreadsCollection, s.projectThread)
	d.Queue.Register(MembersKind, MembershipsCollection, projectMembership)
	return s
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// OnPublicChange registers fn to hear that a thread left public view (its
// group became private, or it was hidden or deleted), so copies of public
// lists (the discover page) can drop it at once.
func (s *Service) OnPublicChange(fn func(ctx context.Context) error) {
	s.onPublicChange = append(s.onPublicChange, fn)
}

func (s *Service) publicChanged(ctx context.Context) {
	for _, fn := range s.onPublicChange {
		if err := fn(ctx); err != nil {
			s.log.WarnContext(ctx, "refresh public lists", "err", err)
		}
	}
}
