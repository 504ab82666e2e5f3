package indexqueue_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/platform/indexqueue"
	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/platform/search"
	blevesearch "guildhall/internal/platform/search/bleve"
)

// flaky is a real index that can be switched off, as a search outage.
type flaky struct {
	search.Index
	down    atomic.Bool
	upserts atomic.Int32           // calls that reached the index
	pushed  chan []search.Document // when not nil, hears of each upsert
}

var errDown = errors.New("search is down")

func (f *flaky) Upsert(ctx context.Context, kind string, docs ...search.Document) error {
	if f.down.Load() {
		return errDown
	}
	err := f.Index.Upsert(ctx, kind, docs...)
	f.upserts.Add(1)
	if f.pushed != nil {
		f.pushed <- docs
	}
	return err
}

func (f *flaky) Delete(ctx context.Context, kind string, ids ...string) error {
	if f.down.Load() {
		return errDown
	}
	return f.Index.Delete(ctx, kind, ids...)
}

type thing struct {
	ID    string `bson:"_id"`
	Title string `bson:"title"`
	Draft bool   `bson:"draft"`
}

func (t thing) doc() search.Document { return search.Document{"id": t.ID, "title": t.Title} }

type fixture struct {
	q      *indexqueue.Queue
	db     *mongo.Database
	index  *flaky
	things *mongo.Collection
}

func newFixture(t *testing.T) *fixture {
	return newFixtureWith(t, indexqueue.Options{})
}

// newFixtureWith takes the queue's options (the push timeout and logger
// are the fixture's).
func newFixtureWith(t *testing.T, o indexqueue.Options) *fixture {
	db := mongodbtest.MustOpen(t)
	bl, err := blevesearch.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bl.Close() })
	if err := bl.EnsureSchema(context.Background(), search.Schema{Kind: "things", Searchable: []string{"title"}}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{index: &flaky{Index: bl}, things: db.Database.Collection("things")}
	o.PushTimeout, o.Logger = time.Second, testLogger(t)
	f.db = db.Database
	f.q = indexqueue.New(db.Database, f.index, o)
	f.q.Register("things", "things", projectThing)
	return f
}

func projectThing(raw bson.Raw) (search.Document, bool, error) {
	var th thing
	if err := bson.Unmarshal(raw, &th); err != nil {
		return nil, false, err
	}
	if th.Draft {
		return nil, false, nil
	}
	return th.doc(), true, nil
}

func (f *fixture) put(t *testing.T, th thing) error {
	return f.q.Write(context.Background(), "things", th.ID, func(ctx context.Context) (search.Document, error) {
		if _, err := f.things.ReplaceOne(ctx, bson.M{"_id": th.ID}, th, upsert()); err != nil {
			return nil, err
		}
		if th.Draft {
			return nil, nil
		}
		return th.doc(), nil
	})
}

func (f *fixture) remove(t *testing.T, id string) error {
	return f.q.Write(context.Background(), "things", id, func(ctx context.Context) (search.Document, error) {
		_, err := f.things.DeleteOne(ctx, bson.M{"_id": id})
		return nil, err
	})
}

func (f *fixture) indexed(t *testing.T) []string {
	t.Helper()
	res, err := f.index.Search(context.Background(), "things", search.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID+"="+h.Document["title"].(string))
	}
	slices.Sort(ids)
	return ids
}

