// Package media takes image uploads through the imaging pipeline into the
// blob store, and serves them. Keys are content-addressed, so the same file
// uploaded twice is stored once; uploads never attached to a studio or a
// work are removed after a day.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/blob"
	"guildhall/internal/platform/imaging"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Collections owned by this feature. Pending is small and operational: it
// holds only uploads not yet attached, which the cleaner scans.
const (
	Collection        = "media"
	PendingCollection = "media_pending"
	URLPrefix         = "/media/"
)

// Variant is one stored size of an image.
type Variant struct {
	Key         string `bson:"key"`
	URL         string `bson:"url"`
	Width       int    `bson:"width"`
	Height      int    `bson:"height"`
	ContentType string `bson:"content_type"`
}

// Media is an uploaded image; its _id is derived from its content.
type Media struct {
	ID           string             `bson:"_id"`
	Owners       []string           `bson:"owners"`
	Width        int                `bson:"width"`
	Height       int                `bson:"height"`
	Variants     map[string]Variant `bson:"variants"`
	Attached     bool               `bson:"attached"`
	CreatedAt    time.Time          `bson:"created_at"`
	LastUploadAt time.Time          `bson:"last_upload_at"`
}

// URL returns the URL of a variant ("thumb", "medium", "large").
func (m *Media) URL(variant string) string { return m.Variants[variant].URL }

// Deps are what media builds on.
type Deps struct {
	Store blob.Store
	// Limiter bounds how many images one account uploads (Options.Rate);
	// nil uploads without a limit.
	Limiter Limiter
}

// Limiter counts attempts per key.
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) error
}

// Rate is Limit uploads per Window for one account.
type Rate struct {
	Limit  int
	Window time.Duration
}

// Options configure the service.
type Options struct {
	Limits   imaging.Limits
	Variants []imaging.Variant
	// Redirect serves images by redirecting to the store's signed URL (S3)
	// instead of streaming them through the app (a folder).
	Redirect   bool
	PendingTTL time.Duration // unattached uploads live this long (default a day)
	Rate       Rate          // uploads per account
	Logger     *slog.Logger
}

// Service implements media.
type Service struct {
	media, pending *mongo.Collection
	store          blob.Store
	limiter        Limiter
	opt            Options
	now            func() time.Time
	// slots bounds uploads processed at once: a 12-megapixel photo peaks
	// at about 116 MB of heap in the pipeline.
	slots chan struct{}
}

// New returns the media service.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Limits == (imaging.Limits{}) {
		o.Limits = imaging.DefaultLimits
	}
	if len(o.Variants) == 0 {
		o.Variants = imaging.DefaultVariants
	}
	if o.PendingTTL <= 0 {
		o.PendingTTL = 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{media: db.Collection(Collection), pending: db.Collection(PendingCollection), store: d.Store, limiter: d.Limiter, opt: o, now: time.Now,
		slots: make(chan struct{}, max(1, runtime.NumCPU()))}
}

// MaxBytes is the upload cap, for the HTTP layer's body limit.
func (s *Service) MaxBytes() int64 { return s.opt.Limits.MaxBytes }

