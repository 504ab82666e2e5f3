// Package maker is studios, their pages and follows. A maker document is
// keyed by its user's id and carries what its page shows (Extended
// Reference and Computed patterns), so the page is a lookup by _id and
// one search for the maker's works.
package maker

import (
	"context"
	"html/template"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/markdown"
	"guildhall/internal/media"
	"guildhall/internal/notify"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
	"guildhall/internal/ranking"
	"guildhall/internal/work"
)

// Collections owned by this feature.
const (
	Collection        = "makers"
	FollowsCollection = "follows"
	// FollowingCollection holds each follower's list of makers (_id: the
	// follower), so the feed is one read and one search.
	FollowingCollection = "following"
	SearchKind          = "makers"
)

// SearchSchema declares the makers index (search, rising makers).
var SearchSchema = search.Schema{
	Kind:         SearchKind,
	Searchable:   []string{"name", "handle", "crafts", "location", "story"},
	Filterable:   []string{"location", "crafts", "followers"},
	Sortable:     []string{"followers", "works", "created_at", "rising"},
	RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness"},
}

// Policies are a studio's shop rules.
type Policies struct {
	Shipping     string `bson:"shipping"`
	Returns      string `bson:"returns"`
	LeadTimeDays int    `bson:"lead_time_days"`
}

// Counts are kept with $inc as things happen.
type Counts struct {
	Followers int `bson:"followers"`
	Works     int `bson:"works"`
	Sales     int `bson:"sales"`
}

// Rating sums reviews; the average is derived.
type Rating struct {
	Sum   int `bson:"sum"`
	Count int `bson:"count"`
}

// Average is the mean rating, 0 without reviews.
func (r Rating) Average() float64 {
	if r.Count == 0 {
		return 0
	}
	return float64(r.Sum) / float64(r.Count)
}

// GroupRef is the Subset pattern: the few groups a maker runs, for the page.
type GroupRef struct {
	ID         string `bson:"id"`
	Name       string `bson:"name"`
	Visibility string `bson:"visibility"`
	URL        string `bson:"url"`
}

// Private reports whether only the group's members may read it (community
// copies its visibility here: "public" or "private").
func (g GroupRef) Private() bool { return g.Visibility == "private" }

// Studio is a maker's shop front.
type Studio struct {
	ID         string        `bson:"_id"` // the user's id
	Handle     string        `bson:"handle"`
	Name       string        `bson:"name"`
	Story      string        `bson:"story"`
	StoryHTML  template.HTML `bson:"story_html"`
	Location   string        `bson:"location"`
	Crafts     []string      `bson:"crafts"`
	BannerID   string        `bson:"banner_media_id,omitempty"`
	BannerURL  string        `bson:"banner_url,omitempty"`
	AvatarID   string        `bson:"avatar_media_id,omitempty"`
	AvatarURL  string        `bson:"avatar_url,omitempty"`
	Policies   Policies      `bson:"policies"`
	Counts     Counts        `bson:"counts"`
	FollowHeat float64       `bson:"follow_heat"` // see ranking.FollowHeat
	Rating     Rating        `bson:"rating"`
	Groups     []GroupRef    `bson:"groups"`
	CreatedAt  time.Time     `bson:"created_at"`
	UpdatedAt  time.Time     `bson:"updated_at"`
}

func (s *Studio) searchDocument(text string) search.Document {
	return search.Document{
		"id": s.ID, "handle": s.Handle, "name": s.Name, "story": text, "location": s.Location,
		"crafts": append([]string{}, s.Crafts...), "avatar": s.AvatarURL,
		"followers": s.Counts.Followers, "works": s.Counts.Works, "created_at": s.CreatedAt.Unix(),
		"rising": ranking.Rising(s.FollowHeat, s.Counts.Followers),
	}
}

// Notifier delivers notifications; key makes each one idempotent.
type Notifier interface {
	Notify(ctx context.Context, recipientID, key string, n notify.Notification) error
}

