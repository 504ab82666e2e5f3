package moderation

import (
	"encoding/json"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/platform/search"
)

// indexedReport is a report as the search index holds it: flat fields to
// filter on, times as seconds to sort on, and everything the queue shows,
// so a page of the queue is one search and no MongoDB read.
type indexedReport struct {
	ID             string          `json:"id"`
	Status         string          `json:"status"`
	TargetType     string          `json:"target_type"`
	TargetID       string          `json:"target_id"`
	GroupID        string          `json:"group_id"`
	TargetAuthorID string          `json:"target_author_id"`
	TargetPreview  string          `json:"target_preview"`
	TargetURL      string          `json:"target_url"`
	Reason         string          `json:"reason"`
	Note           string          `json:"note"`
	ReporterID     string          `json:"reporter_id"`
	ReporterHandle string          `json:"reporter_handle"`
	Reporters      int             `json:"reporters"`
	History        []indexedAction `json:"history"`
	CreatedAt      float64         `json:"created_at"`
	UpdatedAt      float64         `json:"updated_at"`
}

type indexedAction struct {
	At          float64 `json:"at"`
	ActorID     string  `json:"actor_id"`
	ActorHandle string  `json:"actor_handle"`
	Action      string  `json:"action"`
	Reason      string  `json:"reason,omitempty"`
	Note        string  `json:"note"`
}

func (r *stored) document() (search.Document, error) {
	x := indexedReport{ID: r.ID, Status: r.Status, TargetType: r.Target.Type, TargetID: r.Target.ID,
		GroupID: r.Target.GroupID, TargetAuthorID: r.Target.AuthorID, TargetPreview: r.Target.Preview,
		TargetURL: r.Target.URL, Reason: r.Reason, Note: r.Note, ReporterID: r.ReporterID,
		ReporterHandle: r.ReporterHandle, Reporters: len(r.Reporters), History: make([]indexedAction, 0, len(r.History)),
		CreatedAt: search.Seconds(r.CreatedAt), UpdatedAt: search.Seconds(r.UpdatedAt)}
	for _, a := range r.History {
		x.History = append(x.History, indexedAction{At: search.Seconds(a.At), ActorID: a.ActorID, ActorHandle: a.ActorHandle,
			Action: a.Action, Reason: a.Reason, Note: a.Note})
	}
	return toDocument(x)
}

// reportFrom reads a report back from its search document.
func reportFrom(d search.Document) (Report, error) {
	var x indexedReport
	if err := fromDocument(d, &x); err != nil {
		return Report{}, fmt.Errorf("read report %s from search: %w", d.ID(), err)
	}
	r := Report{ID: x.ID, Status: x.Status, Target: Target{Type: x.TargetType, ID: x.TargetID, GroupID: x.GroupID,
		AuthorID: x.TargetAuthorID, Preview: x.TargetPreview, URL: x.TargetURL}, Reason: x.Reason, Note: x.Note,
		ReporterID: x.ReporterID, ReporterHandle: x.ReporterHandle, Reporters: x.Reporters,
		History: make([]Action, 0, len(x.History)), CreatedAt: search.Time(x.CreatedAt), UpdatedAt: search.Time(x.UpdatedAt)}
	for _, a := range x.History {
		r.History = append(r.History, Action{At: search.Time(a.At), ActorID: a.ActorID, ActorHandle: a.ActorHandle,
			Action: a.Action, Reason: a.Reason, Note: a.Note})
	}
	return r, nil
}

func projectReport(raw bson.Raw) (search.Document, bool, error) {
	var r stored
	if err := bson.Unmarshal(raw, &r); err != nil {
		return nil, false, fmt.Errorf("project report: %w", err)
	}
	d, err := r.document()
	return d, err == nil, err
}

// indexedEntry is an audit entry as the search index holds it.
type indexedEntry struct {
	ID          string  `json:"id"`
	GroupID     string  `json:"group_id"`
	ActorID     string  `json:"actor_id"`
	ActorHandle string  `json:"actor_handle"`
	Action      string  `json:"action"`
	TargetType  string  `json:"target_type"`
	TargetID    string  `json:"target_id"`
	Note        string  `json:"note"`
	At          float64 `json:"at"`
}

func (e *Entry) document() (search.Document, error) {
	return toDocument(indexedEntry{ID: e.ID, GroupID: e.GroupID, ActorID: e.ActorID, ActorHandle: e.ActorHandle,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Note: e.Note, At: search.Seconds(e.At)})
}

func entryFrom(d search.Document) (Entry, error) {
	var x indexedEntry
	if err := fromDocument(d, &x); err != nil {
		return Entry{}, fmt.Errorf("read audit entry %s from search: %w", d.ID(), err)
	}
	return Entry{ID: x.ID, GroupID: x.GroupID, ActorID: x.ActorID, ActorHandle: x.ActorHandle, Action: x.Action,
		TargetType: x.TargetType, TargetID: x.TargetID, Note: x.Note, At: search.Time(x.At)}, nil
}

func projectEntry(raw bson.Raw) (search.Document, bool, error) {
	var e Entry
	if err := bson.Unmarshal(raw, &e); err != nil {
		return nil, false, fmt.Errorf("project audit entry: %w", err)
	}
	d, err := e.document()
	return d, err == nil, err
}

// toDocument and fromDocument go through JSON, the shape both search
// engines store and return, so one struct describes each document.
func toDocument(v any) (search.Document, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode search document: %w", err)
	}
	var d search.Document
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("encode search document: %w", err)
	}
	return d, nil
}

func fromDocument(d search.Document, v any) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
