package app

import (
	"context"

	"guildhall/internal/account"
	"guildhall/internal/moderation"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// groupAccess answers notify's question "may this user still read these
// groups?" from community, which is built after notify.
type groupAccess struct{ a *App }

func (g groupAccess) CanRead(ctx context.Context, userID string, groupIDs []string) (map[string]bool, error) {
	return g.a.Community.CanRead(ctx, userID, groupIDs)
}

// groupModerators answers moderation's "which groups does this user
// moderate?" from community.
type groupModerators struct{ a *App }

func (g groupModerators) Moderates(ctx context.Context, userID string) ([]string, error) {
	return g.a.Community.Moderates(ctx, userID)
}

// makerWorks lists a maker's works for their pages from the work
// feature, which is built after makers.
type makerWorks struct{ a *App }

func (m makerWorks) ByMaker(ctx context.Context, makerID string, q work.ListQuery) (*work.Results, error) {
	return m.a.Works.ByMaker(ctx, makerID, q)
}

func (m makerWorks) Studio(ctx context.Context, u *account.User, q work.ListQuery) (*work.Results, error) {
	return m.a.Works.Studio(ctx, u, q)
}

// savingLists tells a work's page the viewer's collections, from the
// curation feature, which is built after works.
type savingLists struct{ a *App }

func (l savingLists) ListsOf(ctx context.Context, u *account.User) ([]work.ListRef, error) {
	refs, err := l.a.Curation.ListsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	out := make([]work.ListRef, 0, len(refs))
	for _, r := range refs {
		out = append(out, work.ListRef{ID: r.ID, Title: r.Title})
	}
	return out, nil
}

// reportTargets resolves what a report names, as the reporter may see it,
// from the feature that owns it.
type reportTargets struct{ a *App }

func (r reportTargets) Target(ctx context.Context, viewer *account.User, typ, id string) (moderation.Target, error) {
	switch typ {
	case moderation.TargetThread, moderation.TargetReply:
		return r.a.Community.Target(ctx, viewer, typ, id)
	case moderation.TargetWork:
		w, err := r.a.Works.Get(ctx, viewer, id)
		if err != nil {
			return moderation.Target{}, err
		}
		return moderation.Target{Type: typ, ID: w.ID, AuthorID: w.Maker.ID, Preview: w.Title, URL: w.Path()}, nil
	case moderation.TargetUser:
		u, err := r.a.Accounts.ByHandle(ctx, id)
		if err != nil {
			return moderation.Target{}, err
		}
		// Keyed by id, not handle, so a renamed user's reports stay one.
		return moderation.Target{Type: typ, ID: u.ID, AuthorID: u.ID, Preview: "@" + u.Handle + " " + u.DisplayName, URL: "/@" + u.Handle}, nil
	}
	return moderation.Target{}, problem.InvalidField("target_type", "target_type_unknown")
}
