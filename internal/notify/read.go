package notify

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// MaxMarkIDs bounds one MarkRead: a page's worth.
const MaxMarkIDs = MaxLimit

// MarkRead marks the given notifications read. Ids the box has not
// delivered are ignored; a malformed one is problem.InvalidField("ids").
// Only those that were unread move the counter, by -1 each.
//
// It reads the inbox, then adds the still-unread seqs to read_above with
// one findOneAndUpdate by _id ($addToSet $each). The update returns the
// inbox as it was just before, so of two racing marks of one id exactly one
// sees it missing and counts it; and a seq that a racing MarkAllRead
// covered first shows as ≤ read_upto there and is not counted twice.
func (s *Service) MarkRead(ctx context.Context, recipientID string, ids []string) error {
	if len(ids) > MaxMarkIDs {
		return problem.InvalidField("ids", "too_many")
	}
	seqs := make([]int64, 0, len(ids))
	for _, id := range ids {
		seq, ok := parseID(id)
		if !ok {
			return problem.InvalidField("ids", "id_invalid")
		}
		seqs = append(seqs, seq)
	}
	in, err := s.readInbox(ctx, recipientID)
	if err != nil {
		return err
	}
	// Seqs above the head are not delivered yet: marking them now would
	// make them arrive read.
	var mark []int64
	for _, seq := range seqs {
		if seq <= in.Seq && !in.read(seq) && !slices.Contains(mark, seq) {
			mark = append(mark, seq)
		}
	}
	if len(mark) == 0 {
		return nil
	}
	var before inbox
	err = s.inboxes.FindOneAndUpdate(ctx, bson.M{"_id": recipientID},
		bson.M{"$addToSet": bson.M{"read_above": bson.M{"$each": mark}}},
		options.FindOneAndUpdate().SetReturnDocument(options.Before)).Decode(&before)
	if err != nil {
		return mongodb.Classify("mark notifications read "+recipientID, err)
	}
	moved := 0
	for _, seq := range mark {
		if !before.read(seq) {
			moved++
		}
	}
	if err := s.compact(ctx, recipientID, before, mark); err != nil {
		s.log.WarnContext(ctx, "notify: read state not compacted", "user", recipientID, "err", err)
	}
	if moved == 0 {
		return nil
	}
	// The bell before the signal, so a stream woken by it reads the new count.
	err = s.counter.AddUnread(ctx, recipientID, -moved)
	s.broker.signal(recipientID)
	return err
}

// compact folds read_above into read_upto when the oldest unread were the
// ones just marked, so read_above stays short for people who read in
// order. Everything ≤ upto was read at the update, and reads are never
// undone, so the two unconditional operators are safe against any race:
// $max only raises, and $pullAll drops only seqs that read_upto now covers.
func (s *Service) compact(ctx context.Context, recipientID string, before inbox, marked []int64) error {
	read := append(slices.Clone(before.ReadAbove), marked...)
	upto := before.ReadUpto
	for slices.Contains(read, upto+1) {
		upto++
	}
	var drop []int64
	for _, k := range read {
		if k <= upto {
			drop = append(drop, k)
		}
	}
	if upto == before.ReadUpto && len(drop) == 0 {
		return nil
	}
	update := bson.M{"$max": bson.M{"read_upto": upto}}
	if len(drop) > 0 {
		update["$pullAll"] = bson.M{"read_above": drop}
	}
	_, err := s.inboxes.UpdateOne(ctx, bson.M{"_id": recipientID}, update)
	return mongodb.Classify("compact read state "+recipientID, err)
}

// MarkAllRead marks everything delivered so far as read and clears the
// counter: it reads the head (seq S) and raises read_upto to S, dropping
// the read_above seqs S now covers. A notification arriving meanwhile gets
// a seq > S and stays unread. Both operators are unconditional ($max only
// raises; a seq marked read meanwhile stays in read_above and still reads
// as read), so no compare-and-set is needed, and none could be fast:
// FerretDB scans for any filter but {_id}.
//
// The bell is cleared in a separate write after the inbox, so it can drift
// by a delivery racing this call: one that takes its seq after the read
// but moves the bell before ClearUnread leaves the bell one short; one
// that takes its seq before but moves the bell after leaves it one over.
// The inbox stays exact (List's Unread), and the next MarkAllRead clears
// the drift.
func (s *Service) MarkAllRead(ctx context.Context, recipientID string) error {
	in, err := s.readInbox(ctx, recipientID)
	if err != nil {
		return err
	}
	if in.ReadUpto < in.Seq || len(in.ReadAbove) > 0 {
		update := bson.M{"$max": bson.M{"read_upto": in.Seq}}
		if len(in.ReadAbove) > 0 {
			update["$pullAll"] = bson.M{"read_above": in.ReadAbove}
		}
		if _, err := s.inboxes.UpdateOne(ctx, bson.M{"_id": recipientID}, update); err != nil {
			return mongodb.Classify("mark all notifications read "+recipientID, err)
		}
	}
	// Cleared even when the box was read already: it mends a drifted bell.
	if err := s.counter.ClearUnread(ctx, recipientID); err != nil {
		return err
	}
	s.broker.signal(recipientID)
	return nil
}
