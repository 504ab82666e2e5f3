package moderation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// History actions of a report.
const (
	ActionReported  = "reported"
	ActionReopened  = "reopened"
	ActionResolved  = "resolved"
	ActionDismissed = "dismissed"
)

const (
	maxNote = 1000 // runes
	// maxNotedReporters bounds how many joining reporters get a line (with
	// their reason and note) in History. Past it a pile-on only counts, so
	// a brigade cannot grow the document towards MongoDB's 16 MB limit.
	maxNotedReporters = 50
	// fileAttempts bounds the retries of a report that others keep changing
	// between our read and our conditional write.
	fileAttempts = 8
)

// ReportInput is what a person reporting something sends.
type ReportInput struct {
	TargetType string
	TargetID   string
	Reason     string
	Note       string
}

func (in *ReportInput) validate() error {
	f := map[string]string{}
	switch {
	case in.TargetType == "":
		f["target_type"] = "required"
	case !slices.Contains(targetTypes, in.TargetType):
		f["target_type"] = "target_type_unknown"
	}
	in.TargetID = strings.TrimSpace(in.TargetID)
	if in.TargetID == "" {
		f["target_id"] = "required"
	}
	switch {
	case in.Reason == "":
		f["reason"] = "required"
	case !slices.Contains(reasons, in.Reason):
		f["reason"] = "reason_unknown"
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > maxNote {
		f["note"] = "too_long"
	}
	if len(f) > 0 {
		return problem.Invalid(f)
	}
	return nil
}

// Action is one line of a report's history: who reported, reopened,
// resolved or dismissed it, when, and why.
type Action struct {
	At          time.Time `bson:"at"`
	ActorID     string    `bson:"actor_id"`
	ActorHandle string    `bson:"actor_handle"`
	Action      string    `bson:"action"`
	Reason      string    `bson:"reason,omitempty"` // on "reported" and "reopened"
	Note        string    `bson:"note"`
}

// Report is a report as moderators see it. Reason, Note and the reporter
// are those of whoever opened the current round; Reporters counts everyone
// who reported the target in this round, and History has each one's reason
// and note (up to maxNotedReporters).
type Report struct {
	ID             string
	Status         string
	Target         Target
	Reason         string
	Note           string
	ReporterID     string
	ReporterHandle string
	Reporters      int
	History        []Action
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Open reports whether the report waits for a decision.
func (r Report) Open() bool { return r.Status == StatusOpen }

// BySystem reports whether the platform filed the report itself (or its
// reporter's account is gone).
func (r Report) BySystem() bool { return r.ReporterID == SystemReporter || r.ReporterHandle == "" }

// Decision reports whether the action closed the report.
func (a Action) Decision() bool { return a.Action == ActionResolved || a.Action == ActionDismissed }

// stored is a report as MongoDB holds it: the reporters themselves, so a
// second report by the same person is recognised and changes nothing.
type stored struct {
	ID             string    `bson:"_id"`
	Status         string    `bson:"status"`
	Target         Target    `bson:"target"`
	Reason         string    `bson:"reason"`
	Note           string    `bson:"note"`
	ReporterID     string    `bson:"reporter_id"`
	ReporterHandle string    `bson:"reporter_handle"`
	Reporters      []string  `bson:"reporters"`
	History        []Action  `bson:"history"`
	CreatedAt      time.Time `bson:"created_at"`
	UpdatedAt      time.Time `bson:"updated_at"`
}

func (r *stored) report() *Report {
	return &Report{ID: r.ID, Status: r.Status, Target: r.Target, Reason: r.Reason, Note: r.Note,
		ReporterID: r.ReporterID, ReporterHandle: r.ReporterHandle, Reporters: len(r.Reporters),
		History: append([]Action{}, r.History...), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// receipt is what the reporter gets back: the report's state and their own
// words, never the other reporters, the moderators' notes or the target's
// preview (the target may have been deleted since; moderators still see
// its text, the reporter must not).
func (r *stored) receipt(by actor, reason, note string) *Report {
	t := Target{Type: r.Target.Type, ID: r.Target.ID, URL: r.Target.URL}
	return &Report{ID: r.ID, Status: r.Status, Target: t, Reason: reason, Note: note,
		ReporterID: by.ID, ReporterHandle: by.Handle, Reporters: len(r.Reporters), History: []Action{},
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// actor is whoever files a report: a user, or the system.
type actor struct{ ID, Handle string }

func reportID(typ, id string) string { return typ + ":" + id }

// Report files a report by reporter on a target they can see. One report
// per target: a second reporter joins the open report, the same reporter
// again changes nothing, and a report on a decided target reopens it.
func (s *Service) Report(ctx context.Context, reporter *account.User, in ReportInput) (*Report, error) {
	if reporter == nil {
		return nil, problem.Unauthorized("unauthenticated", "sign_in_required")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	t, err := s.targets.Target(ctx, reporter, in.TargetType, in.TargetID)
	if err != nil {
		return nil, fmt.Errorf("report %s %s: %w", in.TargetType, in.TargetID, err)
	}
	// The adapter's id is canonical (a handle in any case names one user),
	// so every report on one thing lands in one report document.
	t.Type = in.TargetType
	if t.ID == "" {
		t.ID = in.TargetID
	}
	by := actor{ID: reporter.ID, Handle: reporter.Handle}
	r, err := s.file(ctx, by, t, in.Reason, in.Note)
	if err != nil {
		return nil, err
	}
	return r.receipt(by, in.Reason, in.Note), nil
}

// Flag files a report by the system on a post the detector flagged (reason
// e.g. "off_platform"). It is idempotent like a person's report: flagging
// the same post again while its report is open changes nothing.
func (s *Service) Flag(ctx context.Context, t Target, reason string) error {
	f := map[string]string{}
	if !slices.Contains(targetTypes, t.Type) {
		f["target_type"] = "target_type_unknown"
	}
	if t.ID == "" {
		f["target_id"] = "required"
	}
	if !slices.Contains(reasons, reason) {
		f["reason"] = "reason_unknown"
	}
	if len(f) > 0 {
		return fmt.Errorf("flag %s %s: %w", t.Type, t.ID, problem.Invalid(f))
	}
	_, err := s.file(ctx, actor{ID: SystemReporter, Handle: SystemReporter}, t, reason, "")
	return err
}

// file creates, joins or reopens the report on t. The common case, the same
// person reporting an open report again, is answered from one read without
// a write. Every other case writes under an index intent, with conditional
// single-document updates so concurrent reporters and moderators never
// overwrite each other: a write that finds the report changed re-reads it
// and tries again.
func (s *Service) file(ctx context.Context, by actor, t Target, reason, note string) (*stored, error) {
	id := reportID(t.Type, t.ID)
	cur, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.Status == StatusOpen && slices.Contains(cur.Reporters, by.ID) {
		return cur, nil
	}
	var out *stored
	err = s.queue.Write(ctx, ReportsKind, id, func(ctx context.Context) (search.Document, error) {
		for attempt := 0; attempt < fileAttempts; attempt++ {
			var err error
			if attempt > 0 {
				if cur, err = s.find(ctx, id); err != nil {
					return nil, err
				}
			}
			now := s.clock()
			line := Action{At: now, ActorID: by.ID, ActorHandle: by.Handle, Reason: reason, Note: note}
			var r *stored
			switch {
			case cur == nil:
				line.Action = ActionReported
				r, err = s.create(ctx, &stored{ID: id, Status: StatusOpen, Target: t, Reason: reason, Note: note,
					ReporterID: by.ID, ReporterHandle: by.Handle, Reporters: []string{by.ID},
					History: []Action{line}, CreatedAt: now, UpdatedAt: now})
			case cur.Status == StatusOpen && slices.Contains(cur.Reporters, by.ID):
				r = cur // the same person, racing with themselves
			case cur.Status == StatusOpen:
				line.Action = ActionReported
				r, err = s.join(ctx, cur, by, line)
			default:
				line.Action = ActionReopened
				r, err = s.reopen(ctx, cur, by, t, line)
			}
			if err != nil {
				return nil, err
			}
			if r != nil {
				out = r
				return r.document()
			}
		}
		return nil, problem.Conflict("report_busy", "", "report_busy")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// create inserts a new report; nil when someone else created it first.
func (s *Service) create(ctx context.Context, r *stored) (*stored, error) {
	_, err := s.reports.InsertOne(ctx, r)
	if mongodb.IsDuplicate(err) {
		return nil, nil
	}
	if err != nil {
		return nil, mongodb.Classify("create report "+r.ID, err)
	}
	return r, nil
}

// join adds a reporter to an open report; nil when it is no longer open or
// they were added meanwhile.
func (s *Service) join(ctx context.Context, cur *stored, by actor, line Action) (*stored, error) {
	update := bson.M{"$addToSet": bson.M{"reporters": by.ID}, "$set": bson.M{"updated_at": line.At}}
	if len(cur.Reporters) < maxNotedReporters {
		update["$push"] = bson.M{"history": line}
	}
	// $ne on the array: only a reporter not yet counted adds a history line,
	// so two racing submissions by one person leave one.
	return s.update(ctx, "join report "+cur.ID,
		bson.M{"_id": cur.ID, "status": StatusOpen, "reporters": bson.M{"$ne": by.ID}}, update)
}

// reopen starts a new round on a decided report: the new reporter's target
// view, reason and note, and a fresh count of reporters (the earlier ones
// were answered by the decision; History keeps them). nil when the report
// changed since it was read.
func (s *Service) reopen(ctx context.Context, cur *stored, by actor, t Target, line Action) (*stored, error) {
	return s.update(ctx, "reopen report "+cur.ID,
		bson.M{"_id": cur.ID, "status": cur.Status, "updated_at": cur.UpdatedAt},
		bson.M{"$set": bson.M{"status": StatusOpen, "target": t, "reason": line.Reason, "note": line.Note,
			"reporter_id": by.ID, "reporter_handle": by.Handle, "reporters": []string{by.ID}, "updated_at": line.At},
			"$push": bson.M{"history": line}})
}

// update applies a conditional update and returns the report after it, or
// nil when the condition no longer holds.
func (s *Service) update(ctx context.Context, op string, filter, update bson.M) (*stored, error) {
	var r stored
	err := s.reports.FindOneAndUpdate(ctx, filter, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&r)
	if mongodb.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, mongodb.Classify(op, err)
	}
	return &r, nil
}

// find reads a report by _id; nil when there is none.
func (s *Service) find(ctx context.Context, id string) (*stored, error) {
	var r stored
	err := s.reports.FindOne(ctx, bson.M{"_id": id}).Decode(&r)
	if mongodb.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, mongodb.Classify("read report "+id, err)
	}
	return &r, nil
}
