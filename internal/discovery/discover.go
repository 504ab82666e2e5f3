package discovery

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/community"
	"guildhall/internal/curation"
	"guildhall/internal/maker"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/work"
)

// SnapshotsCollection keeps the computed discover page, so serving it is
// one read by _id however many lists it shows.
const SnapshotsCollection = "discover_snapshots"

// snapshotMaxAge is how stale the discover page may be before a request
// recomputes it (the worker refreshes it more often).
const snapshotMaxAge = 2 * time.Minute

// perMaker caps how many places one maker takes in a list's first page, so
// the long tail gets seen.
const perMaker = 2

// CollectionCard is a featured collection as the discover page shows it.
type CollectionCard struct {
	ID        string `bson:"id"`
	Title     string `bson:"title"`
	URL       string `bson:"url"`
	Cover     string `bson:"cover"`
	OwnerName string `bson:"owner_name"`
	Items     int    `bson:"items"`
}

// Discover is the discover page.
type Discover struct {
	Trending            []work.Card            `bson:"trending"`
	New                 []work.Card            `bson:"new"`
	RisingMakers        []MakerCard            `bson:"rising_makers"`
	FeaturedCollections []CollectionCard       `bson:"featured_collections"`
	ActiveThreads       []community.ThreadCard `bson:"active_threads"`
	ComputedAt          time.Time              `bson:"computed_at"`
}

// Discover returns the discover page from its snapshot, recomputing it
// when it is missing or stale.
func (s *Service) Discover(ctx context.Context) (*Discover, error) {
	var d Discover
	err := s.snapshots.FindOne(ctx, bson.M{"_id": "home"}).Decode(&d)
	if err == nil && time.Since(d.ComputedAt) < snapshotMaxAge {
		return &d, nil
	}
	if err != nil && !mongodb.IsNotFound(err) {
		return nil, mongodb.Classify("read discover snapshot", err)
	}
	return s.Refresh(ctx)
}

// Invalidate drops the snapshot, so the next request recomputes it: for a
// change that must not wait for the next refresh (a thread leaving public
// view).
func (s *Service) Invalidate(ctx context.Context) error {
	_, err := s.snapshots.DeleteOne(ctx, bson.M{"_id": "home"})
	return mongodb.Classify("drop discover snapshot", err)
}

// Refresh computes the discover page and stores the snapshot.
func (s *Service) Refresh(ctx context.Context) (*Discover, error) {
	d := &Discover{ComputedAt: time.Now().UTC().Truncate(time.Millisecond)}
	var err error
	if d.ActiveThreads, err = s.threads.ActiveThreads(ctx, 6); err != nil {
		return nil, err
	}
	if d.Trending, err = s.diverseWorks(ctx, []search.Sort{{Field: "hot", Desc: true}}); err != nil {
		return nil, err
	}
	if d.New, err = s.diverseWorks(ctx, []search.Sort{{Field: "published_at", Desc: true}}); err != nil {
		return nil, err
	}
	one := 1.0
	makers, err := s.index.Search(ctx, maker.SearchKind, search.Query{
		Filters: []search.Filter{{Field: "followers", Min: &one}},
		Sort:    []search.Sort{{Field: "rising", Desc: true}}, Limit: 8})
	if err != nil {
		return nil, fmt.Errorf("rising makers: %w", err)
	}
	d.RisingMakers = make([]MakerCard, 0, len(makers.Hits))
	for _, h := range makers.Hits {
		d.RisingMakers = append(d.RisingMakers, makerCard(h.Document))
	}
	cols, err := s.index.Search(ctx, curation.SearchKind, search.Query{
		Filters: []search.Filter{{Field: "featured", Values: []any{true}}, {Field: "visibility", Values: []any{curation.Public}}},
		Sort:    []search.Sort{{Field: "featured_at", Desc: true}}, Limit: 6})
	if err != nil {
		return nil, fmt.Errorf("featured collections: %w", err)
	}
	d.FeaturedCollections = make([]CollectionCard, 0, len(cols.Hits))
	for _, h := range cols.Hits {
		d.FeaturedCollections = append(d.FeaturedCollections, collectionCard(h))
	}
	if _, err := s.snapshots.ReplaceOne(ctx, bson.M{"_id": "home"}, d, options.Replace().SetUpsert(true)); err != nil {
		return nil, mongodb.Classify("save discover snapshot", err)
	}
	return d, nil
}

// diverseWorks takes a deep first page and keeps at most perMaker works of
// each maker, so a prolific studio cannot fill the list.
func (s *Service) diverseWorks(ctx context.Context, sort []search.Sort) ([]work.Card, error) {
	res, err := s.index.Search(ctx, work.SearchKind, search.Query{Filters: []search.Filter{work.PublicFilter()}, Sort: sort, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("discover works: %w", err)
	}
	seen := map[string]int{}
	out := make([]work.Card, 0, 12)
	for _, h := range res.Hits {
		c := work.CardFrom(h.Document)
		if seen[c.MakerHandle] >= perMaker {
			continue
		}
		seen[c.MakerHandle]++
		out = append(out, c)
		if len(out) == 12 {
			break
		}
	}
	return out, nil
}

func collectionCard(h search.Hit) CollectionCard {
	str := func(k string) string { v, _ := h.Document[k].(string); return v }
	n, _ := search.Number(h.Document["items"])
	return CollectionCard{ID: h.ID, Title: str("title"), URL: "/collections/" + h.ID, Cover: str("cover"),
		OwnerName: str("owner_name"), Items: int(n)}
}
