package work

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// projectWork is a work's searchable form: every status is indexed, and
// PublicFilter keeps what is not published out of public lists.
func (s *Service) projectWork(raw bson.Raw) (search.Document, bool, error) {
	var w Work
	if err := bson.Unmarshal(raw, &w); err != nil {
		return nil, false, err
	}
	return w.searchDocument(s.md.Text(w.Description)), true, nil
}

// Create makes a work for u, who must have opened a studio.
func (s *Service) Create(ctx context.Context, u *account.User, in Input) (*Work, error) {
	maker, err := s.makers.MakerRef(ctx, u.ID)
	if problem.KindOf(err) == problem.KindNotFound {
		return nil, problem.Forbidden("open_a_studio_first")
	}
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	w := &Work{ID: mongodb.NewID(), Maker: maker,
		Status: StatusDraft, Materials: []string{}, Tags: []string{}, Images: []Image{}, Variants: []Variant{},
		CreatedAt: now, UpdatedAt: now}
	if err := in.apply(w, true); err != nil {
		return nil, err
	}
	if err := s.prepare(ctx, u.ID, w, in); err != nil {
		return nil, err
	}
	if in.Status != nil {
		w.Status = *in.Status
	}
	if w.Published() {
		w.PublishedAt = &now
	}
	err = s.queue.Write(ctx, SearchKind, w.ID, func(ctx context.Context) (search.Document, error) {
		if _, err := s.works.InsertOne(ctx, w); err != nil {
			return nil, mongodb.Classify("insert work", err)
		}
		return w.searchDocument(s.md.Text(w.Description)), nil
	})
	if err != nil {
		return nil, err
	}
	if w.Published() {
		if err := s.makers.AddWorks(ctx, maker.ID, 1); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// prepare renders the description, attaches images and derives the slug.
func (s *Service) prepare(ctx context.Context, ownerID string, w *Work, in Input) error {
	html, err := s.md.HTML(w.Description)
	if err != nil {
		return err
	}
	w.DescriptionHTML = html
	w.Slug = Slugify(w.Title)
	if in.MediaIDs != nil {
		ms, err := s.media.Attach(ctx, ownerID, "media_ids", *in.MediaIDs)
		if err != nil {
			return err
		}
		w.Images = w.Images[:0:0]
		for _, m := range ms {
			w.Images = append(w.Images, Image{MediaID: m.ID, Thumb: m.URL("thumb"), Medium: m.URL("medium"),
				Large: m.URL("large"), Width: m.Width, Height: m.Height})
		}
	}
	return nil
}

// Get returns a work as viewer may see it: a draft or an archived work is
// not found for anyone but its maker.
func (s *Service) Get(ctx context.Context, viewer *account.User, id string) (*Work, error) {
	var w Work
	if err := s.works.FindOne(ctx, bson.M{"_id": id}).Decode(&w); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("work")
		}
		return nil, mongodb.Classify("read work "+id, err)
	}
	if !w.Published() && (viewer == nil || viewer.ID != w.Maker.ID) {
		return nil, problem.NotFound("work")
	}
	return &w, nil
}

// ToEdit is u's work for its edit form, under the rule its changes are
// (see owned).
func (s *Service) ToEdit(ctx context.Context, u *account.User, id string) (*Work, error) {
	return s.owned(ctx, u, id)
}

// owned returns the work if u made it: someone else's draft is not found,
// their published work is forbidden.
func (s *Service) owned(ctx context.Context, u *account.User, id string) (*Work, error) {
	w, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if w.Maker.ID != u.ID {
		return nil, problem.Forbidden("not_your_work")
	}
	return w, nil
}

