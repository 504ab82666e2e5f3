package mongodb_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/mongodb/mongodbtest"
)

func fillBig(tb testing.TB, db *mongodb.DB, n int) {
	tb.Helper()
	docs := make([]any, n)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("doc:%d", i), "body": strings.Repeat("x", 2000)}
	}
	if _, err := db.Database.Collection("big").InsertMany(context.Background(), docs); err != nil {
		tb.Fatal(err)
	}
}

func TestLookupsByIDUseAnIndexOnEmbeddedFerretDB(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	fillBig(t, db, 200)
	added, err := db.IndexKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !db.Embedded {
		if added != 0 {
			t.Fatalf("on MongoDB IndexKeys added %d indexes", added)
		}
		return // MongoDB's _id index serves lookups already
	}
	if added < 1 {
		t.Fatalf("IndexKeys added %d indexes, want one per collection", added)
	}
	if again, err := db.IndexKeys(ctx); err != nil || again != 0 {
		t.Fatalf("a second IndexKeys added %d (%v), want none", again, err)
	}
	conn, err := sql.Open("sqlite", "file:"+mongodb.SQLiteFile(db)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var table string
	if err := conn.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'big'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	// The query FerretDB runs for a filter of exactly {_id: <string>}.
	rows, err := conn.Query(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "`+table+`" WHERE _ferretdb_sjson->'$._id' = ? LIMIT 1`, `"doc:199"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "; "), "USING INDEX "+table+"_key_lookup") {
		t.Fatalf("a lookup by _id does not use the key index: %v", plan)
	}
	var got bson.M
	if err := db.Database.Collection("big").FindOne(ctx, bson.M{"_id": "doc:199"}).Decode(&got); err != nil || got["_id"] != "doc:199" {
		t.Fatalf("lookup through the index: %v %v", got["_id"], err)
	}
}

// BenchmarkLookupByIDOfTheLastOf2000Documents reads the document written
// last, the one a scan meets last.
func BenchmarkLookupByIDOfTheLastOf2000Documents(b *testing.B) {
	db := mongodbtest.MustOpen(b)
	fillBig(b, db, 2000)
	if _, err := db.IndexKeys(context.Background()); err != nil {
		b.Fatal(err)
	}
	c := db.Database.Collection("big")
	for b.Loop() {
		if err := c.FindOne(context.Background(), bson.M{"_id": "doc:1999"}).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestACounterNeverGoesBelowZero(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	c := db.Database.Collection("counters")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "w1", "counts": bson.M{"likes": 1}}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		delta int
		want  int64
	}{{-1, 0}, {-1, 0}, {2, 2}, {-1, 1}} {
		raw, err := mongodb.IncAtLeastZero(ctx, c, "w1", bson.M{"counts.likes": step.delta}, "counts.likes")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := raw.Lookup("counts", "likes").AsInt64OK(); got != step.want {
			t.Fatalf("after %+d: %d, want %d", step.delta, got, step.want)
		}
	}
	if _, err := mongodb.IncAtLeastZero(ctx, c, "nope", bson.M{"n": 1}, "n"); !mongodb.IsNotFound(err) {
		t.Fatalf("a missing document: %v, want not found", err)
	}
}
