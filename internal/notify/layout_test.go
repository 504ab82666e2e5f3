package notify_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb/mongodbtest"
)

// The bucket layout relies on FerretDB treating dotted paths through map
// keys ("items.n17") as MongoDB does, in $set and in the upsert that
// creates the bucket. It does, in filters too: {_id, "items.n17.read":
// false} matches as on MongoDB. (Such a filter is not used, though: with
// more than _id in it FerretDB scans the collection; see inbox in store.go.)
func TestFerretDBSetsAndFiltersDottedPathsThroughMapKeys(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	c := db.Database.Collection("layout_probe")
	upsert := options.UpdateOne().SetUpsert(true)
	for _, k := range []string{"n1", "n2", "n17"} {
		_, err := c.UpdateOne(ctx, bson.M{"_id": "u:0"},
			bson.M{"$set": bson.M{"items." + k: bson.M{"title": k, "read": false}}, "$setOnInsert": bson.M{"user": "u", "bucket": 0}}, upsert)
		if err != nil {
			t.Fatalf("upsert item %s: %v", k, err)
		}
	}
	mark := func(k string) int64 {
		r, err := c.UpdateOne(ctx, bson.M{"_id": "u:0", "items." + k + ".read": false}, bson.M{"$set": bson.M{"items." + k + ".read": true}})
		if err != nil {
			t.Fatalf("mark %s: %v", k, err)
		}
		return r.ModifiedCount
	}
	if n := mark("n17"); n != 1 {
		t.Fatalf("first mark of n17 modified %d, want 1", n)
	}
	if n := mark("n17"); n != 0 {
		t.Fatalf("second mark of n17 modified %d, want 0 (the filter must see read: true)", n)
	}
	if n := mark("n99"); n != 0 {
		t.Fatalf("marking a missing item modified %d, want 0", n)
	}
	var got struct {
		User  string `bson:"user"`
		Items map[string]struct {
			Title string `bson:"title"`
			Read  bool   `bson:"read"`
		} `bson:"items"`
	}
	if err := c.FindOne(ctx, bson.M{"_id": bson.M{"$in": bson.A{"u:0", "u:1"}}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.User != "u" || len(got.Items) != 3 || !got.Items["n17"].Read || got.Items["n1"].Read || got.Items["n2"].Title != "n2" {
		t.Fatalf("bucket = %+v", got)
	}
	if _, ok := got.Items["n99"]; ok {
		t.Fatal("a conditional update on a missing item created it")
	}
}
