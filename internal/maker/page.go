package maker

import (
	"context"

	"guildhall/internal/account"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// Works lists makers' works for their pages. The app answers it from the
// work feature, which is built after this one (works carry their maker's
// face, so they build on makers).
type Works interface {
	ByMaker(ctx context.Context, makerID string, q work.ListQuery) (*work.Results, error)
	Studio(ctx context.Context, u *account.User, q work.ListQuery) (*work.Results, error)
}

// View is a studio as its page shows it.
type View struct {
	Studio    *Studio // nil on the owner's own page before they open one
	Works     *work.Results
	Following bool
	Own       bool
}

// MakerPage assembles a maker's public page: two reads by _id for the
// studio, one for the viewer's follow edge, and one search for the
// published works.
func (s *Service) MakerPage(ctx context.Context, viewer *account.User, handle string, q work.ListQuery) (*View, error) {
	st, err := s.ByHandle(ctx, handle)
	if err != nil {
		return nil, err
	}
	works, err := s.works.ByMaker(ctx, st.ID, q)
	if err != nil {
		return nil, err
	}
	v := &View{Studio: st, Works: works}
	if viewer != nil {
		v.Own = viewer.ID == st.ID
		if v.Following, err = s.Follows(ctx, viewer.ID, st.ID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// OwnStudio assembles u's own studio page: the studio and all u's works,
// drafts and archived ones included; before u opens a studio, neither.
func (s *Service) OwnStudio(ctx context.Context, u *account.User, q work.ListQuery) (*View, error) {
	st, err := s.ByID(ctx, u.ID)
	if problem.KindOf(err) == problem.KindNotFound {
		return &View{Own: true}, nil
	}
	if err != nil {
		return nil, err
	}
	works, err := s.works.Studio(ctx, u, q)
	if err != nil {
		return nil, err
	}
	return &View{Studio: st, Works: works, Own: true}, nil
}

// WorksOf lists the published works of the maker with handle.
func (s *Service) WorksOf(ctx context.Context, handle string, q work.ListQuery) (*work.Results, error) {
	st, err := s.ByHandle(ctx, handle)
	if err != nil {
		return nil, err
	}
	return s.works.ByMaker(ctx, st.ID, q)
}
