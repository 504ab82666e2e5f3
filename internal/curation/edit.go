package curation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// Input creates a collection (POST) or changes one (PATCH: nil stays).
type Input struct {
	Title        *string
	Description  *string
	CoverMediaID *string
	Visibility   *string
}

func (in *Input) apply(c *Collection, creating bool) error {
	f := map[string]string{}
	if in.Title != nil {
		c.Title = strings.TrimSpace(*in.Title)
		if n := utf8.RuneCountInString(c.Title); n == 0 {
			f["title"] = "required"
		} else if n > 100 {
			f["title"] = "too_long"
		}
	} else if creating {
		f["title"] = "required"
	}
	if in.Description != nil {
		c.Description = strings.TrimSpace(*in.Description)
		if utf8.RuneCountInString(c.Description) > 2000 {
			f["description"] = "too_long"
		}
	}
	if in.Visibility != nil {
		if *in.Visibility != Public && *in.Visibility != Private {
			f["visibility"] = "visibility_unknown"
		}
		c.Visibility = *in.Visibility
	}
	if len(f) > 0 {
		return problem.Invalid(f)
	}
	return nil
}

func projectCollection(raw bson.Raw) (search.Document, bool, error) {
	var c Collection
	if err := bson.Unmarshal(raw, &c); err != nil {
		return nil, false, err
	}
	return c.searchDocument(), true, nil
}

func (s *Service) read(ctx context.Context, id string) (*Collection, error) {
	var c Collection
	if err := s.collections.FindOne(ctx, bson.M{"_id": id}).Decode(&c); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("collection")
		}
		return nil, mongodb.Classify("read collection "+id, err)
	}
	return &c, nil
}

// Get returns a collection viewer may see; a private one is a 404 to others.
func (s *Service) Get(ctx context.Context, viewer *account.User, id string) (*Collection, error) {
	c, err := s.read(ctx, id)
	if err != nil {
		return nil, err
	}
	if !mayRead(c, viewer) {
		return nil, problem.NotFound("collection")
	}
	return c, nil
}

func (s *Service) owned(ctx context.Context, u *account.User, id string) (*Collection, error) {
	c, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if c.Owner.ID != u.ID {
		return nil, problem.Forbidden("not_your_collection")
	}
	return c, nil
}