// Deps are what studios build on.
type Deps struct {
	Accounts *account.Service
	Media    *media.Service
	Queue    search.Indexer
	Notifier Notifier
	Markdown *markdown.Renderer
	Works    Works
}

// Options configure the service.
type Options struct {
	Logger *slog.Logger
}

// Service implements studios and follows.
type Service struct {
	notifier                   Notifier
	makers, follows, following *mongo.Collection
	accounts                   *account.Service
	media                      *media.Service
	works                      Works
	index                      search.Indexer
	md                         *markdown.Renderer
	log                        *slog.Logger
	now                        func() time.Time
}

// New returns the maker service.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Service{notifier: d.Notifier, makers: db.Collection(Collection), follows: db.Collection(FollowsCollection), following: db.Collection(FollowingCollection),
		accounts: d.Accounts, media: d.Media, works: d.Works, index: d.Queue, md: d.Markdown, log: o.Logger, now: time.Now}
	d.Queue.Register(SearchKind, Collection, s.projectStudio)
	return s
}

func (s *Service) projectStudio(raw bson.Raw) (search.Document, bool, error) {
	var st Studio
	if err := bson.Unmarshal(raw, &st); err != nil {
		return nil, false, err
	}
	return st.searchDocument(s.md.Text(st.Story)), true, nil
}

// ByID returns the studio of user id.
func (s *Service) ByID(ctx context.Context, id string) (*Studio, error) {
	var st Studio
	if err := s.makers.FindOne(ctx, bson.M{"_id": id}).Decode(&st); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("maker")
		}
		return nil, mongodb.Classify("read maker "+id, err)
	}
	return &st, nil
}

// ByHandle returns the studio of the user with handle: two reads by _id.
func (s *Service) ByHandle(ctx context.Context, handle string) (*Studio, error) {
	id, err := s.accounts.IDByHandle(ctx, handle)
	if err != nil {
		if problem.KindOf(err) == problem.KindNotFound {
			return nil, problem.NotFound("maker")
		}
		return nil, err
	}
	return s.ByID(ctx, id)
}

// MakerRef is the face of the maker with id that their works carry.
func (s *Service) MakerRef(ctx context.Context, id string) (work.MakerRef, error) {
	st, err := s.ByID(ctx, id)
	if err != nil {
		return work.MakerRef{}, err
	}
	return work.MakerRef{ID: st.ID, Handle: st.Handle, Name: st.Name, AvatarURL: st.AvatarURL, Location: st.Location}, nil
}

// StudioInput is what a maker sets on their studio.
type StudioInput struct {
	Name          string
	Story         string
	Location      string
	Crafts        []string
	BannerMediaID string
	AvatarMediaID string
	Policies      Policies
}

func (in *StudioInput) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Location = strings.TrimSpace(in.Location)
	f := map[string]string{}
	problem.CheckLength(f, "name", in.Name, 1, 60)
	problem.CheckLength(f, "story", in.Story, 0, 5000)
	problem.CheckLength(f, "location", in.Location, 0, 80)
	problem.CheckLength(f, "policies.shipping", in.Policies.Shipping, 0, 2000)
	problem.CheckLength(f, "policies.returns", in.Policies.Returns, 0, 2000)
	if in.Policies.LeadTimeDays < 0 || in.Policies.LeadTimeDays > 365 {
		f["policies.lead_time_days"] = "out_of_range"
	}
	if len(in.Crafts) > 10 {
		f["crafts"] = "too_many"
	}
	crafts := make([]string, 0, len(in.Crafts))
	for _, c := range in.Crafts {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if utf8.RuneCountInString(c) > 30 {
			f["crafts"] = "too_long"
		}
		crafts = append(crafts, c)
	}
	in.Crafts = crafts
	if len(f) > 0 {
		return problem.Invalid(f)
	}
	return nil
}

