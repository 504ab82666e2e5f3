package indexqueue

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
)

// ProgressCollection remembers how far a rebuild got, so a rebuild that was
// stopped resumes where it stopped.
const ProgressCollection = "index_rebuilds"

const rebuildBatch = 200

// Kinds returns the registered kinds, sorted.
func (q *Queue) Kinds() []string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	kinds := make([]string, 0, len(q.sources))
	for k := range q.sources {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Rebuild re-reads every document of kind from MongoDB, in _id order and in
// batches, and writes the index from it. It resumes after the last batch a
// previous run finished unless restart is set. progress gets the documents
// done so far (this run and before) and the collection's estimated size.
// This is the one place allowed to read a whole collection.
func (q *Queue) Rebuild(ctx context.Context, kind string, restart bool, progress func(done, total int64)) (int64, error) {
	q.mu.RLock()
	load, coll := q.loaders[kind], q.sources[kind]
	q.mu.RUnlock()
	if load == nil {
		return 0, fmt.Errorf("rebuild %s: %w", kind, search.ErrUnknownKind)
	}
	source := q.coll.Database().Collection(coll)
	marks := q.coll.Database().Collection(ProgressCollection)
	var mark struct {
		Last string `bson:"last"`
		Done int64  `bson:"done"`
	}
	if restart {
		if _, err := marks.DeleteOne(ctx, bson.M{"_id": kind}); err != nil {
			return 0, mongodb.Classify("reset rebuild "+kind, err)
		}
	} else if err := marks.FindOne(ctx, bson.M{"_id": kind}).Decode(&mark); err != nil && !mongodb.IsNotFound(err) {
		return 0, mongodb.Classify("read rebuild mark "+kind, err)
	}
	total, err := source.EstimatedDocumentCount(ctx)
	if err != nil {
		return 0, mongodb.Classify("count "+coll, err)
	}
	for {
		filter := bson.M{}
		if mark.Last != "" {
			filter["_id"] = bson.M{"$gt": mark.Last}
		}
		cur, err := source.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).
			SetLimit(rebuildBatch).SetProjection(bson.M{"_id": 1}))
		if err != nil {
			return mark.Done, mongodb.Classify("read "+coll, err)
		}
		var ids []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(ctx, &ids); err != nil {
			return mark.Done, mongodb.Classify("read "+coll, err)
		}
		if len(ids) == 0 {
			_, err := marks.DeleteOne(ctx, bson.M{"_id": kind})
			return mark.Done, mongodb.Classify("finish rebuild "+kind, err)
		}
		var upserts []search.Document
		var gone []string
		for _, r := range ids {
			doc, ok, err := load(ctx, r.ID)
			if err != nil {
				return mark.Done, fmt.Errorf("rebuild %s: %w", kind, err)
			}
			if ok {
				upserts = append(upserts, doc)
			} else {
				gone = append(gone, r.ID)
			}
		}
		if len(upserts) > 0 {
			if err := q.index.Upsert(ctx, kind, upserts...); err != nil {
				return mark.Done, fmt.Errorf("rebuild %s: %w", kind, err)
			}
		}
		if len(gone) > 0 {
			if err := q.index.Delete(ctx, kind, gone...); err != nil {
				return mark.Done, fmt.Errorf("rebuild %s: %w", kind, err)
			}
		}
		mark.Last, mark.Done = ids[len(ids)-1].ID, mark.Done+int64(len(ids))
		if _, err := marks.UpdateOne(ctx, bson.M{"_id": kind}, bson.M{"$set": bson.M{"last": mark.Last, "done": mark.Done}},
			options.UpdateOne().SetUpsert(true)); err != nil {
			return mark.Done, mongodb.Classify("save rebuild mark "+kind, err)
		}
		if progress != nil {
			progress(mark.Done, total)
		}
	}
}
