package community

import (
	"context"

	"guildhall/internal/account"
	"guildhall/internal/notify"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

func actorOf(u *account.User) notify.Actor {
	return notify.Actor{ID: u.ID, Handle: u.Handle, Name: u.DisplayName, AvatarURL: u.AvatarURL}
}

// notify delivers a notification; failing to is logged, not returned,
// since what it tells of has already happened.
func (s *Service) notify(ctx context.Context, recipientID, key string, n notify.Notification) {
	if recipientID == "" || recipientID == n.Actor.ID {
		return
	}
	if err := s.notifier.Notify(ctx, recipientID, key, n); err != nil {
		s.log.WarnContext(ctx, "notify", "type", n.Type, "recipient", recipientID, "err", err)
	}
}

// listQuery is the search query for one page of a list: its cursor and
// limit (default 24, at most 100).
func listQuery(cursor string, limit int) (search.Query, error) {
	f := map[string]string{}
	q := search.Paging(cursor, limit, f)
	if len(f) > 0 {
		return search.Query{}, problem.Invalid(f)
	}
	return q, nil
}

// allowPost applies the posting rate limit: tighter for accounts younger
// than a day, which is where spam comes from.
func (s *Service) allowPost(ctx context.Context, u *account.User) error {
	r := s.opt.PostRate
	if s.now().Sub(u.CreatedAt) < newAccountAge {
		r = s.opt.NewAccountPostRate
	}
	return s.limiter.Allow(ctx, "post:"+u.ID, r.Limit, r.Window)
}
