package app

import (
	"context"
	"slices"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/config"
	"guildhall/internal/i18n"
	"guildhall/internal/platform/mail"
	"guildhall/web"
)

// mailer sends the features' e-mail through the SMTP server the
// configuration names, from the templates of web/mail.
type mailer struct {
	sender *mail.Sender
	tpl    *mail.Templates
}

// openMail returns nil without GUILDHALL_SMTP_URL: features then log what
// they would have sent.
func openMail(cfg config.Config) (*mailer, error) {
	if !cfg.SMTP() {
		return nil, nil
	}
	s, err := mail.New(mail.Config{URL: cfg.SMTPURL, From: cfg.SMTPFrom, Timeout: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	return &mailer{sender: s, tpl: mail.NewTemplates(web.Mail())}, nil
}

func (m *mailer) PasswordReset(ctx context.Context, r account.ResetMail) error {
	lang := r.Lang
	if !slices.Contains(i18n.Supported, lang) {
		lang = i18n.Supported[0]
	}
	msg, err := m.tpl.Render("password_reset", lang, r.To, map[string]any{"Name": r.Name, "Link": r.Link, "Minutes": int(r.ValidFor.Minutes())})
	if err != nil {
		return err
	}
	return m.sender.Send(ctx, msg)
}
