package server

import (
	"time"

	"guildhall/internal/account"
)

// userJSON is a user's public face; meJSON adds what only they see.
type userJSON struct {
	ID            string    `json:"id"`
	Handle        string    `json:"handle"`
	DisplayName   string    `json:"display_name"`
	Bio           string    `json:"bio"`
	AvatarMediaID string    `json:"avatar_media_id,omitempty"`
	AvatarURL     string    `json:"avatar_url,omitempty"`
	Roles         []string  `json:"roles"`
	CreatedAt     time.Time `json:"created_at"`
}

type meJSON struct {
	userJSON
	Email     string    `json:"email"`
	Locale    string    `json:"locale"`
	UpdatedAt time.Time `json:"updated_at"`
}

func publicUser(u *account.User) userJSON {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return userJSON{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Bio: u.Bio,
		AvatarMediaID: u.AvatarMediaID, AvatarURL: u.AvatarURL, Roles: roles, CreatedAt: u.CreatedAt}
}

func privateUser(u *account.User) meJSON {
	return meJSON{userJSON: publicUser(u), Email: u.Email, Locale: u.Locale, UpdatedAt: u.UpdatedAt}
}

type authJSON struct {
	User  meJSON `json:"user"`
	Token string `json:"token"`
}

type userResponse struct {
	User userJSON `json:"user"`
}

type meResponse struct {
	User meJSON `json:"user"`
}

// signUpJSON is a sign-up as the API and the sign-up form send it.
type signUpJSON struct {
	Email       string `json:"email" form:"email"`
	Password    string `json:"password" form:"password"`
	Handle      string `json:"handle" form:"handle"`
	DisplayName string `json:"display_name" form:"display_name"`
	Locale      string `json:"locale" form:"locale"`
}

// signUp and credentials take the request's User-Agent, which names the
// device in the user's list of sessions.
func (in signUpJSON) signUp(userAgent string) account.SignUp {
	return account.SignUp{Email: in.Email, Password: in.Password, Handle: in.Handle, DisplayName: in.DisplayName, Locale: in.Locale,
		UserAgent: userAgent}
}

type credentialsJSON struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
}

func (in credentialsJSON) credentials(userAgent string) account.Credentials {
	return account.Credentials{Email: in.Email, Password: in.Password, UserAgent: userAgent}
}

type profileChangeJSON struct {
	DisplayName   *string `json:"display_name"`
	Bio           *string `json:"bio"`
	AvatarMediaID *string `json:"avatar_media_id"`
	Locale        *string `json:"locale"`
}

func (in profileChangeJSON) profileChange() account.ProfileChange {
	return account.ProfileChange{DisplayName: in.DisplayName, Bio: in.Bio, AvatarMediaID: in.AvatarMediaID, Locale: in.Locale}
}

type rolesChangeJSON struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

type passwordChangeJSON struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

func (in passwordChangeJSON) input() account.PasswordChange {
	return account.PasswordChange{Current: in.Current, New: in.New}
}

type resetRequestJSON struct {
	Email string `json:"email"`
}

func (in resetRequestJSON) input() account.ResetRequest { return account.ResetRequest{Email: in.Email} }

type resetConfirmJSON struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

func (in resetConfirmJSON) input() account.ResetConfirm {
	return account.ResetConfirm{Token: in.Token, NewPassword: in.NewPassword}
}

type sessionJSON struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

// sessionsOut lists them all on one page: a user has a handful.
func sessionsOut(ss []account.Session) pageJSON[sessionJSON] {
	return pageOut(nonNil(ss), nil, len(ss), func(s account.Session) sessionJSON {
		return sessionJSON{ID: s.ID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, UserAgent: s.UserAgent, Current: s.Current}
	})
}
