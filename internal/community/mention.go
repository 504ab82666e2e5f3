package community

import (
	"context"
	"regexp"
	"strings"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/problem"
)

const newAccountAge = 24 * time.Hour

// mentionPattern finds @handle where it starts a word, so an e-mail
// address is not a mention.
var mentionPattern = regexp.MustCompile(`(^|[^\w@])@([A-Za-z0-9_]{3,30})\b`)

// mentioned is a user named in a post.
type mentioned struct {
	ID, Handle string
}

// mentions resolves the distinct handles a post names (at most ten, one
// read by _id each); unknown handles stay plain text.
func (s *Service) mentions(ctx context.Context, body string) ([]mentioned, error) {
	seen := map[string]bool{}
	var out []mentioned
	for _, m := range mentionPattern.FindAllStringSubmatch(body, -1) {
		h := account.NormaliseHandle(m[2])
		if seen[h] {
			continue
		}
		seen[h] = true
		if len(seen) > maxMentionsPerPost {
			break
		}
		id, err := s.accounts.IDByHandle(ctx, h)
		if problem.KindOf(err) == problem.KindNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, mentioned{ID: id, Handle: h})
	}
	return out, nil
}

// linkMentions turns the resolved mentions into Markdown links to their
// profiles before rendering.
func linkMentions(body string, ms []mentioned) string {
	if len(ms) == 0 {
		return body
	}
	known := map[string]bool{}
	for _, m := range ms {
		known[m.Handle] = true
	}
	return mentionPattern.ReplaceAllStringFunc(body, func(match string) string {
		sub := mentionPattern.FindStringSubmatch(match)
		if !known[account.NormaliseHandle(sub[2])] {
			return match
		}
		return sub[1] + "[@" + sub[2] + "](/@" + strings.ToLower(sub[2]) + ")"
	})
}

func mentionIDs(ms []mentioned) []string {
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}