// PutStudio opens or updates u's studio; opening one makes u a maker.
func (s *Service) PutStudio(ctx context.Context, u *account.User, in StudioInput) (*Studio, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	storyHTML, err := s.md.HTML(in.Story)
	if err != nil {
		return nil, err
	}
	set := bson.M{"handle": u.Handle, "name": in.Name, "story": in.Story, "story_html": storyHTML,
		"location": in.Location, "crafts": in.Crafts, "policies": in.Policies,
		"banner_media_id": in.BannerMediaID, "banner_url": "", "avatar_media_id": in.AvatarMediaID, "avatar_url": "",
		"updated_at": s.now().UTC().Truncate(time.Millisecond)}
	for field, id := range map[string]string{"banner": in.BannerMediaID, "avatar": in.AvatarMediaID} {
		if id == "" {
			continue
		}
		m, err := s.media.Attach(ctx, u.ID, field+"_media_id", []string{id})
		if err != nil {
			return nil, err
		}
		variant := "large"
		if field == "avatar" {
			variant = "thumb"
		}
		set[field+"_url"] = m[0].URL(variant)
	}
	if !u.HasRole(account.RoleMaker) {
		if _, err := s.accounts.GrantRole(ctx, u.ID, account.RoleMaker); err != nil {
			return nil, err
		}
	}
	var st Studio
	err = s.index.Write(ctx, SearchKind, u.ID, func(ctx context.Context) (search.Document, error) {
		err := s.makers.FindOneAndUpdate(ctx, bson.M{"_id": u.ID}, bson.M{
			"$set":         set,
			"$setOnInsert": bson.M{"counts": Counts{}, "rating": Rating{}, "groups": []GroupRef{}, "created_at": s.now().UTC().Truncate(time.Millisecond)},
		}, options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&st)
		if err != nil {
			return nil, mongodb.Classify("save studio "+u.ID, err)
		}
		return st.searchDocument(s.md.Text(st.Story)), nil
	})
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// AddWorks moves the maker's published-works counter.
func (s *Service) AddWorks(ctx context.Context, makerID string, delta int) error {
	return s.bump(ctx, makerID, "counts.works", delta)
}

// AddSales moves the maker's count of units sold.
func (s *Service) AddSales(ctx context.Context, makerID string, delta int) error {
	return s.bump(ctx, makerID, "counts.sales", delta)
}

// bump moves a counter with $inc under an index intent (counters rank
// makers), never below zero, and pushes the new counts to the index.
func (s *Service) bump(ctx context.Context, makerID, field string, delta int) error {
	inc := bson.M{field: delta}
	if field == "counts.followers" && delta > 0 {
		inc["follow_heat"] = ranking.FollowHeat(s.now())
	}
	return s.index.Signal(ctx, SearchKind, makerID, func(ctx context.Context) error {
		_, err := mongodb.IncAtLeastZero(ctx, s.makers, makerID, inc, field)
		if mongodb.IsNotFound(err) { // gone: nothing to move
			return nil
		}
		return mongodb.Classify("count "+field+" of "+makerID, err)
	})
}

// SetGroup adds or replaces the maker's group in the studio's subset of
// groups, which its page lists without a query.
func (s *Service) SetGroup(ctx context.Context, makerID string, ref GroupRef) error {
	st, err := s.ByID(ctx, makerID)
	if err != nil {
		return err
	}
	groups := make([]GroupRef, 0, len(st.Groups)+1)
	replaced := false
	for _, g := range st.Groups {
		if g.ID == ref.ID {
			g, replaced = ref, true
		}
		groups = append(groups, g)
	}
	if !replaced {
		groups = append(groups, ref)
	}
	_, err = s.makers.UpdateOne(ctx, bson.M{"_id": makerID}, bson.M{"$set": bson.M{"groups": groups}})
	return mongodb.Classify("list group of "+makerID, err)
}
