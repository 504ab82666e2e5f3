package moderation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// Entry is one line of the audit trail: a moderator's or an admin's action
// (pin, lock, hide, delete, ban, promote, approve, a report decided…).
// GroupID is empty for actions outside any group.
type Entry struct {
	ID          string    `bson:"_id"`
	GroupID     string    `bson:"group_id"`
	ActorID     string    `bson:"actor_id"`
	ActorHandle string    `bson:"actor_handle"`
	Action      string    `bson:"action"`
	TargetType  string    `bson:"target_type"`
	TargetID    string    `bson:"target_id"`
	Note        string    `bson:"note"`
	At          time.Time `bson:"at"`
}

// AuditList is one page of the audit trail and the cursor of the next.
type AuditList struct {
	Items      []Entry
	NextCursor *string
	Total      int
}

// Record appends an entry to the audit trail. Entries are never changed:
// each gets a new id (any ID given is ignored), and At defaults to now.
func (s *Service) Record(ctx context.Context, e Entry) error {
	if e.ActorID == "" || e.Action == "" {
		return fmt.Errorf("record audit entry %q by %q: actor and action are required", e.Action, e.ActorID)
	}
	e.ID = mongodb.NewID()
	if e.At.IsZero() {
		e.At = s.clock()
	}
	e.At = e.At.UTC().Truncate(time.Millisecond)
	return s.queue.Write(ctx, AuditKind, e.ID, func(ctx context.Context) (search.Document, error) {
		if _, err := s.audit.InsertOne(ctx, e); err != nil {
			return nil, mongodb.Classify("record audit entry "+e.Action, err)
		}
		return e.document()
	})
}

// Audit lists the audit trail newest first: admins any group's or, with
// groupID "", everything; moderators one of their groups' (groupID
// required); anyone else is forbidden.
func (s *Service) Audit(ctx context.Context, u *account.User, groupID, cursor string, limit int) (*AuditList, error) {
	q, err := pageQuery(cursor, limit, map[string]string{})
	if err != nil {
		return nil, err
	}
	all, groups, err := s.access(ctx, u)
	if err != nil {
		return nil, err
	}
	if !all {
		if groupID == "" {
			return nil, problem.InvalidField("group_id", "required")
		}
		if !slices.Contains(groups, groupID) {
			return nil, problem.Forbidden("not_a_moderator")
		}
	}
	if groupID != "" {
		q.Filters = []search.Filter{{Field: "group_id", Values: []any{groupID}}}
	}
	q.Sort = []search.Sort{{Field: "at", Desc: true}}
	res, err := s.index.Search(ctx, AuditKind, q)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("list audit entries: %w", err))
	}
	p := &AuditList{Items: make([]Entry, 0, len(res.Hits)), Total: res.Total,
		NextCursor: search.NextCursor(q.Offset, q.Limit, len(res.Hits), res.Total)}
	for _, h := range res.Hits {
		e, err := entryFrom(h.Document)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, e)
	}
	return p, nil
}