func (f *fixture) depth(t *testing.T) int64 {
	n, err := f.q.Depth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAWriteReachesTheIndexAndLeavesNoIntent(t *testing.T) {
	f := newFixture(t)
	if err := f.put(t, thing{ID: "a", Title: "teapot"}); err != nil {
		t.Fatal(err)
	}
	if got := f.indexed(t); !slices.Equal(got, []string{"a=teapot"}) {
		t.Fatalf("indexed %v", got)
	}
	if d := f.depth(t); d != 0 {
		t.Fatalf("%d intents left", d)
	}
}

func TestTheIndexConvergesAfterASearchOutageDuringWrites(t *testing.T) {
	f := newFixture(t)
	for _, th := range []thing{{ID: "a", Title: "teapot"}, {ID: "b", Title: "bowl"}, {ID: "c", Title: "cup"}} {
		if err := f.put(t, th); err != nil {
			t.Fatal(err)
		}
	}
	f.index.down.Store(true)
	// Every write is accepted by MongoDB although search is down.
	for _, err := range []error{
		f.put(t, thing{ID: "a", Title: "teapot with lid"}),
		f.remove(t, "b"),
		f.put(t, thing{ID: "d", Title: "vase"}),
		f.put(t, thing{ID: "c", Title: "cup", Draft: true}),
	} {
		if err != nil {
			t.Fatalf("a write failed because search is down: %v", err)
		}
	}
	if d := f.depth(t); d != 4 {
		t.Fatalf("want 4 intents waiting, got %d", d)
	}
	// While search stays down, draining applies nothing and loses nothing.
	if n, err := f.q.Drain(context.Background(), time.Now().Add(time.Second), 100); err == nil || n != 0 {
		t.Fatalf("drain during outage: applied %d, err %v", n, err)
	}
	f.index.down.Store(false)
	n, err := f.q.Drain(context.Background(), time.Now().Add(time.Second), 100)
	if err != nil || n != 4 {
		t.Fatalf("drain after recovery: applied %d, err %v", n, err)
	}
	if got, want := f.indexed(t), []string{"a=teapot with lid", "d=vase"}; !slices.Equal(got, want) {
		t.Fatalf("index %v, want %v (as MongoDB holds)", got, want)
	}
	if d := f.depth(t); d != 0 {
		t.Fatalf("%d intents left", d)
	}
}

func TestAWriteThatDiesAfterItsIntentIsReconciledFromMongoDB(t *testing.T) {
	f := newFixture(t)
	if err := f.put(t, thing{ID: "a", Title: "teapot"}); err != nil {
		t.Fatal(err)
	}
	crash := errors.New("process died")
	err := f.q.Write(context.Background(), "things", "a", func(ctx context.Context) (search.Document, error) {
		_, _ = f.things.UpdateOne(ctx, bson.M{"_id": "a"}, bson.M{"$set": bson.M{"title": "kettle"}})
		return nil, crash // MongoDB changed, the index was never told
	})
	if !errors.Is(err, crash) {
		t.Fatalf("got %v", err)
	}
	if _, err := f.q.Drain(context.Background(), time.Now().Add(time.Second), 100); err != nil {
		t.Fatal(err)
	}
	if got := f.indexed(t); !slices.Equal(got, []string{"a=kettle"}) {
		t.Fatalf("indexed %v, want the title MongoDB holds", got)
	}
}

func TestTheWorkerLeavesIntentsOfWritesStillInFlight(t *testing.T) {
	f := newFixture(t)
	if err := f.q.Enqueue(context.Background(), "things", "x"); err != nil {
		t.Fatal(err)
	}
	n, err := f.q.Drain(context.Background(), time.Now().Add(-time.Minute), 100)
	if err != nil || n != 0 {
		t.Fatalf("applied %d (%v); a fresh intent belongs to its writer", n, err)
	}
	if d := f.depth(t); d != 1 {
		t.Fatalf("depth %d", d)
	}
}

func TestARebuildRestoresAWipedIndexAndResumesWhereItStopped(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var want []string
	for i := range 450 {
		th := thing{ID: fmt.Sprintf("t%04d", i), Title: fmt.Sprintf("pot %d", i), Draft: i%10 == 0}
		if _, err := f.things.InsertOne(ctx, th); err != nil {
			t.Fatal(err)
		}
		if !th.Draft {
			want = append(want, th.ID+"="+th.Title)
		}
	}
	// A run that is stopped after its first batch...
	stopped, stop := context.WithCancel(ctx)
	_, err := f.q.Rebuild(stopped, "things", false, func(done, total int64) {
		if total != 450 {
			t.Errorf("total %d", total)
		}
		stop()
	})
	if err == nil {
		t.Fatal("a cancelled rebuild should say so")
	}
	first := len(f.indexed(t))
	// ...and a second run that picks up after it.
	var seen []int64
	n, err := f.q.Rebuild(ctx, "things", false, func(done, _ int64) { seen = append(seen, done) })
	if err != nil || n != 450 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	if seen[0] <= 200 {
		t.Fatalf("the second run started over: progress %v (first run indexed %d)", seen, first)
	}
	got := f.indexed(t)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("indexed %d documents, want the %d that are not drafts", len(got), len(want))
	}
}
