package indexqueue

import (
	"context"
	"fmt"
	"time"

	"guildhall/internal/platform/search"
)

// Signals (a favourite, a follow, a like) move a counter on a document the
// index already holds. Pushing each one at once cost a page's time ten
// times over, and a popular work favourited by dozens at once queued them
// all on the index. So a signal's intent is recorded as durably as any
// write, and its push waits up to Options.SignalsEvery to share one batch
// (one read by _id and one index call per document, however many signals
// it had). A process that dies before the batch leaves the intents, which
// the worker applies after Options.Grace: nothing is lost, only delayed.

// maxSignalBatch flushes a batch early when this many documents wait.
const maxSignalBatch = 500

// pending is one document waiting for the next batch, under the token of
// the intent its latest signal recorded.
type pending struct {
	kind, ref, token string
}

// Signal runs write under an intent for kind/id, like Write, and pushes the
// document as MongoDB then holds it with the next batch of signals. With
// Options.SignalsEvery zero it pushes at once.
func (q *Queue) Signal(ctx context.Context, kind, id string, write func(ctx context.Context) error) error {
	token, err := q.record(ctx, kind, id)
	if err != nil {
		return err
	}
	if err := write(ctx); err != nil {
		return err // the intent stays; the worker re-reads whatever MongoDB now holds
	}
	if q.opt.SignalsEvery <= 0 {
		if err := q.apply(ctx, intent{ID: kind + ":" + id, Kind: kind, Ref: id, Token: token}); err != nil {
			q.opt.Logger.WarnContext(ctx, "search index behind, left for the worker", "kind", kind, "id", id, "err", err)
		}
		return nil
	}
	q.later(pending{kind: kind, ref: id, token: token})
	return nil
}

// later adds p to the next batch, starting its timer when it is the first.
func (q *Queue) later(p pending) {
	q.sigMu.Lock()
	defer q.sigMu.Unlock()
	if q.waiting == nil {
		q.waiting = map[string]pending{}
	}
	q.waiting[p.kind+":"+p.ref] = p // a later signal's token replaces an earlier one's
	switch {
	case len(q.waiting) >= maxSignalBatch:
		go q.Flush(context.Background())
	case len(q.waiting) == 1:
		time.AfterFunc(q.opt.SignalsEvery, func() { q.Flush(context.Background()) })
	}
}

// Flush pushes every document waiting for a batch now and returns once the
// index has them (tests use it to read their own signals; the timer calls
// it otherwise). Batches run one at a time: one batch's read of a document
// always precedes the next batch's, so an older read never lands last.
func (q *Queue) Flush(ctx context.Context) error {
	q.flushMu.Lock()
	defer q.flushMu.Unlock()
	q.sigMu.Lock()
	batch := q.waiting
	q.waiting = nil
	q.sigMu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx) // a batch holds others' signals too
	byKind := map[string][]pending{}
	for _, p := range batch {
		byKind[p.kind] = append(byKind[p.kind], p)
	}
	var first error
	for kind, ps := range byKind {
		if err := q.pushBatch(ctx, kind, ps); err != nil {
			q.opt.Logger.WarnContext(ctx, "search index behind, signals left for the worker", "kind", kind, "documents", len(ps), "err", err)
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// pushBatch projects each document from MongoDB as it is now and sends them
// to the index in one upsert and one delete, then clears their intents.
// Each read and each index call has the push timeout of its own.
func (q *Queue) pushBatch(ctx context.Context, kind string, ps []pending) error {
	var docs []search.Document
	var gone []string
	for _, p := range ps {
		readCtx, cancel := context.WithTimeout(ctx, q.opt.PushTimeout)
		doc, ok, err := q.Load(readCtx, kind, p.ref)
		cancel()
		if err != nil {
			return err
		}
		if ok {
			docs = append(docs, doc)
		} else {
			gone = append(gone, p.ref)
		}
	}
	if len(docs) > 0 {
		pushCtx, cancel := context.WithTimeout(ctx, q.opt.PushTimeout)
		err := q.index.Upsert(pushCtx, kind, docs...)
		cancel()
		if err != nil {
			return fmt.Errorf("push %d %s: %w", len(docs), kind, err)
		}
	}
	if len(gone) > 0 {
		pushCtx, cancel := context.WithTimeout(ctx, q.opt.PushTimeout)
		err := q.index.Delete(pushCtx, kind, gone...)
		cancel()
		if err != nil {
			return fmt.Errorf("remove %d %s: %w", len(gone), kind, err)
		}
	}
	for _, p := range ps {
		q.clear(ctx, kind, p.ref, p.token)
	}
	return nil
}
