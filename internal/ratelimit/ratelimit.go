// Package ratelimit counts attempts in fixed windows stored in MongoDB, so
// every app instance behind a load balancer sees the same counts.
package ratelimit

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Collection holds one small counter document per key and window.
const Collection = "rate_limits"

// Limiter allows a number of events per window for each key.
type Limiter struct {
	coll    *mongo.Collection
	enabled bool
	now     func() time.Time
}

// New returns a limiter; a disabled one allows everything (load tests).
func New(db *mongo.Database, enabled bool) *Limiter {
	return &Limiter{coll: db.Collection(Collection), enabled: enabled, now: time.Now}
}

// Allow counts one event for key and returns a problem.TooMany error, with
// the time left in the window, once more than limit happened in it.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) error {
	if !l.enabled || limit <= 0 {
		return nil
	}
	now := l.now()
	start := now.Truncate(window)
	end := start.Add(window)
	var doc struct {
		Count int `bson:"count"`
	}
	var err error
	// Two first attempts in a window race to insert the counter; the loser
	// gets a duplicate key and its retry increments the winner's document.
	for range 3 {
		err = l.coll.FindOneAndUpdate(ctx,
			bson.M{"_id": key + "@" + start.UTC().Format(time.RFC3339)},
			bson.M{"$inc": bson.M{"count": 1}, "$setOnInsert": bson.M{"expires_at": end}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
		).Decode(&doc)
		if !mongodb.IsDuplicate(err) {
			break
		}
	}
	if err != nil {
		return mongodb.Classify("count rate "+key, err)
	}
	if doc.Count > limit {
		return problem.TooMany(end.Sub(now).Round(time.Second) + time.Second)
	}
	return nil
}

// Sweep deletes finished windows. The collection stays small (one document
// per active key and window), so this scan is one the design allows.
func (l *Limiter) Sweep(ctx context.Context) error {
	_, err := l.coll.DeleteMany(ctx, bson.M{"expires_at": bson.M{"$lte": l.now()}})
	return mongodb.Classify("sweep rate limits", err)
}

// Indexes expire finished windows on MongoDB; Sweep does it on FerretDB.
var Indexes = []mongodb.Index{{Collection: Collection, Keys: bson.D{{Key: "expires_at", Value: 1}}, TTL: true}}
