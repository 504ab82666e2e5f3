// Package moderation is reports, the moderation queue and the audit trail,
// and the detector that reads posts for deals taken off the platform and for
// recruitment (Assess: normalize.go, signals.go, the lexicon/ files and the
// learned model of model.go, trained by `go generate` from testdata/).
//
// A report is one document per reported thing (_id "<type>:<id>"), so
// everyone who reports the same post joins one report instead of flooding
// the queue, and filing is an idempotent write by _id. The queue and the
// audit trail are lists, so they come from the search index; MongoDB is read
// only by _id.
package moderation

import (
	"context"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
)

// Collections and search kinds owned by this feature.
const (
	ReportsCollection = "reports"
	AuditCollection   = "audit"
	ReportsKind       = "reports"
	AuditKind         = "audit"
)

// Target types a report may name.
const (
	TargetThread = "thread"
	TargetReply  = "reply"
	TargetWork   = "work"
	TargetUser   = "user"
)

// Reasons a report may give.
const (
	ReasonSpam        = "spam"
	ReasonOffPlatform = "off_platform"
	ReasonHarassment  = "harassment"
	ReasonCounterfeit = "counterfeit"
	ReasonProhibited  = "prohibited"
	ReasonOther       = "other"
)

// Statuses of a report.
const (
	StatusOpen      = "open"
	StatusResolved  = "resolved"
	StatusDismissed = "dismissed"
)

// SystemReporter is the reporter of reports the platform files itself.
const SystemReporter = "system"

var (
	targetTypes = []string{TargetThread, TargetReply, TargetWork, TargetUser}
	reasons     = []string{ReasonSpam, ReasonOffPlatform, ReasonHarassment, ReasonCounterfeit, ReasonProhibited, ReasonOther}
	statuses    = []string{StatusOpen, StatusResolved, StatusDismissed}
)

// SearchSchemas declare the moderation queue and the audit trail indexes.
var SearchSchemas = []search.Schema{
	{
		Kind:       ReportsKind,
		Searchable: []string{"target_preview", "note", "reporter_handle"},
		Filterable: []string{"status", "group_id", "target_type", "reason"},
		Sortable:   []string{"created_at", "updated_at", "reporters"},
	},
	{
		Kind:       AuditKind,
		Searchable: []string{"note", "actor_handle"},
		Filterable: []string{"group_id", "action"},
		Sortable:   []string{"at"},
	},
}

// Indexes is empty on purpose: reports and audit entries are read by _id,
// and every list of them comes from the search index.
var Indexes []mongodb.Index

// Target is what a report is about, as the reporter may see it. GroupID is
// set for threads and replies (their group's moderators handle them); empty
// for works and users (admins only).
type Target struct {
	Type     string `bson:"type"`
	ID       string `bson:"id"`
	GroupID  string `bson:"group_id"`
	AuthorID string `bson:"author_id"`
	Preview  string `bson:"preview"`
	URL      string `bson:"url"`
}

// Targets resolves a target for viewer: a problem.NotFound error when it
// does not exist or viewer may not see it (a private group's thread is a 404
// to a non-member, never a 403). Implemented over the community, work and
// account features.
type Targets interface {
	Target(ctx context.Context, viewer *account.User, typ, id string) (Target, error)
}

// Moderators tells which groups userID moderates (owner or moderator role,
// active). Implemented by the community feature with one read by _id.
type Moderators interface {
	Moderates(ctx context.Context, userID string) ([]string, error)
}

// Deps are what moderation builds on.
type Deps struct {
	Index      search.Index
	Queue      search.Indexer
	Targets    Targets
	Moderators Moderators
}

// Options configure the service.
type Options struct {
	Logger *slog.Logger
}

// Service implements reports, the queue and the audit trail.
type Service struct {
	reports, audit *mongo.Collection
	index          search.Index
	queue          search.Indexer
	targets        Targets
	mods           Moderators
	log            *slog.Logger
	now            func() time.Time
}

// New returns the moderation service and registers its search kinds.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Service{reports: db.Collection(ReportsCollection), audit: db.Collection(AuditCollection),
		index: d.Index, queue: d.Queue, targets: d.Targets, mods: d.Moderators, log: o.Logger, now: time.Now}
	d.Queue.Register(ReportsKind, ReportsCollection, projectReport)
	d.Queue.Register(AuditKind, AuditCollection, projectEntry)
	return s
}

// clock is the time a write records: UTC, at the millisecond MongoDB keeps,
// so a conditional update on a time read back matches it exactly.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
