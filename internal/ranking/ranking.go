// Package ranking is the one place where community signals and age become
// the hot score that orders trending and popular lists.
package ranking

import (
	"math"
	"time"
)

// Weights of each community signal in the hot score. A purchase says more
// than a favourite; a curator's feature more than either.
const (
	WeightFavourite = 1.0
	WeightSave      = 2.0
	WeightThread    = 3.0
	WeightReply     = 0.5
	WeightPurchase  = 5.0
	WeightReview    = 4.0 // times rating/5, so a 5-star review counts 4
	WeightFeatured  = 10.0
)

// ageDivisor is the time over which the age term grows by one, as much as
// ten times the signals: 45,000 s is 12.5 hours.
const ageDivisor = 45000.0

// Signals are the counts a work or a maker has gathered.
type Signals struct {
	Favourites, Saves, Threads, Replies, Purchases int
	Reviews                                        int     // how many
	RatingSum                                      float64 // sum of their stars
	Featured                                       int     // collections featuring it
}

// Weighted is Σ weight·signal.
func (s Signals) Weighted() float64 {
	return WeightFavourite*float64(s.Favourites) + WeightSave*float64(s.Saves) +
		WeightThread*float64(s.Threads) + WeightReply*float64(s.Replies) +
		WeightPurchase*float64(s.Purchases) + WeightReview*s.RatingSum/5 +
		WeightFeatured*float64(s.Featured)
}

// Hot is the time-anchored score of DESIGN.md: log10(max(1, Σ weight·signal))
// + created/45000. Anchoring on creation time instead of decaying with
// "now" means a score never needs recomputing as time passes: newer things
// start higher, and ten times the signals is worth 12.5 hours of youth.
func Hot(s Signals, created time.Time) float64 {
	return math.Log10(math.Max(1, s.Weighted())) + float64(created.UnixMilli())/1000/ageDivisor
}

// Rising makers: each follow adds e^((t−epoch)/tau) to a maker's follow
// heat, kept with $inc like any counter. ln(heat) is then about "time of
// the recent follows in units of tau, plus the log of how many", with no
// recompute as time passes. Subtracting half the log of all followers
// favours small studios gaining followers fast over large ones.
const (
	risingTau = 3 * 24 * time.Hour
)

var risingEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// FollowHeat is what one follow at t adds to a maker's heat. It stays
// within float64 for about five years after the epoch (e^709); the epoch
// moves forward with a rebuild of the index before then.
func FollowHeat(t time.Time) float64 {
	return math.Exp(t.Sub(risingEpoch).Seconds() / risingTau.Seconds())
}

// Rising scores a maker for the rising list; 0 without any follow.
func Rising(heat float64, followers int) float64 {
	if heat <= 0 {
		return 0
	}
	return math.Log(heat) - 0.5*math.Log(float64(followers)+1)
}
