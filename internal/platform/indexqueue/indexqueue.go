// Package indexqueue keeps the search index a true projection of MongoDB.
// Every searchable write records an intent before it changes MongoDB, pushes
// the new document to the index, then clears the intent. Intents left behind
// by a crash or a search outage are drained by a worker that re-reads MongoDB,
// so a failure only delays the index, it never loses a change.
package indexqueue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
)

// Collection holds the intents, keyed "<kind>:<id>" so repeats coalesce.
const Collection = "index_queue"

// Projector is search.Projector: features register one per kind; the
// queue reads the documents, by _id for single intents or by cursor for
// rebuilds.
type Projector = search.Projector

// Options tune the queue; zero values take the defaults.
type Options struct {
	PushTimeout time.Duration // how long a write waits for the index (default 2s)
	Grace       time.Duration // intents younger than this belong to writes in flight (default 10s)
	Interval    time.Duration // how often the worker drains (default 2s)
	// SignalsEvery is how long a signal's push waits to share a batch
	// (see Signal); zero pushes each at once.
	SignalsEvery time.Duration
	Logger       *slog.Logger
}

// Queue is the durable index queue.
type Queue struct {
	coll  *mongo.Collection
	index search.Index
	opt   Options

	mu       sync.RWMutex
	projects map[string]Projector
	sources  map[string]string // kind -> the collection its documents live in

	sigMu   sync.Mutex
	waiting map[string]pending // "<kind>:<id>" -> the latest signal's intent
	flushMu sync.Mutex         // one batch at a time
}

type intent struct {
	ID    string    `bson:"_id"`
	Kind  string    `bson:"kind"`
	Ref   string    `bson:"ref"`
	Token string    `bson:"token"`
	At    time.Time `bson:"at"`
}

// New returns a queue writing intents to db and documents to index.
func New(db *mongo.Database, index search.Index, o Options) *Queue {
	if o.PushTimeout <= 0 {
		o.PushTimeout = 2 * time.Second
	}
	if o.Grace <= 0 {
		o.Grace = 10 * time.Second
	}
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Queue{coll: db.Collection(Collection), index: index, opt: o, projects: map[string]Projector{}, sources: map[string]string{}}
}

// Register tells the queue where documents of kind live and how to turn
// them into search documents.
func (q *Queue) Register(kind, collection string, project Projector) {
	q.mu.Lock()
	q.projects[kind] = project
	q.sources[kind] = collection
	q.mu.Unlock()
}

// Load reads one document of kind by _id and projects it; ok is false when
// it is gone or not searchable.
func (q *Queue) Load(ctx context.Context, kind, id string) (search.Document, bool, error) {
	q.mu.RLock()
	project, coll := q.projects[kind], q.sources[kind]
	q.mu.RUnlock()
	if project == nil {
		return nil, false, fmt.Errorf("load %s %s: %w", kind, id, search.ErrUnknownKind)
	}
	raw, err := q.coll.Database().Collection(coll).FindOne(ctx, bson.M{"_id": id}).Raw()
	if mongodb.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, mongodb.Classify("load "+kind+" "+id, err)
	}
	return project(raw)
}

// Write runs write under an intent for kind/id. write changes MongoDB and
// returns the document as the index should now hold it, or nil when it must
// leave the index. A search outage does not fail the write: the intent stays
// and the worker finishes the job later.
func (q *Queue) Write(ctx context.Context, kind, id string, write func(ctx context.Context) (search.Document, error)) error {
	token, err := q.record(ctx, kind, id)
	if err != nil {
		return err
	}
	doc, err := write(ctx)
	if err != nil {
		return err // the intent stays; the worker re-reads whatever MongoDB now holds
	}
	if err := q.push(ctx, kind, id, doc); err != nil {
		q.opt.Logger.WarnContext(ctx, "search index behind, left for the worker", "kind", kind, "id", id, "err", err)
		return nil
	}
	q.clear(ctx, kind, id, token)
	return nil
}

