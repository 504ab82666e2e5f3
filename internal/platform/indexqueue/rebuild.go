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
	project, coll := q.projects[kind], q.sources[kind]
	q.mu.RUnlock()
	if project == nil {
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
	// The size is only for the progress bar: FerretDB counts by reading the
	// whole collection, so a count that fails or times out is not an error.
	total, err := source.EstimatedDocumentCount(ctx)
	if err != nil {
		total = 0
	}
	// One cursor over the documents in _id order, projected as they come:
	// re-querying "after the last id" for every batch, or reading each
	// document again by _id, made 10,000 works take minutes on FerretDB.
	filter := bson.M{}
	if mark.Last != "" {
		filter["_id"] = bson.M{"$gt": mark.Last}
	}
	cur, err := source.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(rebuildBatch))
	if err != nil {
		return mark.Done, mongodb.Classify("read "+coll, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	batch := make([]bson.Raw, 0, rebuildBatch)
	for {
		more := cur.Next(ctx)
		if more {
			batch = append(batch, append(bson.Raw(nil), cur.Current...))
		}
		if len(batch) == rebuildBatch || (!more && len(batch) > 0) {
			last, err := q.rebuildBatch(ctx, kind, project, batch)
			if err != nil {
				return mark.Done, err
			}
			mark.Last, mark.Done = last, mark.Done+int64(len(batch))
			batch = batch[:0]
			if _, err := marks.UpdateOne(ctx, bson.M{"_id": kind}, bson.M{"$set": bson.M{"last": mark.Last, "done": mark.Done}},
				options.UpdateOne().SetUpsert(true)); err != nil {
				return mark.Done, mongodb.Classify("save rebuild mark "+kind, err)
			}
			if progress != nil {
				progress(mark.Done, total)
			}
		}
		if !more {
			if err := cur.Err(); err != nil {
				return mark.Done, mongodb.Classify("read "+coll, err)
			}
			_, err := marks.DeleteOne(ctx, bson.M{"_id": kind})
			return mark.Done, mongodb.Classify("finish rebuild "+kind, err)
		}
	}
}

// rebuildBatch projects stored documents and writes them to the index; it
// returns the last _id.
func (q *Queue) rebuildBatch(ctx context.Context, kind string, project Projector, raws []bson.Raw) (string, error) {
	var upserts []search.Document
	var gone []string
	last := ""
	for _, raw := range raws {
		id, _ := raw.Lookup("_id").StringValueOK()
		last = id
		doc, ok, err := project(raw)
		if err != nil {
			return "", fmt.Errorf("rebuild %s %s: %w", kind, id, err)
		}
		if ok {
			upserts = append(upserts, doc)
		} else {
			gone = append(gone, id)
		}
	}
	if len(upserts) > 0 {
		if err := q.index.Upsert(ctx, kind, upserts...); err != nil {
			return "", fmt.Errorf("rebuild %s: %w", kind, err)
		}
	}
	if len(gone) > 0 {
		if err := q.index.Delete(ctx, kind, gone...); err != nil {
			return "", fmt.Errorf("rebuild %s: %w", kind, err)
		}
	}
	return last, nil
}