// Update changes u's work. Only the fields the maker edits are $set, by
// bare _id, so stock taken by a concurrent checkout and counters moved by
// concurrent favourites survive; the document as it was tells which status
// the change left, so two racing publishes count the work once.
func (s *Service) Update(ctx context.Context, u *account.User, id string, in Input) (*Work, error) {
	w, err := s.owned(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := in.apply(w, false); err != nil {
		return nil, err
	}
	if err := s.prepare(ctx, u.ID, w, in); err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	if in.Status != nil {
		w.Status = *in.Status
	}
	fields := append(in.edited(), "updated_at")
	if w.Published() && w.PublishedAt == nil {
		w.PublishedAt = &now
		fields = append(fields, "published_at")
	}
	w.UpdatedAt = now
	set, err := pick(w, fields)
	if err != nil {
		return nil, err
	}
	var before, after Work
	err = s.queue.Write(ctx, SearchKind, w.ID, func(ctx context.Context) (search.Document, error) {
		raw, err := s.works.FindOneAndUpdate(ctx, bson.M{"_id": w.ID}, bson.M{"$set": set}).Raw()
		if mongodb.IsNotFound(err) { // deleted since we read it
			return nil, problem.NotFound("work")
		}
		if err != nil {
			return nil, mongodb.Classify("update work "+w.ID, err)
		}
		if err := bson.Unmarshal(raw, &before); err != nil {
			return nil, err
		}
		if err := overlay(raw, set, &after); err != nil {
			return nil, err
		}
		return after.searchDocument(s.md.Text(after.Description)), nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.countPublished(ctx, w.Maker.ID, before.Status, after.Status); err != nil {
		return nil, err
	}
	s.changed(ctx, &after, !after.Published())
	return &after, nil
}

// pick returns the named stored fields of w, for a $set.
func pick(w *Work, fields []string) (bson.M, error) {
	var all bson.M
	raw, err := bson.Marshal(w)
	if err == nil {
		err = bson.Unmarshal(raw, &all)
	}
	if err != nil {
		return nil, fmt.Errorf("encode work %s: %w", w.ID, err)
	}
	set := bson.M{}
	for _, f := range fields {
		set[f] = all[f]
	}
	return set, nil
}

// overlay decodes into w the document before with the top-level fields of
// set written over it: the document as the $set left it, without reading
// it again.
func overlay(before bson.Raw, set bson.M, w *Work) error {
	var doc bson.M
	if err := bson.Unmarshal(before, &doc); err != nil {
		return err
	}
	for k, v := range set {
		doc[k] = v
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return err
	}
	return bson.Unmarshal(raw, w)
}

// OnChange registers fn to hear of every change to a work; gone is true
// when the work is deleted or no longer published. Listeners keep copies
// of a work (Extended Reference) fresh; their failures are logged, not
// returned, since the work itself has changed already.
func (s *Service) OnChange(fn func(ctx context.Context, w *Work, gone bool) error) {
	s.listeners = append(s.listeners, fn)
}

func (s *Service) changed(ctx context.Context, w *Work, gone bool) {
	for _, fn := range s.listeners {
		if err := fn(ctx, w, gone); err != nil {
			s.log.WarnContext(ctx, "refresh copies of a work", "work", w.ID, "err", err)
		}
	}
}

func (s *Service) countPublished(ctx context.Context, makerID, before, after string) error {
	switch {
	case before != StatusPublished && after == StatusPublished:
		return s.makers.AddWorks(ctx, makerID, 1)
	case before == StatusPublished && after != StatusPublished:
		return s.makers.AddWorks(ctx, makerID, -1)
	}
	return nil
}

// Delete removes u's work and takes it out of search.
func (s *Service) Delete(ctx context.Context, u *account.User, id string) error {
	w, err := s.owned(ctx, u, id)
	if err != nil {
		return err
	}
	deleted := false
	err = s.queue.Write(ctx, SearchKind, w.ID, func(ctx context.Context) (search.Document, error) {
		res, err := s.works.DeleteOne(ctx, bson.M{"_id": w.ID})
		if err != nil {
			return nil, mongodb.Classify("delete work "+w.ID, err)
		}
		deleted = res.DeletedCount == 1
		return nil, nil
	})
	if err != nil || !deleted {
		return err
	}
	if err := s.countPublished(ctx, w.Maker.ID, w.Status, ""); err != nil {
		return err
	}
	s.changed(ctx, w, true)
	return nil
}

// CountSaves moves the count of public collections holding the work.
func (s *Service) CountSaves(ctx context.Context, id string, delta int) error {
	return s.bump(ctx, id, "counts.saves", delta)
}

// CountThreads moves the count of threads that link the work (a signal
// the hot score ranks by).
func (s *Service) CountThreads(ctx context.Context, id string, delta int) error {
	return s.bump(ctx, id, "counts.threads", delta)
}

// bump moves a counter, never below zero, and pushes the new counts to the
// index (the hot score ranks by them).
func (s *Service) bump(ctx context.Context, id, field string, delta int) error {
	return s.queue.Signal(ctx, SearchKind, id, func(ctx context.Context) error {
		_, err := mongodb.IncAtLeastZero(ctx, s.works, id, bson.M{field: delta}, field)
		if mongodb.IsNotFound(err) { // gone: nothing to move
			return nil
		}
		return mongodb.Classify("count "+field+" of "+id, err)
	})
}
