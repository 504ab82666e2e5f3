package moderation

import (
	"context"
	"fmt"
	"slices"

	"guildhall/internal/account"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// ReportList is one page of the moderation queue and the cursor of the next.
type ReportList struct {
	Items      []Report
	NextCursor *string
	Total      int
}

// Queue lists reports with status (default open), most recently active
// first (a new report, a new reporter, a reopening or a decision moves a
// report up): admins see every report, a group's moderators the reports on
// their groups' threads and replies, anyone else is forbidden. One read by
// _id for the moderator's groups, one search.
func (s *Service) Queue(ctx context.Context, u *account.User, status, cursor string, limit int) (*ReportList, error) {
	if status == "" {
		status = StatusOpen
	}
	f := map[string]string{}
	if !slices.Contains(statuses, status) {
		f["status"] = "status_unknown"
	}
	q, err := pageQuery(cursor, limit, f)
	if err != nil {
		return nil, err
	}
	all, groups, err := s.access(ctx, u)
	if err != nil {
		return nil, err
	}
	q.Filters = []search.Filter{{Field: "status", Values: []any{status}}}
	if !all {
		q.Filters = append(q.Filters, search.Filter{Field: "group_id", Values: anys(groups)})
	}
	q.Sort = []search.Sort{{Field: "updated_at", Desc: true}}
	res, err := s.index.Search(ctx, ReportsKind, q)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("list reports: %w", err))
	}
	p := &ReportList{Items: make([]Report, 0, len(res.Hits)), Total: res.Total,
		NextCursor: search.NextCursor(q.Offset, q.Limit, len(res.Hits), res.Total)}
	for _, h := range res.Hits {
		r, err := reportFrom(h.Document)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, r)
	}
	return p, nil
}

// access is the one rule for who moderates what: all is true for admins;
// otherwise groups are the groups u moderates, never empty (someone who
// moderates nothing is forbidden).
func (s *Service) access(ctx context.Context, u *account.User) (all bool, groups []string, err error) {
	if u == nil {
		return false, nil, problem.Unauthorized("unauthenticated", "sign_in_required")
	}
	if u.HasRole(account.RoleAdmin) {
		return true, nil, nil
	}
	groups, err = s.mods.Moderates(ctx, u.ID)
	if err != nil {
		return false, nil, fmt.Errorf("groups moderated by %s: %w", u.ID, err)
	}
	if len(groups) == 0 {
		return false, nil, problem.Forbidden("not_a_moderator")
	}
	return false, groups, nil
}

// pageQuery reads a cursor and a limit (0: the default page) into a query,
// adding their problems to the field errors f already holds.
func pageQuery(cursor string, limit int, f map[string]string) (search.Query, error) {
	q := search.Paging(cursor, limit, f)
	if len(f) > 0 {
		return search.Query{}, problem.Invalid(f)
	}
	return q, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
