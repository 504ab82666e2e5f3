package moderation

import (
	"slices"
)

// FlagRecruitment is the flag a post carries when it recruits people to
// recruit others (distribution schemes, job scams): Guildhall forbids paying
// people for recruiting.
const FlagRecruitment = "recruitment"

// signalTextModel names, among a flag's signals, the learned model's reading
// of the text as a whole, when that is what set the flag.
const signalTextModel = "text_model"

// Thresholds on a flag's score. A post at or above flagAt carries the flag
// and its notice; at or above holdAt it is confident enough to hold a new
// account's post for a moderator before others see it.
const (
	flagAt = 0.5
	holdAt = 0.9
)

// Context says what kind of text is assessed.
type Context struct {
	// Rules is set for text that states rules (a group's rules thread, its
	// description): it names forbidden things in order to forbid them.
	Rules bool
}

// Assessment is the detector's reading of one text.
type Assessment struct {
	Flags   []FlagScore // one per flag the detector knows, off_platform first
	Signals []Signal    // what the rules found, in order of first appearance
}

// FlagScore is one flag's verdict.
type FlagScore struct {
	Flag  string
	Score float64 // the probability the model and the signals give together, 0…1
	Set   bool    // Score ≥ the flag threshold: the post carries the flag
	Hold  bool    // Score ≥ the hold threshold: hold it when its author is not yet trusted
}

// Signal is one thing the rules found, named in stable snake_case for
// moderators ("wechat", "phone", "shop_platform", "move_talk",
// "recruit_distribution"…). Negated is set when every occurrence stands in a
// clause that forbids or warns against it; Start and End are the bytes of the
// original text of its first (un-negated, where there is one) occurrence.
type Signal struct {
	Name       string
	Flag       string
	Negated    bool
	Count      int // how often it was found outside a negated clause
	Start, End int
}

// Assess reads text for deals taken off the platform and for recruitment.
// It takes tens of microseconds for a 2 KB post; the first call also loads
// the lexicons, the look-alike and traditional-Chinese tables and the model.
func Assess(text string, ctx Context) Assessment {
	ev := gather(text, ctx)
	f := featuresOf(ev, false)
	z, grams := theModel().logits(ev.sq.text, f)
	a := Assessment{Signals: ev.hits}
	for k, flag := range modelFlags {
		p := sigmoid(z[k])
		a.Flags = append(a.Flags, FlagScore{Flag: flag, Score: p, Set: p >= flagAt, Hold: p >= holdAt})
		if p >= flagAt && grams[k] > 0 && !slices.ContainsFunc(ev.hits, func(s Signal) bool { return s.Flag == flag && !s.Negated }) {
			a.Signals = append(a.Signals, Signal{Name: signalTextModel, Flag: flag, Start: -1, End: -1})
		}
	}
	return a
}

// Flag returns the verdict on flag (zero when the detector does not know it).
func (a Assessment) Flag(flag string) FlagScore {
	for _, f := range a.Flags {
		if f.Flag == flag {
			return f
		}
	}
	return FlagScore{Flag: flag}
}

// Set returns the flags the text carries, in the order of Flags.
func (a Assessment) Set() []string {
	out := []string{}
	for _, f := range a.Flags {
		if f.Set {
			out = append(out, f.Flag)
		}
	}
	return out
}

// Hold reports whether any flag is confident enough to hold the text for a moderator.
func (a Assessment) Hold() bool {
	return slices.ContainsFunc(a.Flags, func(f FlagScore) bool { return f.Hold })
}

// SignalNames returns the sorted names of the un-negated signals of flag.
func (a Assessment) SignalNames(flag string) []string {
	out := []string{}
	for _, s := range a.Signals {
		if s.Flag == flag && !s.Negated && !slices.Contains(out, s.Name) {
			out = append(out, s.Name)
		}
	}
	slices.Sort(out)
	return out
}
