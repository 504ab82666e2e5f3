package moderation

import (
	"math"
	"slices"
	"unicode/utf8"
)

// The learned model reads two kinds of feature: hashed character 1–3 grams
// and whole ASCII words of the squeezed text (their weights summed and
// divided by the square root of their number, so a long post is not
// flagged for its length), and the signals the rules found, each counted up to
// maxSignalCount times, negated signals apart.
// Training (train.go) and scoring read features through this one function.

// maxSignalCount caps how often one signal counts: three hints of recruitment say more than one, thirty say no
// more than three.
const maxSignalCount = 3

// gramBuckets is the number of hashed n-gram weights per flag.
const gramBuckets = 1 << 16

// features of one text: the n-gram buckets it fills (repeated as often as they occur; only training keeps
// them, scoring sums their weights as it goes), their scale, and its signal features.
type features struct {
	grams   []uint32
	scale   float64
	signals []string
}

// featuresOf returns the features of ev; keepGrams says whether to list the n-grams (for training).
func featuresOf(ev *evidence, keepGrams bool) features {
	var f features
	if keepGrams {
		f.grams = make([]uint32, 0, 4*len(ev.sq.text))
	}
	n := eachGram(ev.sq.text, func(h uint32) {
		if keepGrams {
			f.grams = append(f.grams, h)
		}
	})
	if n > 0 {
		f.scale = 1 / math.Sqrt(float64(n))
	}
	for _, h := range ev.hits {
		if h.Negated {
			f.signals = append(f.signals, "negated_"+h.Name)
		}
		for range min(h.Count, maxSignalCount) {
			f.signals = append(f.signals, h.Name)
		}
	}
	for range min(ev.warning, maxSignalCount) {
		f.signals = append(f.signals, signalWarning)
	}
	for range min(ev.rules, maxSignalCount) {
		f.signals = append(f.signals, signalRules)
	}
	slices.Sort(f.signals)
	return f
}

// eachGram calls fn with the bucket of each character 1-, 2- and 3-gram of s and of each ASCII word, and returns
// how many there were.
func eachGram(s string, fn func(h uint32)) int {
	n := 0
	var p0, p1 uint32 // hashes of the two runes before, 0 at the start
	word, inWord := uint32(0), false
	for _, r := range s {
		if '0' <= r && r <= '9' {
			r = '0' // numbers by shape, not value
		}
		u := mix32(uint32(r) + 1)
		fn(u % gramBuckets)
		n++
		if p1 != 0 {
			fn(mix32(p1*0x9E3779B1+u+2) % gramBuckets)
			n++
			if p0 != 0 {
				fn(mix32(p0*0x85EBCA77+p1*0xC2B2AE3D+u+3) % gramBuckets)
				n++
			}
		}
		p0, p1 = p1, u
		if r < utf8.RuneSelf && asciiWordByte(byte(r)) {
			if !inWord {
				word, inWord = 4, true
			}
			word = mix32(word*0x27D4EB2F + u)
		} else if inWord {
			fn(mix32(word+5) % gramBuckets)
			n++
			inWord = false
		}
	}
	if inWord {
		fn(mix32(word+5) % gramBuckets)
		n++
	}
	return n
}

// mix32 is the finaliser of MurmurHash3: it spreads the bits of x over the whole word.
func mix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x85EBCA6B
	x ^= x >> 13
	x *= 0xC2B2AE35
	x ^= x >> 16
	return x
}
