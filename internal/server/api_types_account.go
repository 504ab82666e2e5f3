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

func (in signUpJSON) signUp() account.SignUp {
	return account.SignUp{Email: in.Email, Password: in.Password, Handle: in.Handle, DisplayName: in.DisplayName, Locale: in.Locale}
}

type credentialsJSON struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
}

func (in credentialsJSON) credentials() account.Credentials {
	return account.Credentials{Email: in.Email, Password: in.Password}
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
