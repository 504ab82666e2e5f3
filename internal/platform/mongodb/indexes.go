package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Index is a secondary index a feature declares. Lookups go by _id; these
// serve the few operational scans (queues, expiry sweeps) and let MongoDB
// expire documents on its own.
type Index struct {
	Collection string
	Keys       bson.D
	// TTL makes MongoDB delete a document ExpireAfter past the time in the
	// (single) key field. Embedded FerretDB refuses TTL indexes, so there
	// the index is plain and the feature checks the time itself.
	TTL         bool
	ExpireAfter time.Duration
}

// EnsureIndexes creates the indexes; creating an existing one is a no-op.
func (db *DB) EnsureIndexes(ctx context.Context, indexes []Index) error {
	for _, ix := range indexes {
		opts := options.Index()
		if ix.TTL && !db.FerretDB {
			opts.SetExpireAfterSeconds(int32(ix.ExpireAfter.Seconds()))
		}
		_, err := db.Database.Collection(ix.Collection).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.Keys, Options: opts})
		if err != nil {
			return Classify(fmt.Sprintf("create index on %s %v", ix.Collection, ix.Keys), err)
		}
	}
	return nil
}

// NewID returns a random, URL-safe, lower-case document id (80 bits).
func NewID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// IncAtLeastZero applies inc to the document id and returns it as it is
// afterwards; if counter (a dotted field of inc) went below zero, it is put
// back to zero. Both filters are a bare _id: a guard such as
// {counter: {$gte: 1}} would make embedded FerretDB scan the collection.
func IncAtLeastZero(ctx context.Context, coll *mongo.Collection, id string, inc bson.M, counter string) (bson.Raw, error) {
	after := options.FindOneAndUpdate().SetReturnDocument(options.After)
	raw, err := coll.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$inc": inc}, after).Raw()
	if err != nil {
		return nil, err
	}
	if n, ok := raw.Lookup(strings.Split(counter, ".")...).AsInt64OK(); ok && n < 0 {
		return coll.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$max": bson.M{counter: 0}}, after).Raw()
	}
	return raw, nil
}
