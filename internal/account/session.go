package account

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Credentials are what a user signs in with.
type Credentials struct {
	Email    string
	Password string
	// UserAgent names the device in the user's list of sessions; the HTTP
	// layer sets it.
	UserAgent string
}

// session is found by its token. The user's document lists the sessions
// that are live (User.Sessions): one missing there has been ended.
type session struct {
	ID        string    `bson:"_id"` // sha256 of the token
	SID       string    `bson:"sid"` // its key in User.Sessions, which may be shown
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// SessionRecord is one signed-in device, as its user's document keeps it.
type SessionRecord struct {
	Hash       string    `bson:"hash"` // the session document's _id
	CreatedAt  time.Time `bson:"created_at"`
	LastSeenAt time.Time `bson:"last_seen_at"`
	UserAgent  string    `bson:"user_agent,omitempty"`
}

// SignIn checks the credentials and opens a session, returning its token.
// Attempts are limited per IP; failures slow the address they came from
// for that account (Limits).
func (s *Service) SignIn(ctx context.Context, in Credentials, ip string) (*User, string, error) {
	email := NormaliseEmail(in.Email)
	fields := map[string]string{}
	if email == "" {
		fields["email"] = "required"
	}
	if in.Password == "" {
		fields["password"] = "required"
	}
	if len(fields) > 0 {
		return nil, "", problem.Invalid(fields)
	}
	l := s.opt.Limits
	if err := s.limiter.Allow(ctx, "signin:ip:"+ip, l.SignInPerIP.Limit, l.SignInPerIP.Window); err != nil {
		return nil, "", err
	}
	failures := "signin:failures:" + email + "|" + ip
	if err := s.limiter.Wait(ctx, failures, l.SignInFailures); err != nil {
		return nil, "", err
	}
	var login struct {
		UserID       string `bson:"user_id"`
		PasswordHash string `bson:"password_hash"`
	}
	err := s.logins.FindOne(ctx, bson.M{"_id": email}).Decode(&login)
	if err != nil && !isNotFound(err) {
		return nil, "", mongodb.Classify("read login", err)
	}
	hash := login.PasswordHash
	if hash == "" {
		hash = s.dummyHash
	}
	ok, verr := verifyPassword(in.Password, hash)
	if verr != nil {
		return nil, "", verr
	}
	if !ok || login.UserID == "" {
		if err := s.limiter.Fail(ctx, failures); err != nil {
			return nil, "", err
		}
		return nil, "", problem.Unauthorized("wrong_credentials", "wrong_credentials")
	}
	u, err := s.userByID(ctx, login.UserID)
	if err != nil {
		if isNotFound(err) { // an unfinished sign-up
			return nil, "", problem.Unauthorized("wrong_credentials", "wrong_credentials")
		}
		return nil, "", err
	}
	if err := s.limiter.Forgive(ctx, failures); err != nil {
		return nil, "", err
	}
	token, err := s.newSession(ctx, u, in.UserAgent)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// Authenticate returns the user a session token belongs to, or an
// Unauthorized problem. Expiry is checked here, not left to a TTL index
// (embedded FerretDB has none): a session ends 30 days after it began,
// after SessionIdle unused, or when its user ended it (it is no longer in
// User.Sessions).
func (s *Service) Authenticate(ctx context.Context, token string) (*User, error) {
	if token == "" || len(token) > 100 {
		return nil, problem.Unauthorized("unauthenticated", "sign_in_required")
	}
	var sess session
	if err := s.sessions.FindOne(ctx, bson.M{"_id": hashToken(token)}).Decode(&sess); err != nil {
		if isNotFound(err) {
			return nil, problem.Unauthorized("unauthenticated", "sign_in_required")
		}
		return nil, mongodb.Classify("read session", err)
	}
	now := s.now()
	if now.After(sess.ExpiresAt) {
		_, _ = s.sessions.DeleteOne(ctx, bson.M{"_id": sess.ID})
		return nil, problem.Unauthorized("session_expired", "sign_in_required")
	}
	u, err := s.userByID(ctx, sess.UserID)
	if err != nil {
		if isNotFound(err) {
			return nil, problem.Unauthorized("unauthenticated", "sign_in_required")
		}
		return nil, err
	}
	rec, live := u.Sessions[sess.SID]
	if !live || rec.Hash != sess.ID {
		// Ended elsewhere (or begun before sessions were listed).
		_, _ = s.sessions.DeleteOne(ctx, bson.M{"_id": sess.ID})
		return nil, problem.Unauthorized("session_ended", "sign_in_required")
	}
	if now.Sub(rec.LastSeenAt) > s.opt.SessionIdle {
		s.endSessions(ctx, u, map[string]SessionRecord{sess.SID: rec})
		return nil, problem.Unauthorized("session_expired", "sign_in_required")
	}
	// The idle clock moves at most once an hour: a write per request would
	// double the cost of every page.
	if now.Sub(rec.LastSeenAt) > time.Hour {
		_, err := s.users.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$set": bson.M{"sessions." + sess.SID + ".last_seen_at": now.UTC()}})
		if err != nil {
			return nil, mongodb.Classify("touch session", err)
		}
	}
	return u, nil
}

// SignOut ends the session; ending one that is gone is not an error.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	_, err := s.sessions.DeleteOne(ctx, bson.M{"_id": hashToken(token)})
	return mongodb.Classify("delete session", err)
}

func (s *Service) userByID(ctx context.Context, id string) (*User, error) {
	var u User
	if err := s.users.FindOne(ctx, bson.M{"_id": id}).Decode(&u); err != nil {
		if isNotFound(err) {
			return nil, err
		}
		return nil, mongodb.Classify(fmt.Sprintf("read user %s", id), err)
	}
	return &u, nil
}
