package indexqueue_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/platform/indexqueue"
	"guildhall/internal/platform/search"
)

// never keeps a batch waiting for the whole test, so only Flush sends it.
const never = time.Hour

// retitle is a signal: it changes the stored thing, and the index hears of
// it with the next batch.
func (f *fixture) retitle(t *testing.T, q *indexqueue.Queue, id, title string) {
	t.Helper()
	err := q.Signal(context.Background(), "things", id, func(ctx context.Context) error {
		_, err := f.things.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"title": title}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSignalsOfOneDocumentShareOneBatchAndOnePush(t *testing.T) {
	f := newFixtureWith(t, indexqueue.Options{SignalsEvery: never})
	for _, id := range []string{"a", "b"} {
		if err := f.put(t, thing{ID: id, Title: "old"}); err != nil {
			t.Fatal(err)
		}
	}
	before := f.index.upserts.Load()
	for i := range 20 {
		f.retitle(t, f.q, "a", fmt.Sprintf("a%d", i))
		f.retitle(t, f.q, "b", fmt.Sprintf("b%d", i))
	}
	if got := f.indexed(t); !slices.Equal(got, []string{"a=old", "b=old"}) {
		t.Fatalf("indexed %v before the batch, want the old titles", got)
	}
	if d := f.depth(t); d != 2 {
		t.Fatalf("%d intents wait, want one a document", d)
	}
	if err := f.q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.indexed(t); !slices.Equal(got, []string{"a=a19", "b=b19"}) {
		t.Fatalf("indexed %v, want the last titles", got)
	}
	if n := f.index.upserts.Load() - before; n != 1 {
		t.Fatalf("40 signals took %d index calls, want 1", n)
	}
	if d := f.depth(t); d != 0 {
		t.Fatalf("%d intents left", d)
	}
}

func TestASignalsBatchGoesOnItsOwnWithinItsInterval(t *testing.T) {
	f := newFixtureWith(t, indexqueue.Options{SignalsEvery: 20 * time.Millisecond})
	if err := f.put(t, thing{ID: "a", Title: "old"}); err != nil {
		t.Fatal(err)
	}
	f.index.pushed = make(chan []search.Document, 1)
	f.retitle(t, f.q, "a", "new")
	select {
	case docs := <-f.index.pushed:
		if len(docs) != 1 || docs[0]["title"] != "new" {
			t.Fatalf("pushed %v", docs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no batch within 10 s of a 20 ms interval")
	}
}

func TestFiveHundredWaitingDocumentsGoWithoutWaitingForTheTimer(t *testing.T) {
	f := newFixtureWith(t, indexqueue.Options{SignalsEvery: never})
	f.index.pushed = make(chan []search.Document, 1)
	for i := range 500 {
		id := fmt.Sprintf("t%03d", i)
		err := f.q.Signal(context.Background(), "things", id, func(ctx context.Context) error {
			_, err := f.things.InsertOne(ctx, thing{ID: id, Title: "cup"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	select {
	case docs := <-f.index.pushed:
		if len(docs) != 500 {
			t.Fatalf("the full batch pushed %d documents", len(docs))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a full batch did not go")
	}
}

func TestASignalOfAGoneDocumentTakesItOutOfTheIndex(t *testing.T) {
	f := newFixtureWith(t, indexqueue.Options{SignalsEvery: never})
	if err := f.put(t, thing{ID: "a", Title: "teapot"}); err != nil {
		t.Fatal(err)
	}
	err := f.q.Signal(context.Background(), "things", "a", func(ctx context.Context) error {
		_, err := f.things.DeleteOne(ctx, bson.M{"_id": "a"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.indexed(t); len(got) != 0 {
		t.Fatalf("indexed %v, want nothing", got)
	}
}

func TestSignalsOfAProcessThatDiedBeforeItsBatchReachTheIndex(t *testing.T) {
	f := newFixtureWith(t, indexqueue.Options{SignalsEvery: never})
	if err := f.put(t, thing{ID: "a", Title: "old"}); err != nil {
		t.Fatal(err)
	}
	f.retitle(t, f.q, "a", "new") // its batch never goes: the process dies here
	restarted := indexqueue.New(f.db, f.index, indexqueue.Options{Logger: testLogger(t)})
	restarted.Register("things", "things", projectThing)
	if n, err := restarted.Drain(context.Background(), time.Now().Add(time.Second), 100); err != nil || n != 1 {
		t.Fatalf("the restarted worker applied %d intents, err %v", n, err)
	}
	if got := f.indexed(t); !slices.Equal(got, []string{"a=new"}) {
		t.Fatalf("indexed %v, want the signal's title", got)
	}
}

func TestSignalsBatchedDuringASearchOutageStayForTheWorker(t *testing.T) {
	f := newFixtureWith(t, indexqueue.Options{SignalsEvery: never})
	if err := f.put(t, thing{ID: "a", Title: "old"}); err != nil {
		t.Fatal(err)
	}
	f.index.down.Store(true)
	f.retitle(t, f.q, "a", "new")
	if err := f.q.Flush(context.Background()); err == nil {
		t.Fatal("a batch into a down index reported no error")
	}
	if d := f.depth(t); d != 1 {
		t.Fatalf("%d intents after a failed batch, want 1", d)
	}
	f.index.down.Store(false)
	if n, err := f.q.Drain(context.Background(), time.Now().Add(time.Second), 100); err != nil || n != 1 {
		t.Fatalf("drain applied %d, err %v", n, err)
	}
	if got := f.indexed(t); !slices.Equal(got, []string{"a=new"}) {
		t.Fatalf("indexed %v", got)
	}
}

func TestASignalWithNoIntervalIsPushedAtOnce(t *testing.T) {
	f := newFixture(t)
	if err := f.put(t, thing{ID: "a", Title: "old"}); err != nil {
		t.Fatal(err)
	}
	f.retitle(t, f.q, "a", "new")
	if got := f.indexed(t); !slices.Equal(got, []string{"a=new"}) {
		t.Fatalf("indexed %v", got)
	}
	if d := f.depth(t); d != 0 {
		t.Fatalf("%d intents left", d)
	}
}
