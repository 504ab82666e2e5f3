package ratelimit

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Backoff makes repeated failures for one key wait ever longer: the first
// Free cost nothing, then each next try waits First, then twice that, and
// so on up to Max. It counts only the failures Fail reports, so it slows
// the guesser it is keyed to without ever locking anyone out for good.
type Backoff struct {
	Free  int
	First time.Duration
	Max   time.Duration
}

// Delay is how long a key with n failures waits after the last one.
func (b Backoff) Delay(n int) time.Duration {
	if n < b.Free {
		return 0
	}
	d := b.First
	for i := b.Free; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// forgetAfter is how long a key's failures are kept after the last one.
const forgetAfter = 24 * time.Hour

type failures struct {
	Count int       `bson:"count"`
	Last  time.Time `bson:"last"`
}

// Wait returns a problem.TooMany error, with the time left, while key must
// still wait after its failures.
func (l *Limiter) Wait(ctx context.Context, key string, b Backoff) error {
	if !l.enabled {
		return nil
	}
	var f failures
	err := l.coll.FindOne(ctx, bson.M{"_id": backoffID(key)}).Decode(&f)
	if mongodb.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return mongodb.Classify("read failures "+key, err)
	}
	if left := f.Last.Add(b.Delay(f.Count)).Sub(l.now()); left > 0 {
		return problem.TooMany(left.Round(time.Second) + time.Second)
	}
	return nil
}

// Fail counts one failure for key.
func (l *Limiter) Fail(ctx context.Context, key string) error {
	if !l.enabled {
		return nil
	}
	now := l.now()
	var err error
	for range 3 { // two first failures race to insert; the loser's retry increments
		_, err = l.coll.UpdateOne(ctx, bson.M{"_id": backoffID(key)},
			bson.M{"$inc": bson.M{"count": 1}, "$set": bson.M{"last": now, "expires_at": now.Add(forgetAfter)}},
			options.UpdateOne().SetUpsert(true))
		if !mongodb.IsDuplicate(err) {
			break
		}
	}
	return mongodb.Classify("count failure "+key, err)
}

// Forgive clears key's failures, after a success.
func (l *Limiter) Forgive(ctx context.Context, key string) error {
	if !l.enabled {
		return nil
	}
	_, err := l.coll.DeleteOne(ctx, bson.M{"_id": backoffID(key)})
	return mongodb.Classify("forgive failures "+key, err)
}

func backoffID(key string) string { return "backoff:" + key }