// Enqueue records an intent without pushing, for writes whose searchable
// form is cheaper to re-read later (e.g. counters on a hot document).
func (q *Queue) Enqueue(ctx context.Context, kind, id string) error {
	_, err := q.record(ctx, kind, id)
	return err
}

func (q *Queue) record(ctx context.Context, kind, id string) (string, error) {
	token := newToken()
	_, err := q.coll.UpdateOne(ctx,
		bson.M{"_id": kind + ":" + id},
		bson.M{"$set": bson.M{"kind": kind, "ref": id, "token": token, "at": time.Now().UTC()}},
		options.UpdateOne().SetUpsert(true))
	if err != nil {
		return "", mongodb.Classify("record index intent "+kind+":"+id, err)
	}
	return token, nil
}

func (q *Queue) push(ctx context.Context, kind, id string, doc search.Document) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.opt.PushTimeout)
	defer cancel()
	if doc == nil {
		return q.index.Delete(ctx, kind, id)
	}
	return q.index.Upsert(ctx, kind, doc)
}

// clear removes the intent only if no later write replaced it.
func (q *Queue) clear(ctx context.Context, kind, id, token string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.opt.PushTimeout)
	defer cancel()
	if _, err := q.coll.DeleteOne(ctx, bson.M{"_id": kind + ":" + id, "token": token}); err != nil {
		q.opt.Logger.WarnContext(ctx, "clear index intent", "kind", kind, "id", id, "err", err)
	}
}

// Depth counts intents not yet applied (for /metrics).
func (q *Queue) Depth(ctx context.Context) (int64, error) {
	n, err := q.coll.CountDocuments(ctx, bson.M{})
	return n, mongodb.Classify("count index intents", err)
}

// Drain applies intents recorded before cutoff, at most batch of them, and
// returns how many it applied. It stops at the first index failure, since
// the index is then most likely down.
func (q *Queue) Drain(ctx context.Context, cutoff time.Time, batch int) (int, error) {
	// A scan, but over a small operational collection: the only kind allowed.
	cur, err := q.coll.Find(ctx, bson.M{"at": bson.M{"$lt": cutoff}},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}}).SetLimit(int64(batch)))
	if err != nil {
		return 0, mongodb.Classify("read index intents", err)
	}
	var intents []intent
	if err := cur.All(ctx, &intents); err != nil {
		return 0, mongodb.Classify("read index intents", err)
	}
	done := 0
	for _, in := range intents {
		if err := q.apply(ctx, in); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

func (q *Queue) apply(ctx context.Context, in intent) error {
	doc, ok, err := q.Load(ctx, in.Kind, in.Ref)
	if err != nil {
		return fmt.Errorf("index intent %s: %w", in.ID, err)
	}
	if !ok {
		doc = nil
	}
	if err := q.push(ctx, in.Kind, in.Ref, doc); err != nil {
		return fmt.Errorf("index intent %s: push: %w", in.ID, err)
	}
	q.clear(ctx, in.Kind, in.Ref, in.Token)
	return nil
}

// Run drains leftover intents until ctx ends, backing off while the index
// or the database fails.
func (q *Queue) Run(ctx context.Context) {
	wait := q.opt.Interval
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		n, err := q.Drain(ctx, time.Now().Add(-q.opt.Grace), 200)
		switch {
		case err != nil && ctx.Err() == nil:
			q.opt.Logger.WarnContext(ctx, "index queue drain failed", "applied", n, "err", err)
			wait = min(wait*2, time.Minute)
		case n == 200:
			wait = 0 // more are waiting
		default:
			wait = q.opt.Interval
		}
	}
}

func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Indexes lets the worker find old intents without reading them all.
var Indexes = []mongodb.Index{{Collection: Collection, Keys: bson.D{{Key: "at", Value: 1}}}}
