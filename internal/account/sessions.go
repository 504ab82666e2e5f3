package account

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// maxSessions is how many devices one user stays signed in on; a new
// sign-in past it ends the one unused longest.
const maxSessions = 20

// newSession opens a session for u: its document, found by the token's
// hash, and its entry in u's list of sessions, which keeps it alive.
func (s *Service) newSession(ctx context.Context, u *User, userAgent string) (string, error) {
	token, hash := newToken()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	sid := hex.EncodeToString(b)
	now := s.now().UTC()
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	if _, err := s.sessions.InsertOne(ctx, session{ID: hash, SID: sid, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.opt.SessionMaxAge)}); err != nil {
		return "", mongodb.Classify("create session", err)
	}
	rec := SessionRecord{Hash: hash, CreatedAt: now, LastSeenAt: now, UserAgent: userAgent}
	if _, err := s.users.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$set": bson.M{"sessions." + sid: rec}}); err != nil {
		return "", mongodb.Classify("list session", err)
	}
	if len(u.Sessions) >= maxSessions {
		s.endSessions(ctx, u, s.stale(u.Sessions, len(u.Sessions)+1-maxSessions))
	}
	return token, nil
}

// stale is the n sessions unused longest, and every one past its time.
func (s *Service) stale(all map[string]SessionRecord, n int) map[string]SessionRecord {
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return all[ids[i]].LastSeenAt.Before(all[ids[j]].LastSeenAt) })
	out := map[string]SessionRecord{}
	now := s.now()
	for i, id := range ids {
		r := all[id]
		if i < n || now.Sub(r.LastSeenAt) > s.opt.SessionIdle || now.Sub(r.CreatedAt) > s.opt.SessionMaxAge {
			out[id] = r
		}
	}
	return out
}

// endSessions takes the sessions off u's list, which ends them at once,
// then deletes their documents. Failures past the first write are logged:
// a session off the list no longer authenticates whatever its document.
func (s *Service) endSessions(ctx context.Context, u *User, ended map[string]SessionRecord) error {
	if len(ended) == 0 {
		return nil
	}
	unset := bson.M{}
	hashes := make([]string, 0, len(ended))
	for id, r := range ended {
		unset["sessions."+id] = ""
		hashes = append(hashes, r.Hash)
		delete(u.Sessions, id)
	}
	if _, err := s.users.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$unset": unset}); err != nil {
		return mongodb.Classify("end sessions of "+u.ID, err)
	}
	for _, h := range hashes {
		if _, err := s.sessions.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": h}); err != nil {
			s.opt.Logger.WarnContext(ctx, "delete an ended session", "user", u.ID, "err", err)
		}
	}
	return nil
}

// Session is one device a user is signed in on, as they see it.
type Session struct {
	ID         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	UserAgent  string
	Current    bool // the session asking
}

// Sessions lists u's live sessions, the one holding token marked current,
// most recently used first.
func (s *Service) Sessions(u *User, token string) []Session {
	current := hashToken(token)
	now := s.now()
	out := make([]Session, 0, len(u.Sessions))
	for id, r := range u.Sessions {
		if now.Sub(r.LastSeenAt) > s.opt.SessionIdle || now.Sub(r.CreatedAt) > s.opt.SessionMaxAge {
			continue
		}
		out = append(out, Session{ID: id, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, UserAgent: r.UserAgent, Current: r.Hash == current})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Current != out[j].Current {
			return out[i].Current
		}
		return out[i].LastSeenAt.After(out[j].LastSeenAt)
	})
	return out
}

// EndSession signs u out on one device; an id u does not have is a 404.
func (s *Service) EndSession(ctx context.Context, u *User, id string) error {
	r, ok := u.Sessions[id]
	if !ok {
		return problem.NotFound("session")
	}
	return s.endSessions(ctx, u, map[string]SessionRecord{id: r})
}

// EndOtherSessions signs u out everywhere but the session holding token.
func (s *Service) EndOtherSessions(ctx context.Context, u *User, token string) error {
	keep := hashToken(token)
	others := map[string]SessionRecord{}
	for id, r := range u.Sessions {
		if r.Hash != keep {
			others[id] = r
		}
	}
	return s.endSessions(ctx, u, others)
}