// Create makes a collection: a curator's is curated (it may be featured);
// anyone else's is their own list.
func (s *Service) Create(ctx context.Context, u *account.User, in Input) (*Collection, error) {
	now := s.now().UTC().Truncate(time.Millisecond)
	c := &Collection{ID: mongodb.NewID(), Owner: ownerOf(u), Visibility: Public, Curated: u.HasRole(account.RoleCurator),
		Items: []Item{}, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(c, true); err != nil {
		return nil, err
	}
	if err := s.cover(ctx, u, c, in); err != nil {
		return nil, err
	}
	err := s.save(ctx, c, func(ctx context.Context) error {
		_, err := s.collections.InsertOne(ctx, c)
		return mongodb.Classify("insert collection", err)
	})
	if err != nil {
		return nil, err
	}
	return c, s.listOwner(ctx, c)
}

// ListRef names one of a user's collections.
type ListRef struct {
	ID    string `bson:"id"`
	Title string `bson:"title"`
}

// listOwner records c in its owner's list of collections (after any old
// entry for it, so a rename replaces it).
func (s *Service) listOwner(ctx context.Context, c *Collection) error {
	if err := s.unlistOwner(ctx, c); err != nil {
		return err
	}
	_, err := s.ownerLists.UpdateOne(ctx, bson.M{"_id": c.Owner.ID},
		bson.M{"$push": bson.M{"lists": ListRef{ID: c.ID, Title: c.Title}}}, options.UpdateOne().SetUpsert(true))
	return mongodb.Classify("list collection "+c.ID, err)
}

func (s *Service) unlistOwner(ctx context.Context, c *Collection) error {
	_, err := s.ownerLists.UpdateOne(ctx, bson.M{"_id": c.Owner.ID}, bson.M{"$pull": bson.M{"lists": bson.M{"id": c.ID}}})
	return mongodb.Classify("unlist collection "+c.ID, err)
}

// ListsOf returns u's collections as id and title: one read by _id.
func (s *Service) ListsOf(ctx context.Context, u *account.User) ([]ListRef, error) {
	if u == nil {
		return nil, nil
	}
	var doc struct {
		Lists []ListRef `bson:"lists"`
	}
	err := s.ownerLists.FindOne(ctx, bson.M{"_id": u.ID}).Decode(&doc)
	if err != nil && !mongodb.IsNotFound(err) {
		return nil, mongodb.Classify("read lists of "+u.ID, err)
	}
	return doc.Lists, nil
}

// Save puts a work in one of u's collections, or in a new one titled
// newTitle: the "save" button of a work page.
func (s *Service) Save(ctx context.Context, u *account.User, workID, collectionID, newTitle string) (*Collection, error) {
	if strings.TrimSpace(newTitle) != "" {
		c, err := s.Create(ctx, u, Input{Title: &newTitle})
		if err != nil {
			return nil, err
		}
		collectionID = c.ID
	}
	if collectionID == "" {
		return nil, problem.InvalidField("collection_id", "required")
	}
	return s.AddItem(ctx, u, collectionID, workID, "")
}

func (s *Service) cover(ctx context.Context, u *account.User, c *Collection, in Input) error {
	if in.CoverMediaID == nil {
		return nil
	}
	c.CoverURL = ""
	if *in.CoverMediaID == "" {
		return nil
	}
	url, err := s.media.AttachURL(ctx, u.ID, "cover_media_id", *in.CoverMediaID, "medium")
	c.CoverURL = url
	return err
}

// save writes c under an index intent.
func (s *Service) save(ctx context.Context, c *Collection, write func(ctx context.Context) error) error {
	return s.queue.Write(ctx, SearchKind, c.ID, func(ctx context.Context) (search.Document, error) {
		if err := write(ctx); err != nil {
			return nil, err
		}
		return c.searchDocument(), nil
	})
}

// replace writes the whole collection if nobody changed it since it was
// read at updatedAt; two racing edits cannot lose each other's items.
func (s *Service) replace(ctx context.Context, c *Collection, readAt time.Time) error {
	return s.save(ctx, c, func(ctx context.Context) error {
		res, err := s.collections.ReplaceOne(ctx, bson.M{"_id": c.ID, "updated_at": readAt}, c)
		if err != nil {
			return mongodb.Classify("save collection "+c.ID, err)
		}
		if res.MatchedCount == 0 {
			return problem.Conflict("collection_changed", "", "collection_changed")
		}
		return nil
	})
}

// Update changes u's collection; public↔private moves its works' counts.
func (s *Service) Update(ctx context.Context, u *account.User, id string, in Input) (*Collection, error) {
	c, err := s.owned(ctx, u, id)
	if err != nil {
		return nil, err
	}
	readAt, before := c.UpdatedAt, c.Visibility
	if err := in.apply(c, false); err != nil {
		return nil, err
	}
	if err := s.cover(ctx, u, c, in); err != nil {
		return nil, err
	}
	c.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
	if err := s.replace(ctx, c, readAt); err != nil {
		return nil, err
	}
	if in.Title != nil {
		if err := s.listOwner(ctx, c); err != nil {
			return nil, err
		}
	}
	if before != c.Visibility {
		delta := 1
		if c.Private() {
			delta = -1
		}
		for _, it := range c.Items {
			if err := s.works.CountSaves(ctx, it.WorkID, delta); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// Delete removes u's collection.
func (s *Service) Delete(ctx context.Context, u *account.User, id string) error {
	c, err := s.owned(ctx, u, id)
	if err != nil {
		return err
	}
	err = s.queue.Write(ctx, SearchKind, c.ID, func(ctx context.Context) (search.Document, error) {
		_, err := s.collections.DeleteOne(ctx, bson.M{"_id": c.ID})
		return nil, mongodb.Classify("delete collection "+c.ID, err)
	})
	if err != nil {
		return err
	}
	for _, it := range c.Items {
		s.unlink(ctx, it.WorkID, c)
	}
	return s.unlistOwner(ctx, c)
}

// AddItem puts a published work in u's collection (or changes its note).
func (s *Service) AddItem(ctx context.Context, u *account.User, id, workID, note string) (*Collection, error) {
	if utf8.RuneCountInString(note) > 500 {
		return nil, problem.InvalidField("note", "too_long")
	}
	c, err := s.owned(ctx, u, id)
	if err != nil {
		return nil, err
	}
	w, err := s.works.Get(ctx, nil, workID)
	if problem.KindOf(err) == problem.KindNotFound {
		return nil, problem.InvalidField("work_id", "work_unknown")
	}
	if err != nil {
		return nil, err
	}
	readAt := c.UpdatedAt
	now := s.now().UTC().Truncate(time.Millisecond)
	item := itemOf(w, strings.TrimSpace(note), now)
	i := slices.IndexFunc(c.Items, func(it Item) bool { return it.WorkID == workID })
	added := i < 0
	if added {
		if len(c.Items) >= MaxItems {
			return nil, problem.InvalidField("work_id", "too_many")
		}
		c.Items = append(c.Items, item)
	} else {
		item.AddedAt = c.Items[i].AddedAt
		c.Items[i] = item
	}
	c.UpdatedAt = now
	// The reverse link goes first: a crash after it leaves a link to a
	// collection without the item, which a refresh simply skips.
	if _, err := s.byWork.UpdateOne(ctx, bson.M{"_id": workID}, bson.M{"$addToSet": bson.M{"collections": c.ID}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return nil, mongodb.Classify("link work "+workID, err)
	}
	if err := s.replace(ctx, c, readAt); err != nil {
		return nil, err
	}
	if added && c.Visibility == Public {
		if err := s.works.CountSaves(ctx, workID, 1); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// RemoveItem takes a work out of u's collection; removing one that is not
// there changes nothing.
func (s *Service) RemoveItem(ctx context.Context, u *account.User, id, workID string) (*Collection, error) {
	c, err := s.owned(ctx, u, id)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(c.Items, func(it Item) bool { return it.WorkID == workID })
	if i < 0 {
		return c, nil
	}
	readAt := c.UpdatedAt
	c.Items = slices.Delete(c.Items, i, i+1)
	c.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
	if err := s.replace(ctx, c, readAt); err != nil {
		return nil, err
	}
	s.unlink(ctx, workID, c)
	return c, nil
}

func (s *Service) unlink(ctx context.Context, workID string, c *Collection) {
	if _, err := s.byWork.UpdateOne(ctx, bson.M{"_id": workID}, bson.M{"$pull": bson.M{"collections": c.ID}}); err != nil {
		s.log.WarnContext(ctx, "unlink work from collection", "work", workID, "err", err)
	}
	if c.Visibility == Public {
		if err := s.works.CountSaves(ctx, workID, -1); err != nil {
			s.log.WarnContext(ctx, "count saves", "work", workID, "err", err)
		}
	}
}

func itemOf(w *work.Work, note string, at time.Time) Item {
	it := Item{WorkID: w.ID, Note: note, Title: w.Title, URL: w.Path(), Price: w.Price, InStock: w.InStock(), AddedAt: at}
	if img, ok := w.Cover(); ok {
		it.Image = img.Thumb
	}
	return it
}

// RefreshWork keeps every collection holding w showing its current face;
// a work that is gone (deleted, unpublished) drops out of them. One
// collection that cannot be refreshed does not keep the others stale.
func (s *Service) RefreshWork(ctx context.Context, w *work.Work, gone bool) error {
	var link struct {
		Collections []string `bson:"collections"`
	}
	err := s.byWork.FindOne(ctx, bson.M{"_id": w.ID}).Decode(&link)
	if mongodb.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return mongodb.Classify("read links of "+w.ID, err)
	}
	var errs []error
	for _, id := range link.Collections {
		errs = append(errs, s.refreshIn(ctx, id, w, gone))
	}
	return errors.Join(errs...)
}

// refreshTries bounds how often a refresh starts again from a fresh read
// when its collection changed meanwhile.
const refreshTries = 5

// refreshIn brings w's change to collection id. The write is conditional
// on the collection as read, so an edit that landed meanwhile is never
// overwritten: the refresh reads it again and applies itself on top.
func (s *Service) refreshIn(ctx context.Context, id string, w *work.Work, gone bool) error {
	for try := 1; ; try++ {
		c, err := s.read(ctx, id)
		if problem.KindOf(err) == problem.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		i := slices.IndexFunc(c.Items, func(it Item) bool { return it.WorkID == w.ID })
		if i < 0 {
			return nil
		}
		readAt := c.UpdatedAt
		if gone {
			c.Items = slices.Delete(c.Items, i, i+1)
		} else {
			c.Items[i] = itemOf(w, c.Items[i].Note, c.Items[i].AddedAt)
		}
		c.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
		err = s.replace(ctx, c, readAt)
		if problem.KindOf(err) == problem.KindConflict && try < refreshTries {
			continue
		}
		if err != nil {
			return fmt.Errorf("refresh work %s in collection %s: %w", w.ID, id, err)
		}
		if gone {
			s.unlink(ctx, w.ID, c)
		}
		return nil
	}
}

// Feature puts a curated collection on the discover page (admins).
func (s *Service) Feature(ctx context.Context, id string, on bool) error {
	c, err := s.read(ctx, id)
	if err != nil {
		return err
	}
	if on && (!c.Curated || c.Visibility != Public) {
		return problem.InvalidField("id", "not_featurable")
	}
	readAt := c.UpdatedAt
	c.Featured = on
	c.FeaturedAt = nil
	if on {
		now := s.now().UTC().Truncate(time.Millisecond)
		c.FeaturedAt = &now
	}
	c.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
	return s.replace(ctx, c, readAt)
}

// Featured lists featured collections, newest feature first: one search.
func (s *Service) Featured(ctx context.Context, limit int) ([]search.Document, error) {
	res, err := s.index.Search(ctx, SearchKind, search.Query{
		Filters: []search.Filter{{Field: "featured", Values: []any{true}}, {Field: "visibility", Values: []any{Public}}},
		Sort:    []search.Sort{{Field: "featured_at", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, problem.Unavailable("search", err)
	}
	out := make([]search.Document, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.Document)
	}
	return out, nil
}
