package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// SignUp is what a new user gives.
type SignUp struct {
	Email       string
	Password    string
	Handle      string
	DisplayName string
	Locale      string
	UserAgent   string // set by the HTTP layer, see Credentials
}

// Validate checks every field and names each that is wrong.
func (in *SignUp) Validate() error {
	in.Email = NormaliseEmail(in.Email)
	in.Handle = NormaliseHandle(in.Handle)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	fields := map[string]string{}
	checkEmail(in.Email, fields)
	checkHandle(in.Handle, fields)
	checkText("display_name", in.DisplayName, 1, 50, fields)
	checkPassword(in.Password, in.Email, in.Handle, fields)
	if in.Locale != "" && !validLocale(in.Locale) {
		fields["locale"] = "locale_unknown"
	}
	if len(fields) > 0 {
		return problem.Invalid(fields)
	}
	return nil
}

// aliasStaleAfter is how old an alias must be, with no user behind it,
// before a new sign-up may take it over: a sign-up that crashed half-way.
const aliasStaleAfter = time.Minute

// SignUp creates the user and a session. The handle and the email are
// claimed first by inserting their alias documents: of two racing sign-ups
// for one handle, exactly one insert succeeds.
func (s *Service) SignUp(ctx context.Context, in SignUp, ip string) (*User, string, error) {
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	if err := s.limiter.Allow(ctx, "signup:ip:"+ip, s.opt.Limits.SignUpPerIP.Limit, s.opt.Limits.SignUpPerIP.Window); err != nil {
		return nil, "", err
	}
	hash, err := hashPassword(in.Password, s.opt.Argon2)
	if err != nil {
		return nil, "", err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	u := &User{ID: mongodb.NewID(), Handle: in.Handle, Email: in.Email, DisplayName: in.DisplayName,
		Locale: in.Locale, CreatedAt: now, UpdatedAt: now}

	if err := s.claim(ctx, s.handles, in.Handle, bson.M{"user_id": u.ID, "at": now}); err != nil {
		return nil, "", conflictOr(err, "handle_taken", "handle")
	}
	if err := s.claim(ctx, s.logins, in.Email, bson.M{"user_id": u.ID, "password_hash": hash, "at": now}); err != nil {
		s.release(ctx, s.handles, in.Handle, u.ID)
		return nil, "", conflictOr(err, "email_taken", "email")
	}
	err = s.index.Write(ctx, SearchKind, u.ID, func(ctx context.Context) (search.Document, error) {
		if _, err := s.users.InsertOne(ctx, u); err != nil {
			return nil, mongodb.Classify("insert user "+u.ID, err)
		}
		return u.searchDocument(), nil
	})
	if err != nil {
		s.release(ctx, s.logins, in.Email, u.ID)
		s.release(ctx, s.handles, in.Handle, u.ID)
		return nil, "", fmt.Errorf("sign up %s: %w", in.Handle, err)
	}
	token, err := s.newSession(ctx, u, in.UserAgent)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

var errTaken = errors.New("taken")

// claim inserts an alias document; a duplicate is errTaken unless the alias
// belongs to a sign-up that never finished, which is then taken over.
func (s *Service) claim(ctx context.Context, coll *mongo.Collection, key string, fields bson.M) error {
	doc := bson.M{"_id": key}
	for k, v := range fields {
		doc[k] = v
	}
	for attempt := 0; ; attempt++ {
		_, err := coll.InsertOne(ctx, doc)
		if err == nil {
			return nil
		}
		if !mongodb.IsDuplicate(err) {
			return mongodb.Classify("claim "+coll.Name()+" "+key, err)
		}
		if attempt > 0 {
			return errTaken
		}
		var held struct {
			UserID string    `bson:"user_id"`
			At     time.Time `bson:"at"`
		}
		if err := coll.FindOne(ctx, bson.M{"_id": key}).Decode(&held); err != nil {
			if isNotFound(err) {
				continue // released between our insert and this read
			}
			return mongodb.Classify("read "+coll.Name()+" "+key, err)
		}
		if s.now().Sub(held.At) < aliasStaleAfter {
			return errTaken
		}
		if _, err := s.userByID(ctx, held.UserID); err == nil || !isNotFound(err) {
			return errTaken
		}
		s.opt.Logger.WarnContext(ctx, "taking over an alias left by an unfinished sign-up", "collection", coll.Name(), "key", key)
		s.release(ctx, coll, key, held.UserID)
	}
}

// release deletes an alias only if it still points at userID.
func (s *Service) release(ctx context.Context, coll *mongo.Collection, key, userID string) {
	ctx = context.WithoutCancel(ctx)
	if _, err := coll.DeleteOne(ctx, bson.M{"_id": key, "user_id": userID}); err != nil {
		s.opt.Logger.ErrorContext(ctx, "release alias", "collection", coll.Name(), "key", key, "err", err)
	}
}

func conflictOr(err error, code, field string) error {
	if errors.Is(err, errTaken) {
		return problem.Conflict(code, field, code)
	}
	return err
}

func validLocale(l string) bool {
	for _, x := range Locales {
		if x == l {
			return true
		}
	}
	return false
}

func isNotFound(err error) bool { return mongodb.IsNotFound(err) }