// Upload runs the pipeline on r and stores the variants for ownerID.
func (s *Service) Upload(ctx context.Context, ownerID string, r io.Reader) (*Media, error) {
	if s.limiter != nil {
		if err := s.limiter.Allow(ctx, "upload:user:"+ownerID, s.opt.Rate.Limit, s.opt.Rate.Window); err != nil {
			return nil, err
		}
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, problem.Unavailable("image processing", ctx.Err())
	}
	res, err := imaging.Process(r, s.opt.Limits, s.opt.Variants)
	<-s.slots
	if err != nil {
		return nil, classify(err)
	}
	id := res.SourceSHA256[:32]
	m := &Media{ID: id, Width: res.Width, Height: res.Height, Variants: map[string]Variant{}}
	for _, v := range res.Variants {
		key := fmt.Sprintf("media/%s/%s/%s%s", id[:2], id, v.Name, v.Ext)
		m.Variants[v.Name] = Variant{Key: key, URL: URLPrefix + key, Width: v.Width, Height: v.Height, ContentType: v.ContentType}
		// Blobs first: a media document never points at missing bytes.
		if err := s.store.Put(ctx, key, bytes.NewReader(v.Data), int64(len(v.Data)), v.ContentType); err != nil {
			return nil, problem.Unavailable("storage", fmt.Errorf("store %s: %w", key, err))
		}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	// The pending record goes before the document, so a crash between the
	// two leaves something the cleaner finds.
	if _, err := s.pending.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$max": bson.M{"at": now}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return nil, mongodb.Classify("record pending media "+id, err)
	}
	err = s.media.FindOneAndUpdate(ctx, bson.M{"_id": id},
		bson.M{
			"$addToSet":    bson.M{"owners": ownerID},
			"$max":         bson.M{"last_upload_at": now},
			"$setOnInsert": bson.M{"width": m.Width, "height": m.Height, "variants": m.Variants, "attached": false, "created_at": now},
		},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(m)
	if mongodb.IsDuplicate(err) { // two first uploads of one file raced; the loser adds itself
		err = s.media.FindOneAndUpdate(ctx, bson.M{"_id": id},
			bson.M{"$addToSet": bson.M{"owners": ownerID}, "$max": bson.M{"last_upload_at": now}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(m)
	}
	if err != nil {
		return nil, mongodb.Classify("save media "+id, err)
	}
	return m, nil
}

func classify(err error) error {
	switch {
	case errors.Is(err, imaging.ErrTooLarge):
		return &problem.Error{Kind: problem.KindTooLarge, Code: "file_too_large", Message: "file_too_large", Fields: map[string]string{"file": "file_too_large"}}
	case errors.Is(err, imaging.ErrUnsupported):
		return &problem.Error{Kind: problem.KindUnsupported, Code: "unsupported_image", Message: "unsupported_image", Fields: map[string]string{"file": "unsupported_image"}}
	case errors.Is(err, imaging.ErrTooManyPixels):
		return &problem.Error{Kind: problem.KindInvalid, Code: "too_many_pixels", Message: "too_many_pixels", Fields: map[string]string{"file": "too_many_pixels"}}
	case errors.Is(err, imaging.ErrCorrupt):
		return &problem.Error{Kind: problem.KindInvalid, Code: "corrupt_image", Message: "corrupt_image", Fields: map[string]string{"file": "corrupt_image"}}
	}
	return fmt.Errorf("process image: %w", err)
}

// Attach marks images as used by ownerID (by a studio or a work) so the
// cleaner keeps them, and returns them in the order given. An id that does
// not exist or was not uploaded by ownerID is a field error on field.
func (s *Service) Attach(ctx context.Context, ownerID, field string, ids []string) ([]Media, error) {
	out := make([]Media, 0, len(ids))
	for _, id := range ids {
		var m Media
		err := s.media.FindOneAndUpdate(ctx, bson.M{"_id": id, "owners": ownerID}, bson.M{"$set": bson.M{"attached": true}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&m)
		if mongodb.IsNotFound(err) {
			return nil, problem.InvalidField(field, "media_unknown")
		}
		if err != nil {
			return nil, mongodb.Classify("attach media "+id, err)
		}
		if _, err := s.pending.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
			s.opt.Logger.WarnContext(ctx, "clear pending media", "id", id, "err", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// AttachURL attaches one image and returns the URL of one of its variants.
func (s *Service) AttachURL(ctx context.Context, ownerID, field, id, variant string) (string, error) {
	ms, err := s.Attach(ctx, ownerID, field, []string{id})
	if err != nil {
		return "", err
	}
	return ms[0].URL(variant), nil
}

// Fetched is an image ready to send: either a body or a URL to redirect to.
type Fetched struct {
	Body     io.ReadCloser
	Info     blob.Info
	Redirect string
}

// Fetch returns the stored object for a /media/ key.
func (s *Service) Fetch(ctx context.Context, key string) (*Fetched, error) {
	if blob.ValidKey(key) != nil {
		return nil, problem.NotFound("image")
	}
	if s.opt.Redirect {
		u, err := s.store.URL(ctx, key)
		if errors.Is(err, blob.ErrNotFound) {
			return nil, problem.NotFound("image")
		}
		if err != nil {
			return nil, problem.Unavailable("storage", err)
		}
		return &Fetched{Redirect: u}, nil
	}
	body, info, err := s.store.Get(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, problem.NotFound("image")
	}
	if err != nil {
		return nil, problem.Unavailable("storage", err)
	}
	return &Fetched{Body: body, Info: info}, nil
}

// Clean removes uploads that were never attached within PendingTTL, and
// their blobs. It returns how many it removed.
func (s *Service) Clean(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-s.opt.PendingTTL)
	cur, err := s.pending.Find(ctx, bson.M{"at": bson.M{"$lt": cutoff}}, options.Find().SetLimit(500))
	if err != nil {
		return 0, mongodb.Classify("read pending media", err)
	}
	var stale []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &stale); err != nil {
		return 0, mongodb.Classify("read pending media", err)
	}
	removed := 0
	for _, p := range stale {
		var m Media
		// Only if still unattached and not uploaded again since the cutoff.
		err := s.media.FindOneAndDelete(ctx, bson.M{"_id": p.ID, "attached": false, "last_upload_at": bson.M{"$lt": cutoff}}).Decode(&m)
		switch {
		case err == nil:
			for _, v := range m.Variants {
				if err := s.store.Delete(ctx, v.Key); err != nil {
					return removed, fmt.Errorf("delete %s: %w", v.Key, err)
				}
			}
			removed++
		case !mongodb.IsNotFound(err):
			return removed, mongodb.Classify("delete media "+p.ID, err)
		}
		if _, err := s.pending.DeleteOne(ctx, bson.M{"_id": p.ID, "at": bson.M{"$lt": cutoff}}); err != nil {
			return removed, mongodb.Classify("clear pending media "+p.ID, err)
		}
	}
	return removed, nil
}

// Indexes serve the cleaner's scan of pending uploads.
var Indexes = []mongodb.Index{{Collection: PendingCollection, Keys: bson.D{{Key: "at", Value: 1}}}}
