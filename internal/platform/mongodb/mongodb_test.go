package mongodb_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/problem"
)

func TestAnInsertedDocumentIsFoundByID(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	c := db.Database.Collection("things")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "a", "n": 1}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		N int `bson:"n"`
	}
	if err := c.FindOne(ctx, bson.M{"_id": "a"}).Decode(&got); err != nil || got.N != 1 {
		t.Fatalf("got %+v, %v", got, err)
	}
	err := c.FindOne(ctx, bson.M{"_id": "missing"}).Err()
	if !mongodb.IsNotFound(err) {
		t.Fatalf("missing document: want not found, got %v", err)
	}
}

func TestASecondInsertWithTheSameIDIsADuplicate(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	c := db.Database.Collection("edges")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "u1:m1"}); err != nil {
		t.Fatal(err)
	}
	_, err := c.InsertOne(ctx, bson.M{"_id": "u1:m1"})
	if !mongodb.IsDuplicate(err) {
		t.Fatalf("want duplicate key, got %v", err)
	}
}

func TestTheRecorderSeesWhetherAPageReadsByID(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	c := db.Database.Collection("things")
	var rec mongodb.Recorder
	ctx := mongodb.WithRecorder(context.Background(), &rec)
	_ = c.FindOne(ctx, bson.M{"_id": "x"}).Err()
	_, _ = c.UpdateOne(ctx, bson.M{"_id": "x"}, bson.M{"$inc": bson.M{"n": 1}})
	cur, err := c.Find(ctx, bson.M{"maker": "m"})
	if err == nil {
		_ = cur.Close(ctx)
	}
	cmds := rec.Commands()
	if len(cmds) != 3 {
		t.Fatalf("want 3 commands, got %d: %+v", len(cmds), cmds)
	}
	if !cmds[0].ByID() || !cmds[1].ByID() {
		t.Errorf("find and update by _id should count as lookups by _id: %+v", cmds[:2])
	}
	if cmds[2].ByID() {
		t.Errorf("find by maker is a scan, not a lookup by _id")
	}
	if cmds[0].Collection != "things" {
		t.Errorf("collection = %q", cmds[0].Collection)
	}
}

func TestDataSurvivesAStopAndAStartOnTheSameDataDir(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	open := func() *mongodb.DB {
		db, err := mongodb.Open(ctx, mongodb.Options{Database: "persist", DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	if _, err := db.Database.Collection("c").InsertOne(ctx, bson.M{"_id": "kept"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(ctx); err != nil {
		t.Fatal(err)
	}
	db = open()
	defer db.Close(ctx)
	if err := db.Database.Collection("c").FindOne(ctx, bson.M{"_id": "kept"}).Err(); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

func TestAServerThatIsDownIsReportedAsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := mongodb.Open(ctx, mongodb.Options{URI: "mongodb://127.0.0.1:1/?connect=direct", Database: "x", Timeout: 300 * time.Millisecond})
	if err == nil {
		t.Fatal("want an error from a closed port")
	}
	classified := mongodb.Classify("ping", err)
	if !errors.Is(classified, err) && problem.KindOf(classified) != problem.KindUnavailable {
		t.Fatalf("want unavailable, got %v", classified)
	}
	if problem.KindOf(classified) != problem.KindUnavailable {
		t.Fatalf("want unavailable kind, got %v (%T)", classified, err)
	}
}

// FerretDB v1 loses concurrent updates to one document unless commands are
// serialised (see Open); these two hold the driver set-up to that.
func TestFiftyConcurrentIncrementsAddFifty(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	c := db.Database.Collection("counters")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "k", "n": 0}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.UpdateOne(ctx, bson.M{"_id": "k"}, bson.M{"$inc": bson.M{"n": 1}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var got struct{ N int }
	if err := c.FindOne(ctx, bson.M{"_id": "k"}).Decode(&got); err != nil || got.N != 50 {
		t.Fatalf("n = %d (%v), want 50", got.N, err)
	}
}

func TestConditionalDecrementsNeverSellMoreThanTheStock(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	c := db.Database.Collection("stock")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "w", "stock": 10}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var sold atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.UpdateOne(ctx, bson.M{"_id": "w", "stock": bson.M{"$gte": 1}}, bson.M{"$inc": bson.M{"stock": -1}})
			if err == nil && r.ModifiedCount == 1 {
				sold.Add(1)
			}
		}()
	}
	wg.Wait()
	var got struct{ Stock int }
	_ = c.FindOne(ctx, bson.M{"_id": "w"}).Decode(&got)
	if sold.Load() != 10 || got.Stock != 0 {
		t.Fatalf("sold %d, stock left %d; want 10 sold and 0 left", sold.Load(), got.Stock)
	}
}

func TestIndexesAreCreatedOnceAndTTLIsSkippedOnFerretDB(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	ixs := []mongodb.Index{
		{Collection: "sessions", Keys: bson.D{{Key: "expires_at", Value: 1}}, TTL: true},
		{Collection: "queue", Keys: bson.D{{Key: "at", Value: 1}}},
	}
	for range 2 {
		if err := db.EnsureIndexes(ctx, ixs); err != nil {
			t.Fatalf("ensure indexes: %v", err)
		}
	}
	specs, err := db.Database.Collection("queue").Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 { // _id and at
		t.Fatalf("want 2 indexes on queue, got %d", len(specs))
	}
}
