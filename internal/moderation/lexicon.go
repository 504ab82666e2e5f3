package moderation

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The lexicons are data, one file per language under lexicon/, read once on
// first use. zh.txt explains the format.

//go:embed lexicon/*.txt
var lexiconFiles embed.FS

// lexKind is what a lexicon phrase is evidence of.
type lexKind uint8

const (
	lexOff       lexKind = iota + 1 // off-platform evidence
	lexRecruit                      // recruitment evidence
	lexAmbiguous                    // off-platform evidence only beside a cue
	lexCueBefore
	lexCueAfter
	lexNegation
	lexWarning
	lexRules
	lexInnocent
)

var lexKinds = map[string]lexKind{"off": lexOff, "recruit": lexRecruit, "ambiguous": lexAmbiguous,
	"cue_before": lexCueBefore, "cue_after": lexCueAfter, "negation": lexNegation, "warning": lexWarning,
	"rules": lexRules, "innocent": lexInnocent}

type lexEntry struct {
	kind   lexKind
	signal string  // for off, recruit and ambiguous
	prior  float64 // the weight the signal starts training with
}

// defaultPrior is the starting weight of a signal whose lexicon line names none: alone, it flags a post.
const defaultPrior = 5.0

// flag is the flag the entry is evidence for, or "".
func (e lexEntry) flag() string {
	switch e.kind {
	case lexOff, lexAmbiguous:
		return FlagOffPlatform
	case lexRecruit:
		return FlagRecruitment
	}
	return ""
}

// lexiconSet holds the phrases of every language, split by the view of the
// text they are matched in: the squeezed text ("加 微 信" → "加微信",
// "t.e.x.t me" → "text me"), or the normalised text for phrases with an
// emoji or a symbol, which squeezing drops.
type lexiconSet struct {
	norm, squeezed       *phraseMatcher
	normEntries, sqEntry []lexEntry
	innocent             *phraseMatcher
	priors               map[string]float64 // by signal
}

var (
	lexiconOnce sync.Once
	lexicons    *lexiconSet
	lexiconErr  error
)

func loadedLexicons() *lexiconSet {
	lexiconOnce.Do(func() { lexicons, lexiconErr = parseLexicons() })
	if lexiconErr != nil {
		panic(lexiconErr) // the files are embedded: a parse error is a build defect, caught by every test
	}
	return lexicons
}

func parseLexicons() (*lexiconSet, error) {
	var normPhrases, sqPhrases, innocent []string
	set := &lexiconSet{priors: map[string]float64{}}
	for _, lang := range []string{"zh", "en"} {
		data, err := lexiconFiles.ReadFile("lexicon/" + lang + ".txt")
		if err != nil {
			return nil, fmt.Errorf("read lexicon %s: %w", lang, err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			head, body, ok := strings.Cut(line, ":")
			fields := strings.Fields(head)
			if !ok || len(fields) == 0 || len(fields) > 3 {
				return nil, fmt.Errorf("lexicon/%s.txt:%d: want `kind [signal [prior]]: phrases`", lang, i+1)
			}
			e := lexEntry{kind: lexKinds[fields[0]], prior: defaultPrior}
			if len(fields) >= 2 {
				e.signal = fields[1]
			}
			if len(fields) == 3 {
				if e.prior, err = strconv.ParseFloat(fields[2], 64); err != nil {
					return nil, fmt.Errorf("lexicon/%s.txt:%d: prior: %w", lang, i+1, err)
				}
			}
			if e.signal != "" {
				set.priors[e.signal] = e.prior
			}
			if e.kind == 0 || (e.flag() != "") != (e.signal != "") {
				return nil, fmt.Errorf("lexicon/%s.txt:%d: unknown kind or misplaced signal in %q", lang, i+1, head)
			}
			for _, p := range strings.Split(body, "|") {
				p = normalize(strings.TrimSpace(p)).text
				if p == "" {
					continue
				}
				switch {
				case e.kind == lexInnocent:
					innocent = append(innocent, p)
				case !hasSqueezable(p):
					sqPhrases = append(sqPhrases, squeeze(normalized{text: p, orig: make([]int32, len(p)), from: p}).text)
					set.sqEntry = append(set.sqEntry, e)
				default:
					normPhrases = append(normPhrases, p)
					set.normEntries = append(set.normEntries, e)
				}
			}
		}
	}
	set.norm, set.squeezed, set.innocent = newPhraseMatcher(normPhrases), newPhraseMatcher(sqPhrases), newPhraseMatcher(innocent)
	return set, nil
}

// hasSqueezable reports whether squeezing could drop a rune of p (an emoji, a symbol).
func hasSqueezable(p string) bool {
	for i, r := range p {
		if r >= utf8.RuneSelf && contactSeparator(r, p[i+utf8.RuneLen(r):]) {
			return true
		}
	}
	return false
}

// lexiconLookalikes reads lexicon/lookalikes.txt: letters and the Latin letters they pass for.
func lexiconLookalikes() map[rune]string {
	data, err := lexiconFiles.ReadFile("lexicon/lookalikes.txt")
	if err != nil {
		panic(fmt.Errorf("read lookalikes: %w", err))
	}
	out := map[rune]string{}
	for _, line := range strings.Split(string(data), "\n") {
		from, to, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || strings.HasPrefix(from, "#") {
			continue
		}
		if r, n := utf8.DecodeRuneInString(from); n == len(from) {
			out[r] = to
		}
	}
	return out
}
