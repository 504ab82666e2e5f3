package moderation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// Decisions a moderator may take on an open report, and the audit actions
// that record them.
const (
	DecisionResolve = "resolve"
	DecisionDismiss = "dismiss"

	AuditResolveReport = "resolve_report"
	AuditDismissReport = "dismiss_report"
)

// decisions maps a decision to the status it leaves, its history action and
// its audit action.
var decisions = map[string]struct{ status, history, audit string }{
	DecisionResolve: {StatusResolved, ActionResolved, AuditResolveReport},
	DecisionDismiss: {StatusDismissed, ActionDismissed, AuditDismissReport},
}

// Decide resolves or dismisses a report. Admins may decide any report, a
// group's moderators the reports on their group's posts; anyone else gets a
// 404 when they could not even see the reported thing, else a 403. Deciding
// a decided report the same way again changes nothing; the other way is a
// conflict (a new report reopens it first).
func (s *Service) Decide(ctx context.Context, u *account.User, reportID, action, note string) (*Report, error) {
	d, ok := decisions[action]
	f := map[string]string{}
	if !ok {
		f["action"] = "action_unknown"
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxNote {
		f["note"] = "too_long"
	}
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	r, err := s.find(ctx, reportID)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, problem.NotFound("report")
	}
	if err := s.mayDecide(ctx, u, r); err != nil {
		return nil, fmt.Errorf("decide report %s: %w", reportID, err)
	}
	if r.Status != StatusOpen {
		return settled(r, d.status)
	}

	won := false
	err = s.queue.Write(ctx, ReportsKind, r.ID, func(ctx context.Context) (search.Document, error) {
		for attempt := 0; attempt < fileAttempts; attempt++ {
			now := s.clock()
			line := Action{At: now, ActorID: u.ID, ActorHandle: u.Handle, Action: d.history, Note: note}
			// Conditional on the status read: of moderators deciding at once,
			// one update matches and the others find it decided.
			after, err := s.update(ctx, "decide report "+r.ID, bson.M{"_id": r.ID, "status": StatusOpen},
				bson.M{"$set": bson.M{"status": d.status, "updated_at": now}, "$push": bson.M{"history": line}})
			if err != nil {
				return nil, err
			}
			if after != nil {
				r, won = after, true
				return r.document()
			}
			cur, err := s.find(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			if cur == nil {
				r = nil
				return nil, nil
			}
			r = cur
			if r.Status != StatusOpen {
				return r.document() // someone else decided: push what they wrote
			}
			// Decided and reopened in between: try again on the new round.
		}
		return nil, problem.Conflict("report_busy", "", "report_busy")
	})
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, problem.NotFound("report")
	}
	if !won {
		return settled(r, d.status)
	}
	// The audit entry goes after the report's update, so the trail never
	// shows a decision that did not happen, and only the winner of a race
	// writes one. A crash between the two leaves the report decided, with
	// the decision (who, when, note) in its History, but no line in the
	// audit trail; the action itself is done, so a failure here is logged
	// rather than returned (a retry would be a no-op and write nothing).
	e := Entry{GroupID: r.Target.GroupID, ActorID: u.ID, ActorHandle: u.Handle, Action: d.audit,
		TargetType: r.Target.Type, TargetID: r.Target.ID, Note: note, At: r.UpdatedAt}
	if err := s.Record(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "audit entry for a report decision lost", "report", r.ID, "action", d.audit,
			"actor", u.ID, "err", err)
	}
	return r.report(), nil
}

// settled answers a decision on a report already decided: the same
// decision is a no-op, the other one a conflict.
func settled(r *stored, status string) (*Report, error) {
	if r.Status == status {
		return r.report(), nil
	}
	return nil, problem.Conflict("report_decided", "action", "report_decided")
}

// mayDecide allows admins and the moderators of the report's group. To
// anyone else a report on something they cannot see does not exist.
func (s *Service) mayDecide(ctx context.Context, u *account.User, r *stored) error {
	if u == nil {
		return problem.Unauthorized("unauthenticated", "sign_in_required")
	}
	if u.HasRole(account.RoleAdmin) {
		return nil
	}
	groups, err := s.mods.Moderates(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("groups moderated by %s: %w", u.ID, err)
	}
	if r.Target.GroupID != "" && slices.Contains(groups, r.Target.GroupID) {
		return nil
	}
	if _, err := s.targets.Target(ctx, u, r.Target.Type, r.Target.ID); err != nil {
		if problem.KindOf(err) == problem.KindNotFound {
			return problem.NotFound("report")
		}
		return err
	}
	return problem.Forbidden("not_a_moderator")
}
