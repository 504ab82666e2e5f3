package account

import (
	"context"
	"net/url"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// ResetsCollection holds password-reset links by the hash of their token.
const ResetsCollection = "password_resets"

// ResetValidFor is how long a reset link works.
const ResetValidFor = time.Hour

// ResetMail is what a password-reset e-mail says.
type ResetMail struct {
	To, Name, Lang, Link string
	ValidFor             time.Duration
}

// Mailer sends the mail accounts send; nil in Deps logs it instead.
type Mailer interface {
	PasswordReset(ctx context.Context, m ResetMail) error
}

// PasswordChange is a signed-in user choosing a new password.
type PasswordChange struct {
	Current string
	New     string
}

// ResetRequest asks for a reset link.
type ResetRequest struct {
	Email string
}

// ResetConfirm sets a new password with a reset link's token.
type ResetConfirm struct {
	Token       string
	NewPassword string
}

type login struct {
	UserID            string     `bson:"user_id"`
	PasswordHash      string     `bson:"password_hash"`
	PasswordChangedAt *time.Time `bson:"password_changed_at,omitempty"`
}

type reset struct {
	ID        string     `bson:"_id"` // sha256 of the token
	UserID    string     `bson:"user_id"`
	Email     string     `bson:"email"`
	CreatedAt time.Time  `bson:"created_at"`
	ExpiresAt time.Time  `bson:"expires_at"`
	UsedAt    *time.Time `bson:"used_at,omitempty"`
}

func (s *Service) login(ctx context.Context, email string) (*login, error) {
	var l login
	if err := s.logins.FindOne(ctx, bson.M{"_id": email}).Decode(&l); err != nil {
		if isNotFound(err) {
			return nil, err
		}
		return nil, mongodb.Classify("read login", err)
	}
	return &l, nil
}

// setPassword stores a new password for email's login.
func (s *Service) setPassword(ctx context.Context, email, password string) error {
	hash, err := hashPassword(password, s.opt.Argon2)
	if err != nil {
		return err
	}
	_, err = s.logins.UpdateOne(ctx, bson.M{"_id": email}, bson.M{"$set": bson.M{"password_hash": hash, "password_changed_at": s.now().UTC()}})
	return mongodb.Classify("set password", err)
}

// ChangePassword replaces u's password when the current one is right, and
// ends every other session of u: whoever else held one held it with the
// old password. Wrong current passwords slow the account as sign-in's do.
func (s *Service) ChangePassword(ctx context.Context, u *User, token string, in PasswordChange) error {
	fields := map[string]string{}
	if in.Current == "" {
		fields["current_password"] = "required"
	}
	checkPasswordAs("new_password", in.New, u.Email, u.Handle, fields)
	if len(fields) > 0 {
		return problem.Invalid(fields)
	}
	failures := "password:" + u.ID
	if err := s.limiter.Wait(ctx, failures, s.opt.Limits.SignInFailures); err != nil {
		return err
	}
	l, err := s.login(ctx, u.Email)
	if err != nil {
		return problem.Unauthorized("wrong_password", "wrong_password")
	}
	ok, err := verifyPassword(in.Current, l.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.limiter.Fail(ctx, failures); err != nil {
			return err
		}
		return problem.Unauthorized("wrong_password", "wrong_password")
	}
	if err := s.setPassword(ctx, u.Email, in.New); err != nil {
		return err
	}
	if err := s.limiter.Forgive(ctx, failures); err != nil {
		return err
	}
	return s.EndOtherSessions(ctx, u, token)
}

// RequestPasswordReset e-mails a single-use link, valid ResetValidFor, to
// the address if an account has it. The answer is the same either way;
// the mail goes out after it, so its time tells nothing either. Requests
// are limited per IP (429) and, silently, to three an hour per address.
func (s *Service) RequestPasswordReset(ctx context.Context, in ResetRequest, ip, lang string) error {
	email := NormaliseEmail(in.Email)
	fields := map[string]string{}
	checkEmail(email, fields)
	if len(fields) > 0 {
		return problem.Invalid(fields)
	}
	r := s.opt.Limits.ResetPerIP
	if err := s.limiter.Allow(ctx, "reset:ip:"+ip, r.Limit, r.Window); err != nil {
		return err
	}
	l, err := s.login(ctx, email)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	u, err := s.userByID(ctx, l.UserID)
	if isNotFound(err) {
		return nil // an unfinished sign-up
	}
	if err != nil {
		return err
	}
	if problem.KindOf(s.limiter.Allow(ctx, "reset:email:"+email, 3, time.Hour)) == problem.KindTooMany {
		s.opt.Logger.InfoContext(ctx, "password reset not sent: three were sent to this address within the hour", "user", u.ID)
		return nil
	}
	token, hash := newToken()
	now := s.now().UTC()
	if _, err := s.resets.InsertOne(ctx, reset{ID: hash, UserID: u.ID, Email: email, CreatedAt: now, ExpiresAt: now.Add(ResetValidFor)}); err != nil {
		return mongodb.Classify("create password reset", err)
	}
	if u.Locale != "" {
		lang = u.Locale
	}
	m := ResetMail{To: email, Name: u.DisplayName, Lang: lang, ValidFor: ResetValidFor,
		Link: s.opt.BaseURL + "/reset?token=" + url.QueryEscape(token)}
	if s.mailer == nil {
		s.opt.Logger.WarnContext(ctx, "password reset link: no SMTP server is set (GUILDHALL_SMTP_URL), so pass it on to the user yourself",
			"user", u.ID, "email", email, "link", m.Link, "valid_for", ResetValidFor.String())
		return nil
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := s.mailer.PasswordReset(ctx, m); err != nil {
			s.opt.Logger.ErrorContext(ctx, "send password reset", "user", u.ID, "err", err)
		}
	}()
	return nil
}

// ConfirmPasswordReset sets a new password with a reset link's token and
// ends every session of the account. A token is good once, for
// ResetValidFor, and only while the password is the one it was sent for.
func (s *Service) ConfirmPasswordReset(ctx context.Context, in ResetConfirm) error {
	bad := &problem.Error{Kind: problem.KindMalformed, Code: "reset_token_invalid", Message: "reset_token_invalid"}
	if in.Token == "" || len(in.Token) > 100 {
		return bad
	}
	hash := hashToken(in.Token)
	var r reset
	if err := s.resets.FindOne(ctx, bson.M{"_id": hash}).Decode(&r); err != nil {
		if isNotFound(err) {
			return bad
		}
		return mongodb.Classify("read password reset", err)
	}
	now := s.now()
	if r.UsedAt != nil || now.After(r.ExpiresAt) {
		return bad
	}
	u, err := s.userByID(ctx, r.UserID)
	if isNotFound(err) {
		return bad
	}
	if err != nil {
		return err
	}
	l, err := s.login(ctx, r.Email)
	if isNotFound(err) || err == nil && (l.UserID != u.ID || l.PasswordChangedAt != nil && l.PasswordChangedAt.After(r.CreatedAt)) {
		return bad // the address changed hands, or the password changed since
	}
	if err != nil {
		return err
	}
	fields := map[string]string{}
	checkPasswordAs("new_password", in.NewPassword, u.Email, u.Handle, fields)
	if len(fields) > 0 {
		return problem.Invalid(fields)
	}
	// Of two uses racing, the one that finds it unused wins.
	var before reset
	err = s.resets.FindOneAndUpdate(ctx, bson.M{"_id": hash}, bson.M{"$set": bson.M{"used_at": now.UTC()}},
		options.FindOneAndUpdate().SetReturnDocument(options.Before)).Decode(&before)
	if isNotFound(err) || err == nil && before.UsedAt != nil {
		return bad
	}
	if err != nil {
		return mongodb.Classify("use password reset", err)
	}
	if err := s.setPassword(ctx, r.Email, in.NewPassword); err != nil {
		return err
	}
	return s.endSessions(ctx, u, u.Sessions)
}

// SweepResets deletes reset links a day past their time. The collection
// holds an hour or so of requests, so this scan is one the design allows.
func (s *Service) SweepResets(ctx context.Context) (int, error) {
	res, err := s.resets.DeleteMany(ctx, bson.M{"expires_at": bson.M{"$lte": s.now().Add(-24 * time.Hour)}})
	if err != nil {
		return 0, mongodb.Classify("sweep password resets", err)
	}
	return int(res.DeletedCount), nil
}
