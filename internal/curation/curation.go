// Package curation is collections: curators' featured selections and
// everyone's own lists of works. A collection holds its items inline, each
// carrying the work's title, image, price and availability (Extended
// Reference), kept fresh when the work changes.
package curation

import (
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/account"
	"guildhall/internal/media"
	"guildhall/internal/platform/search"
	"guildhall/internal/work"
)

// Collections owned by this feature.
const (
	CollectionsCollection = "collections"
	// WorkCollectionsCollection maps a work to the collections holding it
	// (_id: the work), so a change to the work refreshes them by _id.
	WorkCollectionsCollection = "work_collections"
	// OwnerListsCollection holds each user's few collections as {id, title}
	// (Subset pattern, _id: the user), for "save to a list" on work pages.
	OwnerListsCollection = "owner_lists"
	SearchKind           = "collections"
	MaxItems             = 200
)

// Visibility of a collection.
const (
	Public  = "public"
	Private = "private"
)

// SearchSchema declares the collections index (featured, a curator's lists).
var SearchSchema = search.Schema{
	Kind:         SearchKind,
	Searchable:   []string{"title", "description", "owner_name"},
	Filterable:   []string{"visibility", "curated", "featured", "owner_id", "work_ids"},
	Sortable:     []string{"featured_at", "updated_at", "items"},
	RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness"},
}

// Owner is who made a collection (Extended Reference).
type Owner struct {
	ID     string `bson:"id"`
	Handle string `bson:"handle"`
	Name   string `bson:"name"`
}

// Item is one work in a collection, with a note and the work's face.
type Item struct {
	WorkID  string     `bson:"work_id"`
	Note    string     `bson:"note"`
	Title   string     `bson:"title"`
	URL     string     `bson:"url"`
	Image   string     `bson:"image"`
	Price   work.Money `bson:"price"`
	InStock bool       `bson:"in_stock"`
	AddedAt time.Time  `bson:"added_at"`
}

// Collection is an ordered list of works.
type Collection struct {
	ID          string     `bson:"_id"`
	Owner       Owner      `bson:"owner"`
	Title       string     `bson:"title"`
	Description string     `bson:"description"`
	CoverURL    string     `bson:"cover_url"`
	Visibility  string     `bson:"visibility"`
	Curated     bool       `bson:"curated"` // made by a curator: may be featured
	Featured    bool       `bson:"featured"`
	FeaturedAt  *time.Time `bson:"featured_at,omitempty"`
	Items       []Item     `bson:"items"`
	CreatedAt   time.Time  `bson:"created_at"`
	UpdatedAt   time.Time  `bson:"updated_at"`
}

// Private reports whether only its owner may see the collection.
func (c *Collection) Private() bool { return c.Visibility == Private }

func (c *Collection) searchDocument() search.Document {
	ids := make([]string, 0, len(c.Items))
	for _, it := range c.Items {
		ids = append(ids, it.WorkID)
	}
	d := search.Document{"id": c.ID, "title": c.Title, "description": c.Description, "owner_id": c.Owner.ID,
		"owner_handle": c.Owner.Handle, "owner_name": c.Owner.Name, "visibility": c.Visibility, "curated": c.Curated,
		"featured": c.Featured, "featured_at": int64(0), "updated_at": c.UpdatedAt.Unix(), "items": len(c.Items),
		"cover": c.CoverURL, "work_ids": ids}
	if c.FeaturedAt != nil {
		d["featured_at"] = c.FeaturedAt.Unix()
	}
	if d["cover"] == "" && len(c.Items) > 0 {
		d["cover"] = c.Items[0].Image
	}
	return d
}

// Deps are what collections build on.
type Deps struct {
	Works *work.Service
	Media *media.Service
	Index search.Index
	Queue search.Indexer
}

// Options configure the service.
type Options struct {
	Logger *slog.Logger
}

// Service implements collections.
type Service struct {
	collections, byWork, ownerLists *mongo.Collection
	works                           *work.Service
	media                           *media.Service
	index                           search.Index
	queue                           search.Indexer
	log                             *slog.Logger
	now                             func() time.Time
}

// New returns the curation service. The app subscribes RefreshWork to
// work changes.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Service{collections: db.Collection(CollectionsCollection), byWork: db.Collection(WorkCollectionsCollection),
		ownerLists: db.Collection(OwnerListsCollection),
		works:      d.Works, media: d.Media, index: d.Index, queue: d.Queue, log: o.Logger, now: time.Now}
	d.Queue.Register(SearchKind, CollectionsCollection, projectCollection)
	return s
}

func ownerOf(u *account.User) Owner { return Owner{ID: u.ID, Handle: u.Handle, Name: u.DisplayName} }

// mayRead is the one rule for reading a collection: public ones are open,
// private ones only to their owner.
func mayRead(c *Collection, viewer *account.User) bool {
	return c.Visibility == Public || (viewer != nil && viewer.ID == c.Owner.ID)
}
