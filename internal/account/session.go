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
}

type session struct {
	ID        string    `bson:"_id"` // sha256 of the token
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// SignIn checks the credentials and opens a session, returning its token.
// Attempts are limited per IP and per account.
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
	if err := s.limiter.Allow(ctx, "signin:account:"+email, l.SignInPerAccount.Limit, l.SignInPerAccount.Window); err != nil {
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
		return nil, "", problem.Unauthorized("wrong_credentials", "wrong_credentials")
	}
	u, err := s.userByID(ctx, login.UserID)
	if err != nil {
		if isNotFound(err) { // an unfinished sign-up
			return nil, "", problem.Unauthorized("wrong_credentials", "wrong_credentials")
		}
		return nil, "", err
	}
	token, err := s.newSession(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

func (s *Service) newSession(ctx context.Context, userID string) (string, error) {
	token, hash := newToken()
	now := s.now().UTC()
	_, err := s.sessions.InsertOne(ctx, session{ID: hash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(s.opt.SessionMaxAge)})
	if err != nil {
		return "", mongodb.Classify("create session", err)
	}
	return token, nil
}

// Authenticate returns the user a session token belongs to, or an
// Unauthorized problem. Expiry is checked here, not left to a TTL index
// (embedded FerretDB has none).
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
	if s.now().After(sess.ExpiresAt) {
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
