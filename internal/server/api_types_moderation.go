package server

import (
	"time"

	"guildhall/internal/moderation"
)

// reportJSON is a report as moderators see it.
type reportJSON struct {
	ID             string             `json:"id"`
	Status         string             `json:"status"`
	Target         reportTargetJSON   `json:"target"`
	Reason         string             `json:"reason"`
	Note           string             `json:"note"`
	ReporterID     string             `json:"reporter_id"`
	ReporterHandle string             `json:"reporter_handle"`
	Reporters      int                `json:"reporters"`
	History        []reportActionJSON `json:"history"`
	CreatedAt      time.Time          `json:"created_at"`
	UpdatedAt      time.Time          `json:"updated_at"`
}

// reportTargetJSON is what a report is about.
type reportTargetJSON struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	GroupID  string `json:"group_id"`
	AuthorID string `json:"author_id"`
	Preview  string `json:"preview"`
	URL      string `json:"url"`
}

// reportActionJSON is one line of a report's history.
type reportActionJSON struct {
	At          time.Time `json:"at"`
	ActorID     string    `json:"actor_id"`
	ActorHandle string    `json:"actor_handle"`
	Action      string    `json:"action"`
	Reason      string    `json:"reason,omitempty"` // on "reported" and "reopened"
	Note        string    `json:"note"`
}

func reportActionOut(a moderation.Action) reportActionJSON {
	return reportActionJSON{At: a.At, ActorID: a.ActorID, ActorHandle: a.ActorHandle, Action: a.Action, Reason: a.Reason, Note: a.Note}
}

func reportOut(r moderation.Report) reportJSON {
	t := r.Target
	return reportJSON{ID: r.ID, Status: r.Status,
		Target: reportTargetJSON{Type: t.Type, ID: t.ID, GroupID: t.GroupID, AuthorID: t.AuthorID, Preview: t.Preview, URL: t.URL},
		Reason: r.Reason, Note: r.Note, ReporterID: r.ReporterID, ReporterHandle: r.ReporterHandle, Reporters: r.Reporters,
		History: listOut(r.History, reportActionOut), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type reportResponse struct {
	Report *reportJSON `json:"report"`
}

func reportResponseOut(r *moderation.Report) reportResponse {
	if r == nil {
		return reportResponse{}
	}
	out := reportOut(*r)
	return reportResponse{Report: &out}
}

// auditEntryJSON is one line of the audit trail.
type auditEntryJSON struct {
	ID          string    `json:"id"`
	GroupID     string    `json:"group_id"`
	ActorID     string    `json:"actor_id"`
	ActorHandle string    `json:"actor_handle"`
	Action      string    `json:"action"`
	TargetType  string    `json:"target_type"`
	TargetID    string    `json:"target_id"`
	Note        string    `json:"note"`
	At          time.Time `json:"at"`
}

func auditEntryOut(e moderation.Entry) auditEntryJSON {
	return auditEntryJSON{ID: e.ID, GroupID: e.GroupID, ActorID: e.ActorID, ActorHandle: e.ActorHandle, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, Note: e.Note, At: e.At}
}

type reportInputJSON struct {
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	Reason     string `json:"reason"`
	Note       string `json:"note"`
}

func (in reportInputJSON) input() moderation.ReportInput {
	return moderation.ReportInput{TargetType: in.TargetType, TargetID: in.TargetID, Reason: in.Reason, Note: in.Note}
}

// decisionJSON resolves or dismisses a report.
type decisionJSON struct {
	Action string `json:"action"`
	Note   string `json:"note"`
}
